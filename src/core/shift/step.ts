/**
 * One step: a compare-and-swap from the last verified map, INSYNC, read back. That is the step's
 * critical path; Terraform's catch-up of the traffic stack then runs during the bake (catch-up.ts).
 */
import { isCurvectlError } from '../errors.js';
import type { WeightedRecord, Weights } from '../ports.js';
import { formatWeights, sameWeights, weightsFromRecords } from '../weights.js';
import type { CatchUp } from './catch-up.js';
import { ShiftEvent, weightsAtStep } from './journal.js';
import type { Run } from './state.js';
import { holdOutOfBand } from './out-of-band.js';
import { errorMessage, isAbort, journal, throwIfAborted } from './support.js';
import type { ShiftDeps } from './types.js';

type ApplyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly decidedAt: Date;
      readonly lockLost?: boolean;
      /** What Route 53 held right after this step's own change, when it was not the step's map. */
      readonly found?: Weights;
    };

/**
 * One step. Compare-and-swap from the last VERIFIED map (`previous`, step `from` of the journal),
 * never from records re-read just before the change (see out-of-band.ts): Route 53 is read and
 * compared with that map BEFORE anything is written, var file included; another map means someone
 * else changed the live weights and the shift holds (exit 6) with nothing written.
 */
export async function applyStep(
  deps: ShiftDeps,
  run: Run,
  index: number,
  from: number,
  catchUp: CatchUp,
  seen?: readonly WeightedRecord[],
): Promise<ApplyResult> {
  const { io, stacks, dns, clock } = deps;
  const startedAt = clock.now().getTime();
  const signal = deps.interrupts.signal;
  const total = run.steps.length;
  const weights = weightsAtStep(run, index);
  const previous = weightsAtStep(run, from);
  const label = `Step ${index}/${total}`;
  throwIfAborted(signal);
  // The intent is journaled before anything is written; the read for the compare-and-swap writes
  // nothing, so it runs alongside (the critical path is the longer of the two, not their sum).
  // `seen` is that read already made: the bake's last poll, which the step follows at once under
  // --yes (machine.ts), with nothing awaited in between but curvectl's own journal writes. The
  // comparison below runs on it all the same, and on Route 53 the batch's DELETEs of the records
  // exactly as read close what is left of the window (ChangeResourceRecordSets: a DELETE must
  // match the record set's values exactly, and the batch is all-or-nothing).
  const [, read] = await Promise.all([
    journal(deps, run.op, ShiftEvent.stepIntent, { index, total, target: weights }),
    (seen ? Promise.resolve(seen) : dns.readRecords(signal)).then(
      (records) => ({ ok: true as const, records }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  const progress = io.startProgress(`${label}: applying ${formatWeights(weights)}`);
  let live: Weights;
  let appliedAt: number;
  try {
    if (!read.ok) throw read.error;
    const records = read.records;
    const before = weightsFromRecords(records);
    // Already the step's map: this process's own change whose answer was lost (or a resumed step).
    const alreadyApplied = sameWeights(before, weights);
    if (!alreadyApplied && !sameWeights(before, previous)) {
      progress.fail(`${label}: Route 53 no longer has the weights of step ${from}; nothing was written`);
      throw await holdOutOfBand(deps, { op: run.op, index: from, total, expected: previous, found: before, during: `step ${index}/${total}` });
    }
    await stacks.writeDesiredWeights(weights);
    // Route 53 first, in ONE change batch (a DELETE+CREATE of every record: all-or-nothing on
    // Route 53). Terraform's AWS provider changes each record with a call of its own and waits on
    // each, so a step applied by Terraform alone leaves a mix of old and new weights live for
    // seconds: a split no plan contains, and with three or more clusters possibly all zero (which
    // Route 53 answers as equal weights). Terraform then only catches its state up (its plan finds
    // the records already as the var file declares them), during the bake: catch-up.ts.
    let changeId: string | undefined;
    if (!alreadyApplied) {
      changeId = await swapRecognisingOwn(deps, run, records, weights, { index, from, total });
      if (changeId !== undefined) progress.update(`${label}: Route 53 accepted ${formatWeights(weights)}; waiting until it is in sync`);
    }
    // The read-back runs alongside the wait for INSYNC: ListResourceRecordSets "returns the most
    // current version of the records", PENDING ones included (Route 53 API Reference,
    // ListResourceRecordSets), so it shows what the change batch left at once. The step is applied
    // only once both hold: the change is INSYNC AND Route 53 reads back as the step's map.
    // Both are awaited before anything is decided (no poll left running behind a failure).
    const [sync, after] = await Promise.allSettled([
      changeId !== undefined ? dns.waitInSync(changeId, { signal }) : Promise.resolve(),
      dns.readRecords(signal),
    ]);
    if (sync.status === 'rejected') throw sync.reason;
    if (after.status === 'rejected') throw after.reason;
    live = weightsFromRecords(after.value);
    appliedAt = clock.now().getTime();
  } catch (err) {
    if (isAbort(err, signal)) {
      progress.stop();
      throw err;
    }
    if (isCurvectlError(err) && err.code === 'OUT_OF_BAND') throw err;
    const reason = `applying step ${index} failed: ${errorMessage(err)}`;
    progress.fail(`${label} failed: ${errorMessage(err)}`);
    // LOCKED here: the shared desired weights refused the write (the lease was lost), before any change.
    return { ok: false, reason, decidedAt: clock.now(), ...(isCurvectlError(err) && err.code === 'LOCKED' ? { lockLost: true } : {}) };
  }
  if (!sameWeights(live, weights)) {
    const reason = `after step ${index} Route 53 has ${formatWeights(live)}, expected ${formatWeights(weights)}`;
    progress.fail(`${label}: ${reason}`);
    return { ok: false, reason, decidedAt: clock.now(), found: live };
  }
  // Applied: Route 53 accepted the change, it is INSYNC and it reads back as the step's map. That
  // is a fact the journal records now (`status` and `shift abort` after a stop must know the live
  // traffic is at this step), not after Terraform's bookkeeping: a stop during the catch-up leaves
  // the step done and not baked, and `shift resume` catches the stack up and bakes it again.
  await journal(deps, run.op, ShiftEvent.stepDone, { index, total, weights });
  // The catch-up's first progress lines still go to this step's line; the bake takes them over.
  catchUp.report((message) => progress.update(`${label}: reconciling the traffic stack: ${message}`));
  catchUp.start(deps, run, { index, from }, startedAt, appliedAt);
  catchUp.report(undefined);
  progress.succeed(`${label} applied: ${formatWeights(weights)} (${appliedAt - startedAt} ms); the traffic stack catches up during the bake`);
  io.show({ type: 'weights', title: label, weights, previous });
  return { ok: true };
}

/**
 * The step's one change. When its answer is lost (a 500 or a dropped connection after Route 53
 * accepted it, or the SDK's retry of it refused because the first attempt had already applied),
 * Route 53 is read again: the step's own map means the change went through (undefined: nothing to
 * wait on, it is read back anyway); the previous map means it did not (the error stands); anything
 * else is someone else's change.
 */
async function swapRecognisingOwn(
  deps: ShiftDeps,
  run: Run,
  records: readonly WeightedRecord[],
  weights: Weights,
  at: { index: number; from: number; total: number },
): Promise<string | undefined> {
  const signal = deps.interrupts.signal;
  try {
    return await deps.dns.swapWeights(records, weights, signal);
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    let now: Weights;
    try {
      now = weightsFromRecords(await deps.dns.readRecords(signal));
    } catch {
      throw err;
    }
    if (sameWeights(now, weights)) {
      deps.io.notify({
        level: 'info',
        code: 'shift.step.recognised',
        text: `Step ${at.index}/${at.total}: Route 53's answer to the change was lost (${errorMessage(err)}), but it holds the step's weights: the change went through.`,
      });
      return undefined;
    }
    const previous = weightsAtStep(run, at.from);
    if (!sameWeights(now, previous)) {
      throw await holdOutOfBand(deps, { op: run.op, index: at.from, total: at.total, expected: previous, found: now, during: `step ${at.index}/${at.total}` });
    }
    throw err;
  }
}

/**
 * An apply that only brings the traffic stack's state in line with Route 53 after a recovered step.
 * A failure is a warning: Route 53 is right, and the next apply (a step or a rollback) catches up.
 */
export async function syncTrafficState(deps: ShiftDeps, index: number, total: number): Promise<void> {
  const signal = deps.interrupts.signal;
  const label = `Step ${index}/${total}`;
  const progress = deps.io.startProgress(`${label}: bringing the traffic stack's state in line with Route 53`);
  try {
    // Only a plan that changes nothing, as in the catch-up: one with changes would write over Route 53.
    const summary = await deps.stacks.applyTraffic({ signal, onlyIfUnchanged: true, onProgress: (event) => progress.update(`${label}: ${event.message}`) });
    if (summary.withheld) {
      progress.fail(`${label}: Route 53 is not what the traffic stack's var file says; Terraform applied nothing`);
      deps.io.notify({
        level: 'warn',
        code: 'shift.resume.state-sync-withheld',
        text: `The traffic stack's plan would change ${summary.add + summary.change + summary.remove} resource(s) of Route 53; it was not applied, so nothing was written over the live records. Run \`curvectl status\` and check the plan of the traffic stack.`,
      });
      return;
    }
    progress.succeed(`${label}: the traffic stack's state is in line with Route 53`);
  } catch (err) {
    if (isAbort(err, signal)) {
      progress.stop();
      throw err;
    }
    progress.fail(`${label}: could not bring the traffic stack's state in line with Route 53`);
    deps.io.notify({
      level: 'warn',
      code: 'shift.resume.state-sync-failed',
      text: `The traffic stack's state lags behind Route 53 (${errorMessage(err)}); the next apply brings it in line.`,
    });
  }
}
