/** The operator's choices between steps and the endings of a run: complete, hold, lease lost, roll back. */
import { CurvectlError } from '../errors.js';
import type { Choice } from '../io-host.js';
import type { Weights } from '../ports.js';
import { formatWeights } from '../weights.js';
import { ShiftEvent, type ShiftOpState, weightsAtStep } from './journal.js';
import type { HoldReason, InterruptChoice, NextChoice, Run } from './state.js';
import { rollbackToStart } from './rollback.js';
import { isAbort, journal } from './support.js';
import type { RollbackCause, ShiftDeps, ShiftOutcome } from './types.js';


/** The operator's choice after a step's bake (under --yes the host answers `continue`). */
export async function askNext(deps: ShiftDeps, run: Run, index: number): Promise<NextChoice> {
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
export async function askAfterInterrupt(deps: ShiftDeps, run: Run, index: number): Promise<InterruptChoice> {
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

export async function hold(deps: ShiftDeps, run: Pick<Run, 'op' | 'w0' | 'steps'>, index: number, reason: HoldReason): Promise<ShiftOutcome> {
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
export async function leaseLost(deps: ShiftDeps, run: Pick<Run, 'op' | 'w0' | 'steps'>, index: number, next: number): Promise<never> {
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

export async function complete(deps: ShiftDeps, run: Run): Promise<ShiftOutcome> {
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

/** The step being applied when a journal stopped, whose map Route 53 may hold. */
export function pendingOf(st: ShiftOpState): { also?: number } {
  return st.pendingIntent !== undefined ? { also: st.pendingIntent } : {};
}

/**
 * Back to W0, as a compare-and-swap from the last verified step (`index`) or the step being
 * applied (`also`); `force` (`shift abort --force`, after a typed confirmation) overwrites
 * whatever Route 53 holds.
 */
export async function rollBack(
  deps: ShiftDeps,
  run: Pick<Run, 'op' | 'w0' | 'steps'>,
  index: number,
  cause: RollbackCause,
  reason: string,
  resumed = false,
  decidedAt: Date = deps.clock.now(),
  extra: { readonly also?: number; readonly found?: Weights; readonly force?: boolean } = {},
): Promise<ShiftOutcome> {
  deps.io.notify({
    level: cause === 'gate' || cause === 'apply' ? 'error' : 'warn',
    code: 'shift.rollback',
    text: `Rolling back to ${formatWeights(run.w0)}: ${reason}.`,
    data: { op: run.op, cause, reason },
  });
  const result = await rollbackToStart(
    { ...deps, signal: deps.interrupts.signal },
    {
      op: run.op,
      w0: run.w0,
      cause,
      reason,
      index,
      total: run.steps.length,
      decidedAt,
      resumed,
      ...(extra.force
        ? { force: true }
        : {
            expected: [
              weightsAtStep(run, index),
              ...(extra.also !== undefined ? [weightsAtStep(run, extra.also)] : []),
              ...(extra.found ? [extra.found] : []),
            ],
          }),
    },
  );
  return { kind: 'rolled-back', op: run.op, cause, weights: result.weights, reason };
}
