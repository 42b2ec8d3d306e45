/** `shift resume` and `shift abort`: load the state from the journal and Route 53, continue the machine. */
import { refused } from '../errors.js';
import { summarizeCheck } from '../gates/runner.js';
import { TRAFFIC_LOCK } from '../lock-scope.js';
import type { LockHandle, Weights } from '../ports.js';
import { formatWeights, sameWeights, weightsFromRecords } from '../weights.js';
import { pendingOf, rollBack } from './decide.js';
import { findUnfinishedShift, ShiftEvent, type ShiftOpState, weightsAtStep } from './journal.js';
import { drive, release } from './machine.js';
import type { Run } from './state.js';
import { holdOutOfBand } from './out-of-band.js';
import { checkTiming, requireSomeoneToAnswer, warnShortBake } from './plan.js';
import { gateTarget, settledCheck } from './preflight.js';
import { syncTrafficState } from './step.js';
import { asInterrupted, journal } from './support.js';
import type { AbortOptions, ResumeOptions, ShiftDeps, ShiftOutcome } from './types.js';

/**
 * Continues the unfinished shift from where the journal and Route 53 say it is. A rollback that
 * was started is finished instead. A step whose intent has no `done`: if Route 53 has its weights
 * the apply happened (marked done, then baked); if it still has the previous step's, the step is
 * run again; anything else is INCONSISTENT (and `shift abort` is the way out).
 */
export async function resumeShift(deps: ShiftDeps, options: ResumeOptions): Promise<ShiftOutcome> {
  const signal = deps.interrupts.signal;
  requireSomeoneToAnswer(deps, 'shift resume');
  const nothing = refused('There is no unfinished shift to resume.', 'Run `curvectl status` to see the weights, or start one with `curvectl shift --to <name>`.');
  return withUnfinishedShift(deps, 'shift resume', nothing, async (st, lock) => {
    if (st.rollback) {
      deps.io.notify({ level: 'info', code: 'shift.resume.rollback', text: `Shift ${st.op} was rolling back (${st.rollback.reason}); finishing the rollback.` });
      return await rollBack(deps, st, st.done, st.rollback.cause, st.rollback.reason, true, deps.clock.now(), pendingOf(st));
    }
    const bakeMs = options.bakeMs ?? st.request.bakeMs;
    const allowShortBake = options.allowShortBake ?? st.request.allowShortBake;
    checkTiming(deps, bakeMs, allowShortBake, options.gateIntervalMs);
    if (allowShortBake && bakeMs < deps.ttl * 1000) warnShortBake(deps, bakeMs);

    const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(signal)]);
    const live = weightsFromRecords(records);
    const { reached, baked, recovered, rerun } = await reconcile(deps, st, live, desired);
    // A step not baked was cut short after its Route 53 change, maybe before Terraform's catch-up
    // saved its state (its outputs would lag and `terraform plan` show changes): apply once more, a
    // plan that changes nothing in AWS (withheld otherwise).
    if (recovered || (reached > 0 && !baked)) await syncTrafficState(deps, reached, st.steps.length);

    await journal(deps, st.op, ShiftEvent.resumed, {
      index: reached,
      total: st.steps.length,
      weights: live,
      ...(recovered ? { recovered: true } : {}),
      ...(rerun !== undefined ? { rerunStep: rerun } : {}),
    });
    deps.io.show({ type: 'weights', title: `Resuming shift ${st.op} at step ${reached}/${st.steps.length}`, weights: live });

    const target = await gateTarget(deps, st.to, records);
    const run: Run = {
      op: st.op,
      to: st.to,
      w0: st.w0,
      steps: st.steps,
      target,
      bakeMs,
      allowShortBake,
      gateIntervalMs: options.gateIntervalMs,
      reached,
      baked,
      ...(rerun !== undefined ? { rerun } : {}),
    };
    if (reached === 0 || baked) {
      // Time has passed since the last check: look at the target again before moving more traffic.
      const decidedAt = deps.clock.now();
      const here = weightsAtStep(st, reached);
      const check = await settledCheck(deps, target, options.gateIntervalMs, {
        weight: here[st.to] ?? 0,
        operationId: st.op,
        step: { index: reached, total: st.steps.length },
        weights: here,
      });
      deps.io.show({ type: 'gates', results: check.results });
      // 'error' here means the error limit was not reached because Ctrl-C cut the checks short:
      // the step loop then asks at its first safe point.
      if (check.verdict === 'fail' || (check.verdict === 'error' && !deps.interrupts.requested)) {
        return await rollBack(deps, st, reached, 'gate', `gates on ${st.to} failed on resume: ${summarizeCheck(check)}`, false, decidedAt);
      }
    }
    return await drive(deps, run, lock);
  });
}

/** Rolls the unfinished shift back to its W0 (journal ends with `shift.aborted`). */
export async function abortShift(deps: ShiftDeps, options: AbortOptions = {}): Promise<ShiftOutcome> {
  const nothing = refused('There is no unfinished shift to abort.', 'Run `curvectl status` to see the current weights and any operation in progress.');
  return withUnfinishedShift(deps, 'shift abort', nothing, (st) =>
    rollBack(deps, st, st.done, 'abort', 'the operator aborted the shift', st.rollback !== undefined, deps.clock.now(), {
      ...pendingOf(st),
      ...(options.force ? { force: true } : {}),
    }),
  );
}

/**
 * What `shift resume` and `shift abort` share: the traffic lock, then the unfinished shift from the
 * journal (read under the lock, so no other process is writing it), or `nothing` when there is
 * none; a stop names the shift (`asInterrupted`), and the lock is released however it ends.
 */
async function withUnfinishedShift(
  deps: ShiftDeps,
  operation: string,
  nothing: Error,
  body: (st: ShiftOpState, lock: LockHandle) => Promise<ShiftOutcome>,
): Promise<ShiftOutcome> {
  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, operation);
  let op: string | undefined;
  try {
    const st = findUnfinishedShift(await deps.state.readJournal({ typePrefix: 'shift.' }));
    if (!st) throw nothing;
    op = st.op;
    return await body(st, lock);
  } catch (err) {
    throw asInterrupted(err, deps.interrupts.signal, op);
  } finally {
    await release(deps, lock);
  }
}

interface Position {
  readonly reached: number;
  readonly baked: boolean;
  /** A pending step whose apply was found done in Route 53 (journalled as done with recovered). */
  readonly recovered: boolean;
  /** A pending step that never reached Route 53 and will run again. */
  readonly rerun: number | undefined;
}

export async function reconcile(deps: ShiftDeps, st: ShiftOpState, live: Weights, desired: Weights): Promise<Position> {
  const total = st.steps.length;
  const expected = weightsAtStep(st, st.done);
  const pending = st.pendingIntent;
  const intended = pending !== undefined ? weightsAtStep(st, pending) : undefined;
  let position: Position;
  if (intended !== undefined && pending !== undefined && sameWeights(live, intended)) {
    // The apply of the pending step reached Route 53 before the stop: it is done, not yet baked.
    await journal(deps, st.op, ShiftEvent.stepDone, { index: pending, total, weights: intended, recovered: true });
    position = { reached: pending, baked: false, recovered: true, rerun: undefined };
  } else if (sameWeights(live, expected)) {
    position = { reached: st.done, baked: st.baked, recovered: false, rerun: pending };
  } else {
    // Neither the verified step nor the one being applied: someone else changed the live weights.
    // Resuming must not write over them: hold (exit 6), saying what changed.
    throw await holdOutOfBand(deps, {
      op: st.op,
      index: st.done,
      total,
      expected,
      found: live,
      during: intended !== undefined && pending !== undefined ? `step ${pending}/${total}` : `step ${st.done + 1}/${total}`,
    });
  }
  const here = weightsAtStep(st, position.reached);
  const desiredOk = sameWeights(desired, here) || (intended !== undefined && position.rerun !== undefined && sameWeights(desired, intended));
  if (!desiredOk) {
    throw refused(
      `The traffic var file (${formatWeights(desired)}) matches neither Route 53 (${formatWeights(here)}) nor the step shift ${st.op} was applying.`,
      'Someone edited the var file: put it back to the live weights and resume, or run `curvectl shift abort`.',
      { op: st.op, desired, live: here },
    );
  }
  return position;
}
