import { CurvectlError } from '../../core/errors.js';
import { renderView } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

/**
 * Clears stale locks: the traffic lock and every cluster lock whose holder is gone. A live holder's
 * lock is never removed without --force (and then only after a typed confirmation).
 */
export async function run(ctx: Context, options: Record<string, unknown>): Promise<CommandResult> {
  const state = await ctx.state();
  const stacks = await ctx.stacks();
  const names = [...new Set([...(await stacks.listClusters()), ...Object.keys(await stacks.readDesiredWeights())])];
  const scopes = ['traffic', ...names.map((n) => `cluster:${n}`)];
  const locks = (await Promise.all(scopes.map((s) => state.readLock(s)))).filter((l) => l !== null);
  if (locks.length === 0) {
    return { text: ['No locks are held.'], json: { cleared: [], held: [] } };
  }
  const force = Boolean(options.force);
  const cleared = [];
  const held = [];
  for (const lock of locks) {
    if (!lock.stale && !force) {
      held.push(lock);
      continue;
    }
    if (!lock.stale && force) {
      const ok = await ctx.io.confirmByTyping({
        code: 'unlock.force',
        message: `${lock.scope} is held by a process that may still be running (${lock.owner}@${lock.host}, pid ${lock.pid}).`,
        expected: lock.scope,
      });
      if (!ok) throw new CurvectlError('STOPPED', 'The name did not match; the lock was kept.');
    }
    const removed = await state.clearLock(lock.scope, { force });
    if (removed) cleared.push(removed);
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
      ...(cleared.some((l) => l.scope === 'traffic') ? ['Run "curvectl status" to see whether a shift was left unfinished.'] : []),
    ],
    json: { cleared, held },
  };
}
