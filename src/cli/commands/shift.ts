import { parseDuration } from '../../core/duration.js';
import { badInput } from '../../core/errors.js';
import { assertClusterName } from '../../core/names.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import { parseInteger, shiftDeps, shiftResult, stepsFrom } from '../shift-support.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: Record<string, unknown>): Promise<CommandResult> {
  if (options.to === undefined) {
    throw badInput('shift needs the cluster to move traffic to: pass --to <name>.', 'For example: curvectl shift --to cluster-b --step 10.');
  }
  const to = assertClusterName(String(options.to), '--to cluster name');
  const from = options.from === undefined ? undefined : assertClusterName(String(options.from), '--from cluster name');
  const loaded = await ctx.config();
  const shift = loaded.config.shift;
  const { step, steps } = stepsFrom(options, shift);
  const until = parseInteger(options.until ?? '100', '--until', 0, 100, 'percent');
  const bakeMs = options.bake === undefined ? shift.bakeMs : parseDuration(String(options.bake), '--bake');
  const { runShift } = await import('../../core/shift/index.js');
  const outcome = await runShift(await shiftDeps(ctx), {
    to,
    step,
    ...(steps === undefined ? {} : { steps }),
    until,
    bakeMs,
    allowShortBake: Boolean(options.allowShortBake),
    ...(from === undefined ? {} : { from }),
    dryRun: ctx.globals.dryRun,
    gateIntervalMs: shift.gateIntervalMs,
  });
  return shiftResult(outcome);
}
