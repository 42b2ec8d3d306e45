/** Before anything moves: the checks that refuse, the plan, the start question and the exact dry run. */
import { formatDuration } from '../duration.js';
import { badInput, CurvectlError, refused } from '../errors.js';
import type { WeightedRecord, Weights } from '../ports.js';
import { formatDrift, formatWeights, planShift, weightDrift, weightsFromRecords } from '../weights.js';
import { findUnfinishedShift } from './journal.js';
import type { ShiftDeps, ShiftOutcome, ShiftRequest } from './types.js';
import { definedOnly } from '../defined-only.js';

export function checkTiming(deps: ShiftDeps, bakeMs: number, allowShortBake: boolean, gateIntervalMs: number): void {
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
export function requireSomeoneToAnswer(deps: ShiftDeps, command: string): void {
  if (deps.io.interactive || deps.io.assumeYes) return;
  throw badInput(
    `\`curvectl ${command}\` asks what to do after each step, but there is no terminal to ask and --yes was not given.`,
    'Run it in a terminal, or pass --yes to continue after each healthy step (a Ctrl-C then holds).',
  );
}

export function warnShortBake(deps: ShiftDeps, bakeMs: number): void {
  deps.io.notify({
    level: 'warn',
    code: 'shift.bake.short',
    text: `The bake (${formatDuration(bakeMs)}) is shorter than the TTL (${formatDuration(deps.ttl * 1000)}): each step is judged before every client has seen it.`,
  });
}

export async function refuseUnfinished(deps: ShiftDeps): Promise<void> {
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
export async function readAgreedWeights(deps: ShiftDeps): Promise<{ records: WeightedRecord[]; weights: Weights }> {
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

/**
 * Like `terraform apply`: the plan and the pre-flight gates are shown, then one question (default
 * no). Under --yes the host answers yes.
 */
export async function askToStart(deps: ShiftDeps, steps: readonly Weights[]): Promise<void> {
  const first = steps[0]!;
  const ok = await deps.io.confirm({
    code: 'shift.start',
    message: `Start the shift? Step 1/${steps.length} moves live traffic to ${formatWeights(first)}.`,
    default: false,
  });
  if (!ok) throw new CurvectlError('STOPPED', 'Not started: no weight was changed.', { hint: 'Run the shift again when ready.' });
}

/**
 * Exactly what would be sent and run, changing nothing: the first step's ChangeResourceRecordSets
 * request (from the records as read now, which the shift would compare-and-swap from) and the
 * terraform command lines of each step's catch-up apply.
 */
export async function dryRun(deps: ShiftDeps, request: ShiftRequest): Promise<ShiftOutcome> {
  await refuseUnfinished(deps);
  const { records, weights: w0 } = await readAgreedWeights(deps);
  const steps = planShift({ current: w0, to: request.to, step: request.step, until: request.until, ...definedOnly({ from: request.from, schedule: request.steps }) });
  if (steps.length === 0) return nothingToDo(deps, request.to, w0);
  const firstChange = deps.dns.describeSwap ? await deps.dns.describeSwap(records, steps[0]!, deps.interrupts.signal) : undefined;
  const terraform = deps.stacks.trafficApplyCommands?.() ?? [];
  const commands = [
    ...(firstChange
      ? [`# step 1/${steps.length}: one Route 53 ChangeResourceRecordSets request, as it would be sent:`, ...JSON.stringify(firstChange, null, 2).split('\n')]
      : []),
    ...(terraform.length > 0 ? ['# then, after each step, the catch-up of the traffic stack (the var file holds that step\'s weights):', ...terraform] : []),
  ];
  deps.io.show({
    type: 'plan',
    title: `${planTitle(request, w0, steps.length)} (dry run: nothing will change)`,
    steps: [w0, ...steps],
    ...(commands.length > 0 ? { commands } : {}),
  });
  return { kind: 'dry-run', plan: steps, ...(firstChange ? { firstChange } : {}), ...(terraform.length > 0 ? { terraform } : {}) };
}

export function nothingToDo(deps: ShiftDeps, to: string, weights: Weights): ShiftOutcome {
  deps.io.notify({
    level: 'info',
    code: 'shift.nothing-to-do',
    text: `${to} already has ${weights[to] ?? 0}%: nothing to shift.`,
    data: { weights },
  });
  return { kind: 'nothing-to-do', weights };
}

export function planTitle(request: Pick<ShiftRequest, 'to' | 'steps'>, w0: Weights, steps: number): string {
  const schedule = request.steps === undefined ? '' : ` (schedule ${request.steps.join(', ')})`;
  return `Shift towards ${request.to} in ${steps} step${steps === 1 ? '' : 's'}${schedule} from ${formatWeights(w0)}`;
}

