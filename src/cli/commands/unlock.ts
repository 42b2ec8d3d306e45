import { renderUnlock } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';

export const needsConfig = true;

/**
 * Clears stale locks: the traffic lock and every cluster lock whose holder is gone. A live holder's
 * lock is never removed without --force (and then only after a typed confirmation).
 */
export async function run(ctx: Context, options: OptionsOf<'unlock'>): Promise<CommandResult> {
  const { unlock } = await import('../../core/unlock.js');
  const outcome = await unlock({ state: await ctx.state(), stacks: await ctx.stacks(), io: ctx.io, clock: await ctx.clock() }, { force: options.force === true });
  const { cleared, held, replaced } = outcome;
  return { text: renderUnlock(outcome), json: { cleared, held, ...(replaced.length > 0 ? { replaced } : {}) } };
}
