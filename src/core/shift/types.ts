/** The staged shift's inputs and outcomes. */
import type { IoHost } from '../io-host.js';
import type { Clock, Interrupts, Stacks, StateStore, TrafficDns, Weights } from '../ports.js';
import type { GateChecker } from '../gates/types.js';

export interface ShiftDeps {
  readonly dns: TrafficDns;
  readonly stacks: Stacks;
  readonly state: StateStore;
  /** Usually a GateRunner; anything that checks the target cluster. */
  readonly gates: GateChecker;
  readonly io: IoHost;
  readonly clock: Clock;
  /** First Ctrl-C: `requested` (stop at the next safe point and ask); second: `signal` aborts. */
  readonly interrupts: Interrupts;
  /** Who acts, for the lock and the journal ("user@host"). */
  readonly actor: string;
  /** The weighted records' TTL in seconds (dns.ttl): the shortest bake that lets clients see a step. */
  readonly ttl: number;
  /** Operation ids; default: "shift-<UTC time>-<random>". Tests pass a fixed one. */
  readonly newOpId?: () => string;
}

export interface ShiftRequest {
  /** The cluster that gains traffic. */
  readonly to: string;
  /** Percentage points per step, 1-100 (config shift.step, default 10). Ignored when `steps` is given. */
  readonly step: number;
  /** A step schedule instead: the percentages the target reaches, ending at `until` (--steps, config shift.steps). */
  readonly steps?: readonly number[];
  /** The target's final weight, 0-100 (default 100). */
  readonly until: number;
  /** Time each step is watched before the next, in ms (config shift.bake, default 5m). */
  readonly bakeMs: number;
  /** Allow a bake below the TTL (clients may still use the previous answer when it ends). Default false. */
  readonly allowShortBake: boolean;
  /** Take the traffic from this cluster only; default: from every other cluster in proportion. */
  readonly from?: string;
  /** Show the plan and stop: no lock, no gates, no change. */
  readonly dryRun: boolean;
  /** How often gates are polled during a bake, in ms (config shift.gateInterval, default 10s). */
  readonly gateIntervalMs: number;
  /**
   * Ask once, after the plan and the pre-flight gates, before the first step (default no; --yes
   * answers yes). Default true; false only for a caller that has just asked (cycle).
   */
  readonly confirmStart?: boolean;
}

export interface ResumeOptions {
  /** Default: the bake of the original request. */
  readonly bakeMs?: number;
  readonly gateIntervalMs: number;
  /** Default: as in the original request. */
  readonly allowShortBake?: boolean;
}

export interface AbortOptions {
  /**
   * Overwrite Route 53 even when it no longer holds what the shift last verified (someone else
   * changed the live weights). The command asks for a typed confirmation first.
   */
  readonly force?: boolean;
}

export type RollbackCause = 'gate' | 'apply' | 'operator' | 'abort';

export type ShiftOutcome =
  /** Every step applied and baked; the target has `until`. */
  | { readonly kind: 'completed'; readonly op: string; readonly weights: Weights }
  /** Stopped at a verified step (operator's choice, or Ctrl-C); `shift resume` continues. */
  | { readonly kind: 'held'; readonly op: string; readonly weights: Weights }
  /** Back at W0. `cause` gate -> exit 3; operator / abort -> exit 5; apply -> exit 1. */
  | {
      readonly kind: 'rolled-back';
      readonly op: string;
      readonly cause: RollbackCause;
      readonly weights: Weights;
      readonly reason: string;
    }
  /**
   * --dry-run: the steps W1..Wn that would be applied, the first step's Route 53 request exactly as
   * it would be sent, and the terraform command lines each step's catch-up runs.
   */
  | {
      readonly kind: 'dry-run';
      readonly plan: readonly Weights[];
      readonly firstChange?: Readonly<Record<string, unknown>>;
      readonly terraform?: readonly string[];
    }
  /** The target already has `until`. */
  | { readonly kind: 'nothing-to-do'; readonly weights: Weights };
