import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';
import { shiftDeps, shiftResult } from '../shift-support.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'shiftResume'>): Promise<CommandResult> {
  const loaded = await ctx.config();
  const { resumeShift } = await import('../../core/shift/index.js');
  const outcome = await resumeShift(await shiftDeps(ctx), {
    ...(options.bake === undefined ? {} : { bakeMs: options.bake }),
    ...(options.allowShortBake ? { allowShortBake: true } : {}),
    gateIntervalMs: loaded.config.shift.gateIntervalMs,
  });
  return shiftResult(outcome);
}
