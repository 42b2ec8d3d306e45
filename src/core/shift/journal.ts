/**
 * The shift's journal events, and how to read an operation back from them. The journal is what
 * makes a shift resumable and auditable: together with Route 53 it tells exactly where a shift
 * stopped.
 *
 * Convention shared with src/core/lifecycle/drain.ts: an event carries `data.weights` only when it
 * records the LIVE weight map at that moment (verified or known in Route 53). Intended weights (a
 * step not yet applied) are under other names, so the drain clock never starts early.
 */
import { CurvectlError } from '../errors.js';
import type { JournalEvent, LockStatus, Weights } from '../ports.js';
import type { RollbackCause } from './types.js';
import { TRAFFIC_LOCK } from '../lock-scope.js';
import { isWeightMap } from '../weights.js';

export const ShiftEvent = {
  /** data: PlannedData */
  planned: 'shift.planned',
  /** data: { index, total, target: Wi } (before the var file is written) */
  stepIntent: 'shift.step.intent',
  /**
   * data: { index, total, weights: Wi, recovered?: true } (Route 53 read back and equal to Wi, and the
   * traffic stack's Terraform catch-up, which runs during the bake, finished: catch-up.ts). An intent
   * without done while Route 53 holds Wi is a step applied whose catch-up did not finish.
   */
  stepDone: 'shift.step.done',
  /**
   * data: { index, total, weights: Wi, bakeMs, gates, route53Ms?, catchUpMs?, observed? } (the bake
   * ended with gates passing and the stack caught up). route53Ms: the step's critical path, from the
   * decision to move to Route 53 INSYNC and read back; catchUpMs: the catch-up apply, off that path.
   */
  stepBaked: 'shift.step.baked',
  /** data: { index, total, weights, reason: 'operator' | 'interrupt' | 'lease-lost' } */
  held: 'shift.held',
  /** data: { index, total, weights, rerunStep?: number, recovered?: true } */
  resumed: 'shift.resumed',
  /** data: { weights: Wn, steps: n } (terminal) */
  completed: 'shift.completed',
  /** data: { cause, reason, index, to: W0, resumed?: true } */
  rollbackStarted: 'shift.rollback.started',
  /** data: { weights: W0, skipped, changeId?, ms, inSyncMs? }; ms: from the decision to Route 53 accepting the change */
  rollbackDnsDone: 'shift.rollback.dns-done',
  /** data: { cause, reason, weights: W0, ms, planClean } (terminal) */
  rolledBack: 'shift.rolled-back',
  /** Like rolled-back, for `shift abort` (terminal). */
  aborted: 'shift.aborted',
} as const;
export type ShiftEventType = (typeof ShiftEvent)[keyof typeof ShiftEvent];

const TERMINAL: ReadonlySet<string> = new Set([ShiftEvent.completed, ShiftEvent.rolledBack, ShiftEvent.aborted]);

export function isTerminal(type: string): boolean {
  return TERMINAL.has(type);
}

/** What `shift.planned` records; enough to resume without the original command line. */
export type PlannedData = {
  readonly to: string;
  /** W0: the live (and desired) weights when the shift started. */
  readonly from: Weights;
  /** Same as `from`: the live map at planning time (see the convention above). */
  readonly weights: Weights;
  /** W1..Wn. */
  readonly steps: readonly Weights[];
  readonly request: {
    readonly step: number;
    /** The step schedule, when one was given instead of `step`. */
    readonly steps?: readonly number[];
    readonly until: number;
    readonly from?: string;
    readonly bakeMs: number;
    readonly allowShortBake: boolean;
    readonly gateIntervalMs: number;
  };
  readonly ttl: number;
};

/** An unfinished shift as reconstructed from its events. */
export interface ShiftOpState {
  readonly op: string;
  readonly actor: string | undefined;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly to: string;
  readonly w0: Weights;
  readonly steps: readonly Weights[];
  readonly request: PlannedData['request'];
  /** Highest step whose Route 53 weights were verified (0: none, W0 is live). */
  readonly done: number;
  /** Whether the bake of step `done` ended with gates passing. */
  readonly baked: boolean;
  /** A step whose intent was journalled but not its verification: the apply may or may not have happened. */
  readonly pendingIntent: number | undefined;
  /** The last event is `shift.held`. */
  readonly held: boolean;
  /** A rollback was started and not finished. */
  readonly rollback: { readonly cause: RollbackCause; readonly reason: string; readonly dnsDone: boolean } | undefined;
  readonly lastEvent: JournalEvent;
}

/** Wi for i in 0..n (0 is W0). */
export function weightsAtStep(op: Pick<ShiftOpState, 'w0' | 'steps'>, index: number): Weights {
  if (index === 0) return op.w0;
  const weights = op.steps[index - 1];
  if (!weights) throw new CurvectlError('INTERNAL', `Step ${index} is outside the plan of ${op.steps.length} steps.`);
  return weights;
}

/**
 * The unfinished shift in a journal (the latest `shift.planned` with no terminal event), or null.
 * Events of other kinds are ignored, so the whole journal may be passed.
 */
export function findUnfinishedShift(journal: readonly JournalEvent[]): ShiftOpState | null {
  const byOp = new Map<string, JournalEvent[]>();
  for (const event of journal) {
    if (!event.type.startsWith('shift.')) continue;
    const list = byOp.get(event.op);
    if (list) list.push(event);
    else byOp.set(event.op, [event]);
  }
  let latest: ShiftOpState | null = null;
  for (const [op, events] of byOp) {
    if (events.some((e) => isTerminal(e.type))) continue;
    const planned = events.find((e) => e.type === ShiftEvent.planned);
    if (!planned) continue;
    const state = replay(op, planned, events);
    if (latest === null || state.startedAt >= latest.startedAt) latest = state;
  }
  return latest;
}

function replay(op: string, planned: JournalEvent, events: readonly JournalEvent[]): ShiftOpState {
  const data = parsePlanned(planned);
  let done = 0;
  let baked = false;
  let pendingIntent: number | undefined;
  let rollback: ShiftOpState['rollback'];
  for (const event of events) {
    const d = event.data ?? {};
    switch (event.type) {
      case ShiftEvent.stepIntent:
        pendingIntent = stepIndex(event, d.index, data.steps.length);
        break;
      case ShiftEvent.stepDone:
        done = stepIndex(event, d.index, data.steps.length);
        pendingIntent = undefined;
        baked = false;
        break;
      case ShiftEvent.stepBaked:
        if (stepIndex(event, d.index, data.steps.length) === done) baked = true;
        break;
      case ShiftEvent.rollbackStarted:
        rollback = {
          cause: isCause(d.cause) ? d.cause : 'operator',
          reason: typeof d.reason === 'string' ? d.reason : 'rollback',
          dnsDone: false,
        };
        break;
      case ShiftEvent.rollbackDnsDone:
        if (rollback) rollback = { ...rollback, dnsDone: true };
        break;
      default:
        break;
    }
  }
  const last = events[events.length - 1] ?? planned;
  return {
    op,
    actor: planned.actor,
    startedAt: planned.at,
    updatedAt: last.at,
    to: data.to,
    w0: data.from,
    steps: data.steps,
    request: data.request,
    done,
    baked,
    pendingIntent,
    held: last.type === ShiftEvent.held,
    rollback,
    lastEvent: last,
  };
}

function isCause(value: unknown): value is RollbackCause {
  return value === 'gate' || value === 'apply' || value === 'operator' || value === 'abort';
}

function stepIndex(event: JournalEvent, value: unknown, total: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= total) return value;
  throw malformed(event, `step index ${JSON.stringify(value)} is not in 1..${total}`);
}

export function parsePlanned(event: JournalEvent): PlannedData {
  const d = event.data ?? {};
  const request = d.request as Record<string, unknown> | undefined;
  if (
    typeof d.to !== 'string' ||
    !isWeightMap(d.from) ||
    !Array.isArray(d.steps) ||
    d.steps.length === 0 ||
    !d.steps.every(isWeightMap) ||
    typeof request !== 'object' ||
    request === null ||
    typeof request.bakeMs !== 'number' ||
    typeof request.gateIntervalMs !== 'number'
  ) {
    throw malformed(event, 'it lacks the plan (to, from, steps, request)');
  }
  return {
    to: d.to,
    from: d.from,
    weights: d.from,
    steps: d.steps,
    request: {
      step: typeof request.step === 'number' ? request.step : 0,
      ...(Array.isArray(request.steps) ? { steps: request.steps as number[] } : {}),
      until: typeof request.until === 'number' ? request.until : 0,
      ...(typeof request.from === 'string' ? { from: request.from } : {}),
      bakeMs: request.bakeMs,
      allowShortBake: request.allowShortBake === true,
      gateIntervalMs: request.gateIntervalMs,
    },
    ttl: typeof d.ttl === 'number' ? d.ttl : 0,
  };
}

function malformed(event: JournalEvent, why: string): CurvectlError {
  return new CurvectlError('INCONSISTENT', `The journal event ${event.type} of operation ${event.op} is malformed: ${why}.`, {
    hint: 'Check the journal (curvectl history) and the live weights (curvectl status); repair the journal file by hand if it was edited.',
    details: { op: event.op, type: event.type },
  });
}

// ---------------------------------------------------------------------------------------------
// For `curvectl status`.

export type OperationState = 'running' | 'held' | 'interrupted';

/**
 * The unfinished shift for `status`. The first fields match src/core/status.ts OperationView, so
 * it can be used as one directly.
 */
export interface OperationSummary {
  /** The operation id. */
  readonly id: string;
  readonly kind: 'shift';
  /**
   * running: a live shift process holds the traffic lock (a `shift resume` that just started
   * included), or no lock status was given and it is not held. held: stopped on purpose
   * (`shift.held` is its last event). interrupted: neither (crash, second Ctrl-C).
   */
  readonly state: OperationState;
  readonly startedAt: string;
  /** Highest verified step (0: still at W0). */
  readonly stepsDone: number;
  readonly stepsTotal: number;
  /** The cluster gaining traffic. */
  readonly target: string;
  /** What the operator can do about it, one sentence. */
  readonly next: string;
  readonly actor: string | undefined;
  readonly updatedAt: string;
  /** W0. */
  readonly from: Weights;
  /** W1..Wn. */
  readonly plan: readonly Weights[];
  /** The weights of step `stepsDone` (W0 when 0): what Route 53 should have if nothing else happened. */
  readonly weights: Weights;
  /** A step that was being applied when it stopped (its apply may or may not have happened). */
  readonly pendingStep: number | undefined;
  /** A rollback began and did not finish (`shift abort` or `shift resume` finishes it). */
  readonly rollingBack: boolean;
  readonly lastEvent: string;
}

/**
 * The unfinished shift (or null), from the journal and, when given, the traffic lock. Pass the
 * lock status (`state.readLock('traffic')`) to tell a running shift from an interrupted one.
 */
export function currentOperation(journal: readonly JournalEvent[], lock?: LockStatus | null): OperationSummary | null {
  const op = findUnfinishedShift(journal);
  if (!op) return null;
  const liveShiftLock = lock !== undefined && lock !== null && !lock.stale && lock.operation.startsWith('shift');
  const state: OperationState = liveShiftLock ? 'running' : op.held ? 'held' : lock === undefined ? 'running' : 'interrupted';
  let next: string;
  if (state === 'running') next = 'It is running; wait for it, or press Ctrl-C in its terminal to stop it at a safe point.';
  else if (op.rollback) next = 'Run `curvectl shift abort` to finish rolling it back.';
  else next = 'Run `curvectl shift resume` to continue it or `curvectl shift abort` to roll it back.';
  return {
    id: op.op,
    kind: 'shift',
    state,
    startedAt: op.startedAt,
    stepsDone: op.done,
    stepsTotal: op.steps.length,
    target: op.to,
    next,
    actor: op.actor,
    updatedAt: op.updatedAt,
    from: op.w0,
    plan: op.steps,
    weights: weightsAtStep(op, op.done),
    pendingStep: op.pendingIntent,
    rollingBack: op.rollback !== undefined,
    lastEvent: op.lastEvent.type,
  };
}

/** currentOperation over a state store: reads the shift events and the traffic lock. */
export async function readCurrentOperation(state: {
  readJournal(filter?: { op?: string; typePrefix?: string }): Promise<JournalEvent[]>;
  readLock(scope: string): Promise<LockStatus | null>;
}): Promise<OperationSummary | null> {
  const [journal, lock] = await Promise.all([state.readJournal({ typePrefix: 'shift.' }), state.readLock(TRAFFIC_LOCK)]);
  return currentOperation(journal, lock);
}
