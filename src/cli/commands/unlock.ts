import { CurvectlError } from '../../core/errors.js';
import { renderView } from '../../io/render.js';
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
  const { cleared, held, replaced } = await unlock({ state: await ctx.state(), stacks: await ctx.stacks(), io: ctx.io }, { force: options.force === true });
  if (cleared.length === 0 && held.length === 0 && replaced.length === 0) {
    return { text: ['No locks are held.'], json: { cleared: [], held: [] } };
  }
  if (cleared.length === 0 && held.length > 0) {
    throw new CurvectlError('LOCKED', `${held.map((l) => renderView({ type: 'lock', lock: l })[0]).join('; ')}.`, {
      hint: 'That process is still running: wait for it to finish. Only a lock whose holder is gone can be cleared.',
      details: { held },
    });
  }
  return {
    text: [
      ...cleared.map((l) => `Cleared ${l.scope} (was ${l.owner}@${l.host}, pid ${l.pid}, "${l.operation}").`),
      ...held.map((l) => `Kept ${l.scope}: its holder (pid ${l.pid} on ${l.host}) is still running.`),
      ...replaced.map((l) => `Kept ${l.scope}: another process took it after it was read (it was pid ${l.pid} on ${l.host}).`),
      ...(cleared.some((l) => l.scope === 'traffic') ? ['Run "curvectl status" to see whether a shift was left unfinished.'] : []),
    ],
    json: { cleared, held, ...(replaced.length > 0 ? { replaced } : {}) },
  };
}
