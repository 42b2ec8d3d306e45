/**
 * The shift as the machine carries it: what does not change while it runs (Run), and the states the
 * one transition function (machine.ts) moves between.
 */
import type { GateTarget } from '../gates/types.js';
import type { WeightedRecord, Weights } from '../ports.js';
import type { RollbackCause } from './types.js';

export interface Run {
  readonly op: string;
  readonly to: string;
  readonly w0: Weights;
  readonly steps: readonly Weights[];
  readonly target: GateTarget;
  readonly bakeMs: number;
  readonly allowShortBake: boolean;
  readonly gateIntervalMs: number;
  /** Highest verified step (0: W0). */
  readonly reached: number;
  /** Whether step `reached` has been baked. */
  readonly baked: boolean;
  /** The step to apply first instead of reached + 1 (resume re-running a jump). */
  readonly rerun?: number;
}

export type NextChoice = 'continue' | 'hold' | 'rollback' | 'jump';
export type InterruptChoice = 'continue' | 'hold' | 'rollback';

export type HoldReason = 'operator' | 'interrupt';

/**
 * Every state of a running shift. `reached` is always the last VERIFIED step (0: W0): the map every
 * Route 53 change compares-and-swaps from. Each transition that changes what is live or decided is
 * journaled by the phase that makes it (step intent and done, baked, held, rollback, completed).
 */
export type ShiftState =
  /** Step `reached` is live and verified, not yet baked. */
  | { readonly kind: 'baking'; readonly reached: number }
  /**
   * Step `reached` baked healthy; the operator (or --yes) chooses what next. `seen`: Route 53 as the
   * bake's last poll read it (step `reached`'s map), handed to the next step when nobody is asked.
   */
  | { readonly kind: 'deciding'; readonly reached: number; readonly interrupted: boolean; readonly seen?: readonly WeightedRecord[] }
  /** At a verified step without a bake to do (W0, or a resumed baked step): check for Ctrl-C, the end. */
  | { readonly kind: 'between'; readonly reached: number; readonly rerun?: number }
  /** Moving from `reached` to `next`; `seen`, when set, is the read its compare-and-swap starts from (step.ts). */
  | { readonly kind: 'applying'; readonly reached: number; readonly next: number; readonly seen?: readonly WeightedRecord[] }
  | { readonly kind: 'completing' }
  | { readonly kind: 'holding'; readonly reached: number; readonly reason: HoldReason }
  | {
      readonly kind: 'rolling-back';
      readonly reached: number;
      readonly cause: RollbackCause;
      readonly reason: string;
      readonly decidedAt?: Date;
      /** A step being applied whose map Route 53 may hold. */
      readonly also?: number;
      /** What this shift's own writes left in Route 53 (curvectl's to undo). */
      readonly found?: Weights;
    }
  | { readonly kind: 'lease-lost'; readonly reached: number; readonly next: number };

/** The state a run starts (or resumes) in. */
export function initialState(run: Pick<Run, 'reached' | 'baked' | 'rerun'>): ShiftState {
  if (run.reached > 0 && !run.baked) return { kind: 'baking', reached: run.reached };
  return { kind: 'between', reached: run.reached, ...(run.rerun !== undefined ? { rerun: run.rerun } : {}) };
}
