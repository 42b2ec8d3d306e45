/**
 * The bake: gates polled every gateInterval, and Route 53 watched at every poll, for max(bake, TTL).
 * The step's Terraform catch-up (catch-up.ts) runs meanwhile: the bake ends only once it caught up,
 * and a catch-up that fails ends the bake at once (the shift rolls back as after a failed apply).
 */
import { formatDuration } from '../duration.js';
import { summarizeCheck } from '../gates/runner.js';
import type { Progress } from '../io-host.js';
import type { GateCheck } from '../gates/types.js';
import { formatObserved, type ObservedReport } from '../observed-share.js';
import type { WeightedRecord, Weights } from '../ports.js';
import { formatWeights, sameWeights, weightsFromRecords } from '../weights.js';
import type { CatchUp, CatchUpFailure } from './catch-up.js';
import { askAfterInterrupt } from './decide.js';
import { weightsAtStep } from './journal.js';
import type { Run } from './state.js';
import { holdOutOfBand } from './out-of-band.js';
import { errorMessage, isAbort, throwIfAborted } from './support.js';
import type { ShiftDeps } from './types.js';

/** Consecutive failed reads of Route 53 during a bake before the shift stops (the journal keeps it resumable). */
const MAX_BAKE_READ_FAILURES = 3;

type BakeResult =
  | {
      readonly kind: 'passed';
      readonly gates: GateCheck['results'];
      readonly observed: ObservedReport | undefined;
      /** Route 53 as the bake's last poll read it (the step's map): the next step's compare-and-swap read, when it follows at once. */
      readonly records: readonly WeightedRecord[];
    }
  | { readonly kind: 'gate-failed'; readonly reason: string; readonly decidedAt: Date }
  | { readonly kind: 'catch-up-failed'; readonly failure: CatchUpFailure }
  | { readonly kind: 'hold' }
  | { readonly kind: 'rollback' };

/** max(bake, TTL) unless a short bake was allowed: clients cache the previous answer for a TTL. */
export function effectiveBakeMs(deps: ShiftDeps, run: Pick<Run, 'bakeMs' | 'allowShortBake'>): number {
  return run.allowShortBake ? run.bakeMs : Math.max(run.bakeMs, deps.ttl * 1000);
}

/**
 * Watches the target for the bake, polling gates every gateInterval. The bake ends when the time
 * is up AND the last check passed: a check that only errored proves nothing, so it keeps polling
 * until a pass, or until the error limit turns the errors into a failure.
 */
export async function bakeStep(deps: ShiftDeps, run: Run, index: number, catchUp: CatchUp): Promise<BakeResult> {
  const { io, clock, gates } = deps;
  const signal = deps.interrupts.signal;
  const total = run.steps.length;
  const bakeMs = effectiveBakeMs(deps, run);
  const label = `Step ${index}/${total}`;
  const started = clock.now().getTime();
  const here = weightsAtStep(run, index);
  let progress: Progress | undefined = io.startProgress(`${label}: baking for ${formatDuration(bakeMs)}`);
  let status = '';
  // Terraform's progress lines show on the bake's line while the catch-up runs.
  catchUp.report((message) => progress?.update(`${status}; traffic stack catching up: ${message}`));
  const failedCatchUp = (failure: CatchUpFailure): BakeResult => {
    progress?.fail(failure.text);
    progress = undefined;
    return { kind: 'catch-up-failed', failure };
  };
  try {
    let readFailures = 0;
    for (;;) {
      // Route 53 is watched at every gate poll: someone else's change holds the shift at once.
      // The observed share is read alongside (never in series) and never decides anything.
      const [check, watched, observed] = await Promise.all([
        gates.check(run.target, signal, { weight: here[run.to] ?? 0, operationId: run.op, step: { index, total }, weights: here }),
        watchRoute53(deps, signal),
        observeQuietly(deps, signal),
      ]);
      const versus = observed ? `; observed ${formatObserved(observed)}` : '';
      const failure = catchUp.takeFailure();
      if (failure) return failedCatchUp(failure);
      if (watched.kind === 'read') {
        if (!sameWeights(watched.weights, here) && catchUp.pending) {
          // Not someone else's change until this step's own Terraform apply has finished and read back.
          const wasRunning = catchUp.running;
          const failed = await catchUp.wait(deps, label, 'Route 53 changed during the bake', progress);
          if (failed) return failedCatchUp(failed);
          if (wasRunning) continue;
        }
        if (!sameWeights(watched.weights, here)) {
          progress?.fail(`${label}: Route 53 no longer has the step's weights`);
          progress = undefined;
          throw await holdOutOfBand(deps, { op: run.op, index, total, expected: here, found: watched.weights, during: `the end of the bake of step ${index}/${total}` });
        }
        readFailures = 0;
      } else {
        readFailures += 1;
        io.notify({ level: 'warn', code: 'shift.bake.route53-unread', text: `${label}: could not read Route 53 during the bake (${errorMessage(watched.error)}); the bake does not end on an unwatched poll.` });
        if (readFailures > MAX_BAKE_READ_FAILURES) throw watched.error;
      }
      if (check.verdict === 'fail') {
        const decidedAt = clock.now();
        const reason = `gates on ${run.to} failed during the bake of step ${index}: ${summarizeCheck(check)}`;
        progress?.fail(`${label}: ${summarizeCheck(check)}`);
        progress = undefined;
        io.show({ type: 'gates', results: check.results });
        return { kind: 'gate-failed', reason, decidedAt };
      }
      const left = bakeMs - (clock.now().getTime() - started);
      if (left <= 0 && check.verdict === 'pass' && watched.kind === 'read') {
        if (catchUp.pending) {
          // The bake is over; the step is not done until Terraform caught up (then its gates are checked again).
          const wasRunning = catchUp.running;
          const failed = await catchUp.wait(deps, label, 'baked', progress);
          if (failed) return failedCatchUp(failed);
          if (wasRunning) continue;
        }
        progress?.succeed(
          `${label} baked ${formatDuration(bakeMs)}: ${summarizeCheck(check)}${observed ? `; planned ${formatWeights(here)} vs observed ${formatObserved(observed)}` : ''}`,
        );
        progress = undefined;
        io.show({ type: 'gates', results: check.results });
        return { kind: 'passed', gates: check.results, observed, records: watched.records };
      }
      status = `${label} at ${formatWeights(weightsAtStep(run, index))}: ${
        left > 0 ? `${formatDuration(left)} left` : 'waiting for gates'
      }; ${summarizeCheck(check)}${versus}`;
      const line = catchUp.status !== undefined ? `${status}; traffic stack catching up: ${catchUp.status}` : catchUp.running ? `${status}; traffic stack catching up` : status;
      if (progress) progress.update(line);
      else progress = io.startProgress(line);
      // A catch-up that fails wakes the bake: the rollback must not wait for the next poll.
      await pause(deps, left > 0 ? Math.min(run.gateIntervalMs, left) : run.gateIntervalMs, (wake) =>
        catchUp.onSettle(() => {
          if (catchUp.failed) wake();
        }),
      );
      if (deps.interrupts.requested) {
        progress.stop();
        progress = undefined;
        const choice = await askAfterInterrupt(deps, run, index);
        if (choice === 'hold') return { kind: 'hold' };
        if (choice === 'rollback') return { kind: 'rollback' };
      }
    }
  } finally {
    catchUp.report(undefined);
    progress?.stop();
  }
}

async function watchRoute53(
  deps: ShiftDeps,
  signal: AbortSignal,
): Promise<{ readonly kind: 'read'; readonly weights: Weights; readonly records: readonly WeightedRecord[] } | { readonly kind: 'unread'; readonly error: unknown }> {
  try {
    const records = await deps.dns.readRecords(signal);
    return { kind: 'read', weights: weightsFromRecords(records), records };
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    return { kind: 'unread', error };
  }
}

/**
 * Sleeps, waking early on the first Ctrl-C (the caller then asks) and failing on the second. The
 * clock is a port, so tests bake instantly.
 */
export async function pause(deps: ShiftDeps, ms: number, wakeOn?: (wake: () => void) => () => void): Promise<void> {
  const { interrupts, clock } = deps;
  const hard = interrupts.signal;
  throwIfAborted(hard);
  if (interrupts.requested) return;
  const wake = new AbortController();
  const stopListening = interrupts.onRequest(() => wake.abort());
  const stopOther = wakeOn?.(() => wake.abort()) ?? (() => undefined);
  const onHard = (): void => wake.abort();
  hard.addEventListener('abort', onHard, { once: true });
  try {
    await clock.sleep(ms, wake.signal);
  } catch (err) {
    if (!wake.signal.aborted) throw err;
  } finally {
    stopListening();
    stopOther();
    hard.removeEventListener('abort', onHard);
  }
  throwIfAborted(hard);
}

/** The observed share now, or undefined (none configured, or it could not be read: it is shown, never required). */
async function observeQuietly(deps: ShiftDeps, signal: AbortSignal): Promise<ObservedReport | undefined> {
  if (!deps.observe) return undefined;
  try {
    return await deps.observe(signal);
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    return undefined;
  }
}
