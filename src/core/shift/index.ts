export { abortShift, resumeShift, runShift, TRAFFIC_LOCK } from './run.js';
export { rollbackToStart } from './rollback.js';
export type { RollbackDeps, RollbackRequest, RollbackResult } from './rollback.js';
export {
  currentOperation,
  findUnfinishedShift,
  isTerminal,
  parsePlanned,
  readCurrentOperation,
  ShiftEvent,
  weightsAtStep,
} from './journal.js';
export type { OperationState, OperationSummary, PlannedData, ShiftEventType, ShiftOpState } from './journal.js';
export type { ResumeOptions, RollbackCause, ShiftDeps, ShiftOutcome, ShiftRequest } from './types.js';
