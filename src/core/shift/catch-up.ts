/**
 * The Terraform catch-up of a step, off the critical path. A step is APPLIED once Route 53 accepted
 * its one change, the change is INSYNC and the records were read back (step.ts); Route 53 is then
 * right, and the apply of the traffic stack only brings Terraform's state in line with it (its plan
 * finds the records already as the var file declares them). That apply takes seconds (the AWS
 * provider refreshes and waits on every record), so it runs while the step bakes, and everything
 * that comes after the bake waits for it first: the next step, the end of the shift, a hold and a
 * rollback (machine.ts). Two applies of one stack must never overlap (Terraform's state lock would
 * refuse the second), and an apply still planning from the old var file could put a step's weights
 * back after a rollback's Route 53 change.
 *
 * A failed catch-up (Terraform failed, or Route 53 did not hold the step's map after it) rolls the
 * shift back as a failed apply did when the catch-up was part of the step: cause `apply`, from the
 * previous verified step, with the map the apply left as one the rollback may swap from.
 *
 * Journal: `shift.step.intent` comes before the var file is written, and `shift.step.done` once
 * Route 53 reads back as Wi (step.ts), before the catch-up starts: the journal records where the
 * live traffic is, and Terraform's state is bookkeeping. A stop during the catch-up (second Ctrl-C,
 * SIGTERM, kill -9) leaves the step done and not baked: `shift resume` applies the stack once more
 * to catch it up (a plan that changes nothing) and bakes the step again. A stop between intent and
 * done leaves Route 53 at Wi or at the previous map; resume tells which (recovered, or run again).
 * The bake's `shift.step.baked` records how long the critical path (`route53Ms`) and the catch-up
 * (`catchUpMs`) took.
 */
import type { Progress } from '../io-host.js';
import type { Weights } from '../ports.js';
import { formatWeights, sameWeights, weightsFromRecords } from '../weights.js';
import { weightsAtStep } from './journal.js';
import type { Run } from './state.js';
import { errorMessage, isAbort } from './support.js';
import type { ShiftDeps } from './types.js';

/** A catch-up that failed: the shift rolls back (cause apply) from step `from`, also swapping from `index`. */
export interface CatchUpFailure {
  readonly index: number;
  readonly from: number;
  readonly reason: string;
  /** What the operator sees ("Step 2/4 failed: ..."). */
  readonly text: string;
  readonly decidedAt: Date;
  /** What Route 53 held after the apply, when it was not the step's map. */
  readonly found?: Weights;
}

type Outcome =
  | { readonly kind: 'ok' }
  /** Route 53 no longer holds the step's map and the catch-up applied nothing: someone else's change, for the bake to hold on. */
  | { readonly kind: 'diverged'; readonly found: Weights }
  | { readonly kind: 'failed'; readonly failure: CatchUpFailure }
  | { readonly kind: 'thrown'; readonly error: unknown };

interface Flight {
  readonly index: number;
  readonly done: Promise<Outcome>;
  outcome?: Outcome;
}

/** Times of the last step, for its `shift.step.baked` entry. */
export interface StepTiming {
  readonly index: number;
  /** From the decision to move (the step's start) to Route 53 INSYNC and read back. */
  readonly route53Ms: number;
  /** The catch-up apply and its read-back (undefined while it runs). */
  catchUpMs?: number;
}

/** At most one catch-up in flight per run; the machine (machine.ts) owns one for the whole run. */
export class CatchUp {
  private flight: Flight | undefined;
  private readonly listeners = new Set<() => void>();
  private sink: ((message: string) => void) | undefined;
  private lastMessage: string | undefined;
  timing: StepTiming | undefined;

  /**
   * Starts the catch-up of step `index` (applied from `from`); `startedAt` is the step's start and
   * `appliedAt` when Route 53 was INSYNC and read back (the step's critical path lies between).
   */
  start(deps: ShiftDeps, run: Run, at: { readonly index: number; readonly from: number }, startedAt: number, appliedAt: number): void {
    if (this.flight && !this.flight.outcome) throw new Error(`catch-up of step ${this.flight.index} still in flight`);
    const began = deps.clock.now().getTime();
    const timing: StepTiming = { index: at.index, route53Ms: Math.max(0, appliedAt - startedAt) };
    this.timing = timing;
    this.lastMessage = undefined;
    const flight: Flight = {
      index: at.index,
      done: this.body(deps, run, at).then((outcome) => {
        flight.outcome = outcome;
        if (outcome.kind === 'ok') timing.catchUpMs = Math.max(0, deps.clock.now().getTime() - began);
        for (const listener of [...this.listeners]) listener();
        return outcome;
      }),
    };
    this.flight = flight;
  }

  /** Whether a catch-up has not finished yet. */
  get running(): boolean {
    return this.flight !== undefined && this.flight.outcome === undefined;
  }

  /** Whether a catch-up was started and its outcome not yet taken (running, or settled unseen). */
  get pending(): boolean {
    return this.flight !== undefined;
  }

  /** Whether a catch-up failed and its failure was not taken yet. */
  get failed(): boolean {
    return this.flight?.outcome?.kind === 'failed';
  }

  /** Terraform's latest progress line, while it runs. */
  get status(): string | undefined {
    return this.running ? this.lastMessage : undefined;
  }

  /** Where Terraform's progress lines go (the progress line that owns the screen), or nowhere. */
  report(sink: ((message: string) => void) | undefined): void {
    this.sink = sink;
  }

  /** Calls `listener` when a catch-up settles (the bake wakes on it); returns the unsubscribe. */
  onSettle(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A failure already settled and not yet taken (taking it ends the flight); never waits. */
  takeFailure(): CatchUpFailure | undefined {
    const outcome = this.flight?.outcome;
    if (outcome?.kind !== 'failed') return undefined;
    this.flight = undefined;
    return outcome.failure;
  }

  /**
   * Waits for the catch-up in flight (if any), showing the wait on `progress` or on a progress line
   * of its own; returns its failure (taken), or undefined when it caught up or none was in flight.
   * An abort (second Ctrl-C) is thrown, and so is a journal that could not be written.
   */
  async wait(deps: ShiftDeps, label: string, why: string, progress?: Progress): Promise<CatchUpFailure | undefined> {
    const flight = this.flight;
    if (!flight) return undefined;
    let own: Progress | undefined;
    if (!flight.outcome) {
      const text = (message?: string) => `${label}: ${why}, waiting for the traffic stack to catch up with Route 53${message ? ` (${message})` : ''}`;
      const line = progress ?? (own = deps.io.startProgress(text(this.lastMessage)));
      if (progress) progress.update(text(this.lastMessage));
      this.report((message) => line.update(text(message)));
    }
    let outcome: Outcome;
    try {
      outcome = await flight.done;
    } finally {
      this.report(undefined);
    }
    if (this.flight === flight) this.flight = undefined;
    if (outcome.kind === 'thrown') {
      own?.stop();
      throw outcome.error;
    }
    if (outcome.kind === 'failed') {
      own?.fail(outcome.failure.text);
      return outcome.failure;
    }
    if (outcome.kind === 'diverged') {
      // Not a failure to roll back from: the caller reads Route 53 next and holds on the other map.
      own?.fail(`${label}: Route 53 no longer has the step's weights (${formatWeights(outcome.found)}); Terraform applied nothing`);
      return undefined;
    }
    own?.succeed(`${label}: the traffic stack caught up with Route 53`);
    return undefined;
  }

  /** Waits for a catch-up in flight without showing or throwing anything (before the lock is released). */
  async settle(): Promise<void> {
    await this.flight?.done;
  }

  private async body(deps: ShiftDeps, run: Run, at: { readonly index: number; readonly from: number }): Promise<Outcome> {
    const { stacks, dns, io, clock } = deps;
    const signal = deps.interrupts.signal;
    const total = run.steps.length;
    const { index, from } = at;
    const weights = weightsAtStep(run, index);
    const label = `Step ${index}/${total}`;
    const failed = (reason: string, text: string, found?: Weights): Outcome => ({
      kind: 'failed',
      failure: { index, from, reason, text, decidedAt: clock.now(), ...(found ? { found } : {}) },
    });
    try {
      // Only a plan that changes nothing: Route 53 already holds the step's map (read back), so a plan
      // with changes means someone else changed it meanwhile, and applying would overwrite them.
      const reconciled = await stacks.applyTraffic({
        signal,
        onlyIfUnchanged: true,
        onProgress: (event) => {
          this.lastMessage = event.message;
          this.sink?.(event.message);
        },
      });
      const changed = reconciled.add + reconciled.change + reconciled.remove;
      if (reconciled.withheld) {
        const live = weightsFromRecords(await dns.readRecords(signal));
        // Someone else's change: nothing is applied and the step is not done; the bake (or the next
        // step's compare-and-swap) sees the other map and holds the shift, overwriting nothing.
        if (!sameWeights(live, weights)) return { kind: 'diverged', found: live };
        // Route 53 is the step's map and the plan still changes something: the module declares more
        // than the weights curvectl sets. Nothing is applied over it; the operator is told.
        io.notify({
          level: 'warn',
          code: 'shift.step.terraform-changed',
          text: `${label}: Route 53 holds the step's weights but Terraform's plan of the traffic stack still changes ${changed} resource${changed === 1 ? '' : 's'}; it was not applied. Check that the module declares nothing but the weighted records' weights as curvectl sets them (curvectl status, terraform plan).`,
          data: { summary: reconciled },
        });
      } else if (changed > 0) {
        io.notify({
          level: 'warn',
          code: 'shift.step.terraform-changed',
          text: `${label}: after the Route 53 change, Terraform still changed ${changed} resource${changed === 1 ? '' : 's'} of the traffic stack; check that its module declares nothing but the weighted records' weights as curvectl sets them.`,
          data: { summary: reconciled },
        });
      }
      const live = weightsFromRecords(await dns.readRecords(signal));
      if (!sameWeights(live, weights)) {
        const reason = `after step ${index} Route 53 has ${formatWeights(live)}, expected ${formatWeights(weights)}`;
        return failed(reason, `${label}: ${reason}`, live);
      }
    } catch (err) {
      if (isAbort(err, signal)) return { kind: 'thrown', error: err };
      return failed(`applying step ${index} failed: ${errorMessage(err)}`, `${label} failed: ${errorMessage(err)}`);
    }
    return { kind: 'ok' };
  }
}
