import { badInput } from '../../core/errors.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';
import { shiftDeps, shiftResult, stepsFrom } from '../shift-support.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'shift'>): Promise<CommandResult> {
  if (options.to === undefined) {
    throw badInput('shift needs the cluster to move traffic to: pass --to <name>.', 'For example: curvectl shift --to cluster-b --step 10.');
  }
  const loaded = await ctx.config();
  const shift = loaded.config.shift;
  const { step, steps } = stepsFrom(options, shift);
  const { runShift } = await import('../../core/shift/index.js');
  const outcome = await runShift(await shiftDeps(ctx), {
    to: options.to,
    step,
    ...(steps === undefined ? {} : { steps }),
    until: options.until,
    bakeMs: options.bake ?? shift.bakeMs,
    allowShortBake: options.allowShortBake === true,
    ...(options.from === undefined ? {} : { from: options.from }),
    dryRun: ctx.globals.dryRun,
    gateIntervalMs: shift.gateIntervalMs,
  });
  return shiftResult(outcome);
}
