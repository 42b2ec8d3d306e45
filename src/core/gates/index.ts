export { GateRunner, gateNames, summarizeCheck, verdictOf } from './runner.js';
export type { GateRunnerOptions } from './runner.js';
export { GateErrorTracker } from './tracker.js';
export { MissingPlaceholderError, substitute, substituteAll } from './placeholders.js';
export type {
  GateCheck,
  GateChecker,
  GateConfig,
  GateOutcome,
  GatePorts,
  GateResultView,
  GateTarget,
  GateVerdict,
} from './types.js';
