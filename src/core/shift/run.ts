/**
 * The staged shift's entry point: lock -> no unfinished shift -> desired == live -> plan W1..Wn ->
 * pre-flight gates on the target -> ask to start -> journal the plan -> the machine (machine.ts)
 * steps, bakes and decides until the shift completes, holds or rolls back.
 *
 * The phases live in files named for them: plan.ts (checks, the plan, the start question, the dry
 * run), preflight.ts, step.ts (one compare-and-swap step), catch-up.ts (Terraform's catch-up of the
 * traffic stack, during the bake), bake.ts (gates and Route 53 watched),
 * decide.ts (the operator's choices and the endings), rollback.ts, resume.ts (resume and abort:
 * load the state, continue the machine), machine.ts (the states and the one transition function).
 *
 * Crash safety: Route 53 only ever holds W0..Wn (each step is one compare-and-swap of one complete
 * map from the last verified one; the rollback is one atomic change to W0), and the journal says
 * which one is expected, so `shift resume` can always tell where it stopped. A second Ctrl-C aborts
 * `interrupts.signal`: every port call gets it, nothing more is journalled, and the journal is left
 * for `resume`.
 */
import { TRAFFIC_LOCK } from '../lock-scope.js';
import { operationIds } from '../operation-id.js';
import { planShift } from '../weights.js';
import { type PlannedData, ShiftEvent } from './journal.js';
import { drive, release } from './machine.js';
import { askToStart, checkTiming, dryRun, nothingToDo, planTitle, readAgreedWeights, refuseUnfinished, requireSomeoneToAnswer, warnShortBake } from './plan.js';
import { gateTarget, preflight } from './preflight.js';
import { asInterrupted, journal } from './support.js';
import type { ShiftDeps, ShiftOutcome, ShiftRequest } from './types.js';
import { definedOnly } from '../defined-only.js';

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
    const steps = planShift({ current: w0, to: request.to, step: request.step, until: request.until, ...definedOnly({ from: request.from, schedule: request.steps }) });
    if (steps.length === 0) return nothingToDo(deps, request.to, w0);
    deps.io.show({ type: 'plan', title: planTitle(request, w0, steps.length), steps: [w0, ...steps] });
    if (request.allowShortBake && request.bakeMs < deps.ttl * 1000) warnShortBake(deps, request.bakeMs);

    const target = await gateTarget(deps, request.to, records);
    // The id is known to the pre-flight gates (a web gate sends it), journaled only once it starts.
    const opId = (deps.newOpId ?? operationIds('shift', deps.clock))();
    await preflight(deps, target, request.gateIntervalMs, {
      weight: w0[request.to] ?? 0,
      operationId: opId,
      step: { index: 0, total: steps.length },
      weights: w0,
    });
    if (request.confirmStart !== false) await askToStart(deps, steps);

    op = opId;
    const planned: PlannedData = {
      to: request.to,
      from: w0,
      weights: w0,
      steps,
      request: {
        step: request.step,
        ...(request.steps === undefined ? {} : { steps: request.steps }),
        until: request.until,
        ...definedOnly({ from: request.from }),
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

export { TRAFFIC_LOCK } from '../lock-scope.js';
export { abortShift, resumeShift } from './resume.js';
