/**
 * The staged shift (shared/design/architecture.md, "The staged shift"):
 *
 *   lock -> no unfinished shift -> desired == live -> plan W1..Wn -> pre-flight gates on the target
 *   -> journal the plan -> for each step: intent -> var file -> terraform apply -> Route 53 read back
 *   == Wi -> done -> bake max(bake, TTL) polling gates -> ask continue / hold / roll back / jump.
 *
 * Crash safety: Route 53 only ever holds W0..Wn (each step is one apply of one complete map; the
 * rollback is one atomic change to W0), and the journal says which one is expected, so `shift
 * resume` can always tell where it stopped. A second Ctrl-C aborts `interrupts.signal`: every port
 * call gets it, nothing more is journalled, and the journal is left for `resume`.
 */
import { badInput, CurvectlError, isCurvectlError, refused } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { Choice, Progress } from '../io-host.js';
import type { GateCheck, GateTarget } from '../gates/types.js';
import { summarizeCheck } from '../gates/runner.js';
import type { LockHandle, WeightedRecord, Weights } from '../ports.js';
import {
  formatDrift,
  formatWeights,
  planShift,
  sameWeights,
  weightDrift,
  weightsFromRecords,
} from '../weights.js';
import { findUnfinishedShift, ShiftEvent, weightsAtStep, type PlannedData, type ShiftOpState } from './journal.js';
import { rollbackToStart } from './rollback.js';
import { asInterrupted, errorMessage, isAbort, journal, throwIfAborted } from './support.js';
import type { ResumeOptions, RollbackCause, ShiftDeps, ShiftOutcome, ShiftRequest } from './types.js';

/** The lock every traffic change takes. */
export const TRAFFIC_LOCK = 'traffic';

/** Pre-flight tries at most this many times while gates only error (GateRunner's limit usually ends it sooner). */
const MAX_PREFLIGHT_ATTEMPTS = 10;

// ---------------------------------------------------------------------------------------------
// Entry points.

export async function runShift(deps: ShiftDeps, request: ShiftRequest): Promise<ShiftOutcome> {
  const signal = deps.interrupts.signal;
  checkTiming(deps, request.bakeMs, request.allowShortBake, request.gateIntervalMs);
  if (request.dryRun) return dryRun(deps, request);
  requireSomeoneToAnswer(deps, 'shift');

  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, `shift --to ${request.to}`);
  let op: string | undefined;
  try {
    await refuseUnfinished(deps);
    const { records, weights: w0 } = await readAgreedWeights(deps);
    const steps = planShift({ current: w0, to: request.to, step: request.step, until: request.until, ...fromOf(request), ...scheduleOf(request) });
    if (steps.length === 0) return nothingToDo(deps, request.to, w0);
    deps.io.show({ type: 'plan', title: planTitle(request, w0, steps.length), steps: [w0, ...steps] });
    if (request.allowShortBake && request.bakeMs < deps.ttl * 1000) warnShortBake(deps, request.bakeMs);

    const target = await gateTarget(deps, request.to, records);
    await preflight(deps, target, request.gateIntervalMs);

    op = (deps.newOpId ?? defaultOpId(deps))();
    const planned: PlannedData = {
      to: request.to,
      from: w0,
      weights: w0,
      steps,
      request: {
        step: request.step,
        ...(request.steps === undefined ? {} : { steps: request.steps }),
        until: request.until,
        ...fromOf(request),
        bakeMs: request.bakeMs,
        allowShortBake: request.allowShortBake,
        gateIntervalMs: request.gateIntervalMs,
      },
      ttl: deps.ttl,
    };
    await journal(deps, op, ShiftEvent.planned, planned);
    return await drive(deps, {
      op,
      to: request.to,
      w0,
      steps,
      target,
      bakeMs: request.bakeMs,
      allowShortBake: request.allowShortBake,
      gateIntervalMs: request.gateIntervalMs,
      reached: 0,
      baked: false,
    }, lock);
  } catch (err) {
    throw asInterrupted(err, signal, op);
  } finally {
    await release(deps, lock);
  }
}

/**
 * Continues the unfinished shift from where the journal and Route 53 say it is. A rollback that
 * was started is finished instead. A step whose intent has no `done`: if Route 53 has its weights
 * the apply happened (marked done, then baked); if it still has the previous step's, the step is
 * run again; anything else is INCONSISTENT (and `shift abort` is the way out).
 */
export async function resumeShift(deps: ShiftDeps, options: ResumeOptions): Promise<ShiftOutcome> {
  const signal = deps.interrupts.signal;
  requireSomeoneToAnswer(deps, 'shift resume');
  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, 'shift resume');
  let op: string | undefined;
  try {
    const st = findUnfinishedShift(await deps.state.readJournal({ typePrefix: 'shift.' }));
    if (!st) {
      throw refused('There is no unfinished shift to resume.', 'Run `curvectl status` to see the weights, or start one with `curvectl shift --to <name>`.');
    }
    op = st.op;
    if (st.rollback) {
      deps.io.notify({ level: 'info', code: 'shift.resume.rollback', text: `Shift ${st.op} was rolling back (${st.rollback.reason}); finishing the rollback.` });
      return await rollBack(deps, st, st.done, st.rollback.cause, st.rollback.reason, true);
    }
    const bakeMs = options.bakeMs ?? st.request.bakeMs;
    const allowShortBake = options.allowShortBake ?? st.request.allowShortBake;
    checkTiming(deps, bakeMs, allowShortBake, options.gateIntervalMs);
    if (allowShortBake && bakeMs < deps.ttl * 1000) warnShortBake(deps, bakeMs);

    const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(signal)]);
    const live = weightsFromRecords(records);
    const { reached, baked, recovered, rerun } = await reconcile(deps, st, live, desired);
    // A recovered step was cut short after its Route 53 change, before Terraform saved its state (its
    // outputs would lag and `terraform plan` show changes): apply once more, which changes nothing in AWS.
    if (recovered) await syncTrafficState(deps, reached, st.steps.length);

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
      const check = await settledCheck(deps, target, options.gateIntervalMs);
      deps.io.show({ type: 'gates', results: check.results });
      // 'error' here means the error limit was not reached because Ctrl-C cut the checks short:
      // the step loop then asks at its first safe point.
      if (check.verdict === 'fail' || (check.verdict === 'error' && !deps.interrupts.requested)) {
        return await rollBack(deps, st, reached, 'gate', `gates on ${st.to} failed on resume: ${summarizeCheck(check)}`, false, decidedAt);
      }
    }
    return await drive(deps, run, lock);
  } catch (err) {
    throw asInterrupted(err, signal, op);
  } finally {
    await release(deps, lock);
  }
}

/** Rolls the unfinished shift back to its W0 (journal ends with `shift.aborted`). */
export async function abortShift(deps: ShiftDeps): Promise<ShiftOutcome> {
  const signal = deps.interrupts.signal;
  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, 'shift abort');
  let op: string | undefined;
  try {
    const st = findUnfinishedShift(await deps.state.readJournal({ typePrefix: 'shift.' }));
    if (!st) {
      throw refused('There is no unfinished shift to abort.', 'Run `curvectl status` to see the current weights and any operation in progress.');
    }
    op = st.op;
    return await rollBack(deps, st, st.done, 'abort', 'the operator aborted the shift', st.rollback !== undefined);
  } catch (err) {
    throw asInterrupted(err, signal, op);
  } finally {
    await release(deps, lock);
  }
}

// ---------------------------------------------------------------------------------------------
// The step loop.

interface Run {
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

type NextChoice = 'continue' | 'hold' | 'rollback' | 'jump';
type InterruptChoice = 'continue' | 'hold' | 'rollback';

async function drive(deps: ShiftDeps, run: Run, lock: LockHandle): Promise<ShiftOutcome> {
  const total = run.steps.length;
  let reached = run.reached;
  let baked = run.baked;
  let rerun = run.rerun;
  for (;;) {
    let next: number;
    if (reached > 0 && !baked) {
      const bake = await bakeStep(deps, run, reached);
      switch (bake.kind) {
        case 'passed':
          break;
        case 'gate-failed':
          return rollBack(deps, run, reached, 'gate', bake.reason, false, bake.decidedAt);
        case 'hold':
          return hold(deps, run, reached, 'interrupt');
        case 'rollback':
          return rollBack(deps, run, reached, 'operator', 'the operator chose to roll back after Ctrl-C');
        default:
          return unreachable(bake);
      }
      await journal(deps, run.op, ShiftEvent.stepBaked, {
        index: reached,
        total,
        weights: weightsAtStep(run, reached),
        bakeMs: effectiveBakeMs(deps, run),
      });
      baked = true;
      if (reached === total) return complete(deps, run);
      const interrupted = deps.interrupts.requested;
      let choice: NextChoice;
      try {
        choice = interrupted ? await askAfterInterrupt(deps, run, reached) : await askNext(deps, run, reached);
      } catch (err) {
        // No answer (the prompt was closed, e.g. Ctrl-C inside it): stopping is the safe default.
        if (deps.interrupts.signal.aborted) throw err;
        deps.io.notify({ level: 'warn', code: 'shift.prompt.failed', text: `No answer to the prompt (${errorMessage(err)}); holding.` });
        return hold(deps, run, reached, 'interrupt');
      }
      switch (choice) {
        case 'continue':
          next = reached + 1;
          break;
        case 'jump':
          next = total;
          break;
        case 'hold':
          return hold(deps, run, reached, interrupted ? 'interrupt' : 'operator');
        case 'rollback':
          return rollBack(deps, run, reached, 'operator', 'the operator chose to roll back');
        default:
          return unreachable(choice);
      }
    } else if (reached === total) {
      return complete(deps, run);
    } else {
      next = rerun !== undefined && rerun > reached ? rerun : reached + 1;
      // A safe point between steps: Ctrl-C pressed during pre-flight or while resuming.
      if (deps.interrupts.requested) {
        const choice = await askAfterInterrupt(deps, run, reached);
        if (choice === 'hold') return hold(deps, run, reached, 'interrupt');
        if (choice === 'rollback') return rollBack(deps, run, reached, 'operator', 'the operator chose to roll back after Ctrl-C');
      }
    }

    // A lease that ran out may have been taken over: never move more traffic without the lock.
    if (lock.stillHeld?.() === false) return leaseLost(deps, run, reached, next);
    const applied = await applyStep(deps, run, next, weightsAtStep(run, reached));
    // The step's write was refused because the lock is gone: nothing moved, and a rollback needs the lock too.
    if (!applied.ok && applied.lockLost) return leaseLost(deps, run, reached, next);
    if (!applied.ok) return rollBack(deps, run, reached, 'apply', applied.reason, false, applied.decidedAt);
    reached = next;
    baked = false;
    rerun = undefined;
  }
}

type ApplyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly decidedAt: Date; readonly lockLost?: boolean };

async function applyStep(deps: ShiftDeps, run: Run, index: number, previous: Weights): Promise<ApplyResult> {
  const { io, stacks, dns, clock } = deps;
  const signal = deps.interrupts.signal;
  const total = run.steps.length;
  const weights = weightsAtStep(run, index);
  const label = `Step ${index}/${total}`;
  throwIfAborted(signal);
  await journal(deps, run.op, ShiftEvent.stepIntent, { index, total, target: weights });
  const progress = io.startProgress(`${label}: applying ${formatWeights(weights)}`);
  let live: Weights;
  try {
    await stacks.writeDesiredWeights(weights);
    // Route 53 first, in ONE change batch (a DELETE+CREATE of every record: all-or-nothing on
    // Route 53). Terraform's AWS provider changes each record with a call of its own and waits on
    // each, so a step applied by Terraform alone leaves a mix of old and new weights live for
    // seconds: a split no plan contains, and with three or more clusters possibly all zero (which
    // Route 53 answers as equal weights). Terraform then only catches its state up: its plan finds
    // the records already as the var file declares them.
    const records = await dns.readRecords(signal);
    if (!sameWeights(weightsFromRecords(records), weights)) {
      const changeId = await dns.swapWeights(records, weights, signal);
      progress.update(`${label}: Route 53 accepted ${formatWeights(weights)}; waiting until it is in sync`);
      await dns.waitInSync(changeId, { signal });
    }
    const reconciled = await stacks.applyTraffic({ signal, onProgress: (event) => progress.update(`${label}: reconciling the traffic stack: ${event.message}`) });
    const changed = reconciled.add + reconciled.change + reconciled.remove;
    if (changed > 0) {
      io.notify({
        level: 'warn',
        code: 'shift.step.terraform-changed',
        text: `${label}: after the Route 53 change, Terraform still changed ${changed} resource${changed === 1 ? '' : 's'} of the traffic stack; check that its module declares nothing but the weighted records' weights as curvectl sets them.`,
        data: { summary: reconciled },
      });
    }
    live = weightsFromRecords(await dns.readRecords(signal));
  } catch (err) {
    if (isAbort(err, signal)) {
      progress.stop();
      throw err;
    }
    const reason = `applying step ${index} failed: ${errorMessage(err)}`;
    progress.fail(`${label} failed: ${errorMessage(err)}`);
    // LOCKED here: the shared desired weights refused the write (the lease was lost), before any change.
    return { ok: false, reason, decidedAt: clock.now(), ...(isCurvectlError(err) && err.code === 'LOCKED' ? { lockLost: true } : {}) };
  }
  if (!sameWeights(live, weights)) {
    const reason = `after step ${index} Route 53 has ${formatWeights(live)}, expected ${formatWeights(weights)}`;
    progress.fail(`${label}: ${reason}`);
    return { ok: false, reason, decidedAt: clock.now() };
  }
  progress.succeed(`${label} applied: ${formatWeights(weights)}`);
  await journal(deps, run.op, ShiftEvent.stepDone, { index, total, weights });
  io.show({ type: 'weights', title: label, weights, previous });
  return { ok: true };
}

/**
 * An apply that only brings the traffic stack's state in line with Route 53 after a recovered step.
 * A failure is a warning: Route 53 is right, and the next apply (a step or a rollback) catches up.
 */
async function syncTrafficState(deps: ShiftDeps, index: number, total: number): Promise<void> {
  const signal = deps.interrupts.signal;
  const label = `Step ${index}/${total}`;
  const progress = deps.io.startProgress(`${label}: bringing the traffic stack's state in line with Route 53`);
  try {
    await deps.stacks.applyTraffic({ signal, onProgress: (event) => progress.update(`${label}: ${event.message}`) });
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

type BakeResult =
  | { readonly kind: 'passed' }
  | { readonly kind: 'gate-failed'; readonly reason: string; readonly decidedAt: Date }
  | { readonly kind: 'hold' }
  | { readonly kind: 'rollback' };

/** max(bake, TTL) unless a short bake was allowed: clients cache the previous answer for a TTL. */
function effectiveBakeMs(deps: ShiftDeps, run: Pick<Run, 'bakeMs' | 'allowShortBake'>): number {
  return run.allowShortBake ? run.bakeMs : Math.max(run.bakeMs, deps.ttl * 1000);
}

/**
 * Watches the target for the bake, polling gates every gateInterval. The bake ends when the time
 * is up AND the last check passed: a check that only errored proves nothing, so it keeps polling
 * until a pass, or until the error limit turns the errors into a failure.
 */
async function bakeStep(deps: ShiftDeps, run: Run, index: number): Promise<BakeResult> {
  const { io, clock, gates } = deps;
  const signal = deps.interrupts.signal;
  const total = run.steps.length;
  const bakeMs = effectiveBakeMs(deps, run);
  const label = `Step ${index}/${total}`;
  const started = clock.now().getTime();
  let progress: Progress | undefined = io.startProgress(`${label}: baking for ${formatDuration(bakeMs)}`);
  try {
    for (;;) {
      const check = await gates.check(run.target, signal);
      if (check.verdict === 'fail') {
        const decidedAt = clock.now();
        const reason = `gates on ${run.to} failed during the bake of step ${index}: ${summarizeCheck(check)}`;
        progress?.fail(`${label}: ${summarizeCheck(check)}`);
        progress = undefined;
        io.show({ type: 'gates', results: check.results });
        return { kind: 'gate-failed', reason, decidedAt };
      }
      const left = bakeMs - (clock.now().getTime() - started);
      if (left <= 0 && check.verdict === 'pass') {
        progress?.succeed(`${label} baked ${formatDuration(bakeMs)}: ${summarizeCheck(check)}`);
        progress = undefined;
        io.show({ type: 'gates', results: check.results });
        return { kind: 'passed' };
      }
      const status = `${label} at ${formatWeights(weightsAtStep(run, index))}: ${
        left > 0 ? `${formatDuration(left)} left` : 'waiting for gates'
      }; ${summarizeCheck(check)}`;
      if (progress) progress.update(status);
      else progress = io.startProgress(status);
      await pause(deps, left > 0 ? Math.min(run.gateIntervalMs, left) : run.gateIntervalMs);
      if (deps.interrupts.requested) {
        progress.stop();
        progress = undefined;
        const choice = await askAfterInterrupt(deps, run, index);
        if (choice === 'hold') return { kind: 'hold' };
        if (choice === 'rollback') return { kind: 'rollback' };
      }
    }
  } finally {
    progress?.stop();
  }
}

/** The operator's choice after a step's bake (under --yes the host answers `continue`). */
async function askNext(deps: ShiftDeps, run: Run, index: number): Promise<NextChoice> {
  const total = run.steps.length;
  const next = weightsAtStep(run, index + 1);
  const choices: Choice<NextChoice>[] = [
    { value: 'continue', label: `Continue to step ${index + 1}/${total}`, description: formatWeights(next) },
    { value: 'hold', label: 'Hold here', description: '`curvectl shift resume` continues later' },
    { value: 'rollback', label: `Roll back to ${formatWeights(run.w0)}`, description: 'one Route 53 change, then Terraform' },
  ];
  if (total - index >= 2) {
    choices.push({ value: 'jump', label: `Jump to the target in one step`, description: formatWeights(weightsAtStep(run, total)) });
  }
  return deps.io.choose({
    code: 'shift.step.next',
    message: `Step ${index}/${total} is live and healthy (${formatWeights(weightsAtStep(run, index))}). What next?`,
    choices,
    default: 'continue',
  });
}

/**
 * Ctrl-C at a safe point: ask what to do. Under --yes (or when nobody can answer) hold at the last
 * verified step: stopping is the only safe default for an operator who wanted to stop.
 */
async function askAfterInterrupt(deps: ShiftDeps, run: Run, index: number): Promise<InterruptChoice> {
  deps.interrupts.acknowledge();
  if (deps.io.assumeYes || !deps.io.interactive) return 'hold';
  const total = run.steps.length;
  try {
    return await deps.io.choose<InterruptChoice>({
      code: 'shift.interrupt',
      message: `Stopped at step ${index}/${total} (${formatWeights(weightsAtStep(run, index))}). What now?`,
      choices: [
        { value: 'hold', label: 'Hold here', description: '`curvectl shift resume` continues later' },
        { value: 'continue', label: 'Continue the shift' },
        { value: 'rollback', label: `Roll back to ${formatWeights(run.w0)}` },
      ],
      default: 'hold',
    });
  } catch (err) {
    if (isAbort(err, deps.interrupts.signal)) throw err;
    return 'hold';
  }
}

async function hold(deps: ShiftDeps, run: Pick<Run, 'op' | 'w0' | 'steps'>, index: number, reason: 'operator' | 'interrupt'): Promise<ShiftOutcome> {
  const weights = weightsAtStep(run, index);
  await journal(deps, run.op, ShiftEvent.held, { index, total: run.steps.length, weights, reason });
  deps.io.notify({
    level: 'info',
    code: 'shift.held',
    text: `Held at step ${index}/${run.steps.length} (${formatWeights(weights)}). Run \`curvectl shift resume\` to continue or \`curvectl shift abort\` to roll back.`,
    data: { op: run.op, index, weights },
  });
  return { kind: 'held', op: run.op, weights };
}

/** Holds at the last verified step (journalled, reason 'lease-lost') and stops with exit 5. */
async function leaseLost(deps: ShiftDeps, run: Pick<Run, 'op' | 'w0' | 'steps'>, index: number, next: number): Promise<never> {
  const total = run.steps.length;
  const weights = weightsAtStep(run, index);
  await journal(deps, run.op, ShiftEvent.held, { index, total, weights, reason: 'lease-lost' });
  throw new CurvectlError(
    'STOPPED',
    `Lost the traffic lock before step ${next}/${total}: another operator may have taken over. Shift ${run.op} is held at step ${index}/${total} (${formatWeights(weights)}); nothing more was changed.`,
    {
      hint: 'Run `curvectl status` to see who holds the lock and where traffic is; once it is free, `curvectl shift resume` continues or `curvectl shift abort` rolls back.',
      details: { op: run.op, index, total, weights },
    },
  );
}

async function complete(deps: ShiftDeps, run: Run): Promise<ShiftOutcome> {
  const weights = weightsAtStep(run, run.steps.length);
  await journal(deps, run.op, ShiftEvent.completed, { weights, steps: run.steps.length });
  deps.io.notify({
    level: 'success',
    code: 'shift.completed',
    text: `Shift complete: ${formatWeights(weights)}.`,
    data: { op: run.op, weights },
  });
  return { kind: 'completed', op: run.op, weights };
}

async function rollBack(
  deps: ShiftDeps,
  run: Pick<Run, 'op' | 'w0'>,
  index: number,
  cause: RollbackCause,
  reason: string,
  resumed = false,
  decidedAt: Date = deps.clock.now(),
): Promise<ShiftOutcome> {
  deps.io.notify({
    level: cause === 'gate' || cause === 'apply' ? 'error' : 'warn',
    code: 'shift.rollback',
    text: `Rolling back to ${formatWeights(run.w0)}: ${reason}.`,
    data: { op: run.op, cause, reason },
  });
  const result = await rollbackToStart(
    { ...deps, signal: deps.interrupts.signal },
    { op: run.op, w0: run.w0, cause, reason, index, decidedAt, resumed },
  );
  return { kind: 'rolled-back', op: run.op, cause, weights: result.weights, reason };
}

// ---------------------------------------------------------------------------------------------
// Checks before anything moves.

function checkTiming(deps: ShiftDeps, bakeMs: number, allowShortBake: boolean, gateIntervalMs: number): void {
  if (!Number.isFinite(bakeMs) || bakeMs < 0) throw badInput(`The bake must be a duration of 0s or more, not ${bakeMs} ms.`, 'For example: --bake 5m.');
  if (!Number.isFinite(gateIntervalMs) || gateIntervalMs <= 0) {
    throw badInput(`The gate interval must be longer than 0s, not ${gateIntervalMs} ms.`, 'Set shift.gateInterval in curvectl.yaml, for example to 10s.');
  }
  const ttlMs = deps.ttl * 1000;
  if (bakeMs < ttlMs && !allowShortBake) {
    throw badInput(
      `A bake of ${formatDuration(bakeMs)} is shorter than the record's TTL of ${formatDuration(ttlMs)}: clients would still be using the previous step's answer when it ends.`,
      `Use --bake ${formatDuration(ttlMs)} or longer, or pass --allow-short-bake if you accept that.`,
    );
  }
}

/**
 * A shift asks after every step; with no terminal and no --yes nobody could answer, and finding
 * that out after the first step has moved traffic would be too late.
 */
function requireSomeoneToAnswer(deps: ShiftDeps, command: string): void {
  if (deps.io.interactive || deps.io.assumeYes) return;
  throw badInput(
    `\`curvectl ${command}\` asks what to do after each step, but there is no terminal to ask and --yes was not given.`,
    'Run it in a terminal, or pass --yes to continue after each healthy step (a Ctrl-C then holds).',
  );
}

function warnShortBake(deps: ShiftDeps, bakeMs: number): void {
  deps.io.notify({
    level: 'warn',
    code: 'shift.bake.short',
    text: `The bake (${formatDuration(bakeMs)}) is shorter than the TTL (${formatDuration(deps.ttl * 1000)}): each step is judged before every client has seen it.`,
  });
}

async function refuseUnfinished(deps: ShiftDeps): Promise<void> {
  const st = findUnfinishedShift(await deps.state.readJournal({ typePrefix: 'shift.' }));
  if (!st) return;
  throw refused(
    `Shift ${st.op} towards ${st.to} is unfinished (${st.held ? 'held' : 'stopped'} at step ${st.done}/${st.steps.length}).`,
    st.rollback
      ? 'Run `curvectl shift abort` to finish rolling it back first.'
      : 'Run `curvectl shift resume` to continue it or `curvectl shift abort` to roll it back first.',
    { op: st.op, to: st.to, stepsDone: st.done, stepsTotal: st.steps.length },
  );
}

/** Desired (var file) and live (Route 53) weights, which must agree before a shift starts. */
async function readAgreedWeights(deps: ShiftDeps): Promise<{ records: WeightedRecord[]; weights: Weights }> {
  const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(deps.interrupts.signal)]);
  const live = weightsFromRecords(records);
  const drift = weightDrift(desired, live);
  if (drift.length > 0) {
    throw refused(
      `The desired weights (var file) and the live weights (Route 53) differ: ${formatDrift(drift)}.`,
      'Run `curvectl status` to see the drift and reconcile it (apply the traffic stack, or fix the var file) before shifting.',
      { drift, desired, live },
    );
  }
  return { records, weights: live };
}

/** {ingress} is the target's record value; the expected version comes from the cluster stack only when a gate needs it. */
async function gateTarget(deps: ShiftDeps, cluster: string, records: readonly WeightedRecord[]): Promise<GateTarget> {
  const ingress = records.find((r) => r.setIdentifier === cluster)?.value;
  let kubernetesVersion: string | undefined;
  if (deps.gates.needsKubernetesVersion()) {
    kubernetesVersion = (await deps.stacks.clusterOutputs(cluster, { signal: deps.interrupts.signal }))?.kubernetesVersion;
  }
  return { cluster, ...(ingress !== undefined ? { ingress } : {}), ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}) };
}

/** One check, repeated while it only errors (transient errors are not a verdict), up to the error limit. */
async function settledCheck(deps: ShiftDeps, target: GateTarget, intervalMs: number): Promise<GateCheck> {
  let check = await deps.gates.check(target, deps.interrupts.signal);
  for (let attempt = 1; check.verdict === 'error' && attempt < MAX_PREFLIGHT_ATTEMPTS; attempt += 1) {
    deps.io.notify({ level: 'warn', code: 'shift.gates.error', text: `Gates on ${target.cluster}: ${summarizeCheck(check)}; checking again in ${formatDuration(intervalMs)}.` });
    await pause(deps, intervalMs);
    if (deps.interrupts.requested) break;
    check = await deps.gates.check(target, deps.interrupts.signal);
  }
  return check;
}

async function preflight(deps: ShiftDeps, target: GateTarget, intervalMs: number): Promise<void> {
  const check = await settledCheck(deps, target, intervalMs);
  if (deps.interrupts.requested) {
    deps.interrupts.acknowledge();
    throw new CurvectlError('STOPPED', 'Stopped by the operator before any weight moved.', { hint: 'Nothing was changed; run the shift again when ready.' });
  }
  deps.io.show({ type: 'gates', results: check.results });
  if (check.verdict !== 'pass') {
    throw refused(
      `Pre-flight gates on ${target.cluster} did not pass (${summarizeCheck(check)}); no weight was changed.`,
      `Fix what the gates report on ${target.cluster}, then run the shift again.`,
      { gates: check.results },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Plumbing.

async function dryRun(deps: ShiftDeps, request: ShiftRequest): Promise<ShiftOutcome> {
  await refuseUnfinished(deps);
  const { weights: w0 } = await readAgreedWeights(deps);
  const steps = planShift({ current: w0, to: request.to, step: request.step, until: request.until, ...fromOf(request), ...scheduleOf(request) });
  if (steps.length === 0) return nothingToDo(deps, request.to, w0);
  deps.io.show({ type: 'plan', title: `${planTitle(request, w0, steps.length)} (dry run: nothing will change)`, steps: [w0, ...steps] });
  return { kind: 'dry-run', plan: steps };
}

function nothingToDo(deps: ShiftDeps, to: string, weights: Weights): ShiftOutcome {
  deps.io.notify({
    level: 'info',
    code: 'shift.nothing-to-do',
    text: `${to} already has ${weights[to] ?? 0}%: nothing to shift.`,
    data: { weights },
  });
  return { kind: 'nothing-to-do', weights };
}

function planTitle(request: Pick<ShiftRequest, 'to' | 'steps'>, w0: Weights, steps: number): string {
  const schedule = request.steps === undefined ? '' : ` (schedule ${request.steps.join(', ')})`;
  return `Shift towards ${request.to} in ${steps} step${steps === 1 ? '' : 's'}${schedule} from ${formatWeights(w0)}`;
}

function scheduleOf(request: Pick<ShiftRequest, 'steps'>): { schedule?: readonly number[] } {
  return request.steps !== undefined ? { schedule: request.steps } : {};
}

function fromOf(request: Pick<ShiftRequest, 'from'>): { from?: string } {
  return request.from !== undefined ? { from: request.from } : {};
}

/**
 * Sleeps, waking early on the first Ctrl-C (the caller then asks) and failing on the second. The
 * clock is a port, so tests bake instantly.
 */
async function pause(deps: ShiftDeps, ms: number): Promise<void> {
  const { interrupts, clock } = deps;
  const hard = interrupts.signal;
  throwIfAborted(hard);
  if (interrupts.requested) return;
  const wake = new AbortController();
  const stopListening = interrupts.onRequest(() => wake.abort());
  const onHard = (): void => wake.abort();
  hard.addEventListener('abort', onHard, { once: true });
  try {
    await clock.sleep(ms, wake.signal);
  } catch (err) {
    if (!wake.signal.aborted) throw err;
  } finally {
    stopListening();
    hard.removeEventListener('abort', onHard);
  }
  throwIfAborted(hard);
}

async function release(deps: ShiftDeps, lock: { release(): Promise<void> }): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    deps.io.notify({
      level: 'warn',
      code: 'lock.release-failed',
      text: `Could not release the traffic lock: ${errorMessage(err)}. Run \`curvectl unlock\` if it stays.`,
    });
  }
}

function defaultOpId(deps: ShiftDeps): () => string {
  return () => {
    const time = deps.clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const random = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
    return `shift-${time}-${random}`;
  };
}

function unreachable(value: never): never {
  throw new CurvectlError('INTERNAL', `Unexpected value ${JSON.stringify(value)}.`);
}

// ---------------------------------------------------------------------------------------------
// Resume: where does the shift stand?

interface Position {
  readonly reached: number;
  readonly baked: boolean;
  /** A pending step whose apply was found done in Route 53 (journalled as done with recovered). */
  readonly recovered: boolean;
  /** A pending step that never reached Route 53 and will run again. */
  readonly rerun: number | undefined;
}

async function reconcile(deps: ShiftDeps, st: ShiftOpState, live: Weights, desired: Weights): Promise<Position> {
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
    const matching = [st.w0, ...st.steps].findIndex((w) => sameWeights(w, live));
    throw new CurvectlError(
      'INCONSISTENT',
      `Route 53 has ${formatWeights(live)}, but the journal of shift ${st.op} expects step ${st.done} (${formatWeights(expected)})${
        intended ? ` or step ${pending} (${formatWeights(intended)})` : ''
      }${matching >= 0 ? `; it matches step ${matching}, so something else changed the records` : ''}.`,
      {
        hint: 'Run `curvectl shift abort` to put every record back to where the shift started, or repair the records by hand.',
        details: { op: st.op, live, expected, ...(intended ? { intended } : {}) },
      },
    );
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
