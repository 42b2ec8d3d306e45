export { GateRunner, gateNames, summarizeCheck, verdictOf } from './runner.js';
export type { GateRunnerOptions } from './runner.js';
export { GateErrorTracker } from './tracker.js';
export { MissingPlaceholderError, Template, substitute, substituteAll } from './placeholders.js';
export type { Placeholder } from './placeholders.js';
export type {
  GateCheck,
  GateChecker,
  GateContext,
  Gate,
  GateOutcome,
  GatePorts,
  GateResultView,
  GateSpec,
  GateTarget,
  GateType,
  GateVerdict,
} from './types.js';
