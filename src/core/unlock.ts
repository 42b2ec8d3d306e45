/**
 * `curvectl unlock`: clears stale locks (the traffic lock and every cluster lock whose holder is
 * gone). A live holder's lock is removed only with `force` and a typed confirmation, and only the
 * lock that was read and confirmed: if another process takes the scope meanwhile, its lock stays.
 * When nothing could be cleared because every lock's holder is alive, that is LOCKED (exit 4), not
 * success: the operator's next command would meet the same lock.
 */
import { CurvectlError } from './errors.js';
import type { IoHost } from './io-host.js';
import { lockedByText, livenessText } from './lock-holder.js';
import { clusterLock, TRAFFIC_LOCK } from './lock-scope.js';
import type { Clock, LockStatus, Stacks, StateStore } from './ports.js';

export interface UnlockDeps {
  readonly state: Pick<StateStore, 'readLock' | 'clearLock'>;
  readonly stacks: Pick<Stacks, 'listClusters' | 'readDesiredWeights'>;
  readonly io: Pick<IoHost, 'confirmByTyping'>;
  /** For how long a held lease has left, in the refusal; default the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

export interface UnlockOutcome {
  readonly cleared: readonly LockStatus[];
  /** Live holders' locks, kept (no --force). */
  readonly held: readonly LockStatus[];
  /** Locks that changed hands between the read and the removal, kept. */
  readonly replaced: readonly LockStatus[];
}

export async function unlock(deps: UnlockDeps, options: { readonly force?: boolean } = {}): Promise<UnlockOutcome> {
  const names = [...new Set([...(await deps.stacks.listClusters()), ...Object.keys(await deps.stacks.readDesiredWeights())])];
  const scopes = [TRAFFIC_LOCK, ...names.map(clusterLock)];
  const locks = (await Promise.all(scopes.map((s) => deps.state.readLock(s)))).filter((l): l is LockStatus => l !== null);
  const force = options.force === true;
  const cleared: LockStatus[] = [];
  const held: LockStatus[] = [];
  const replaced: LockStatus[] = [];
  for (const lock of locks) {
    if (!lock.stale && !force) {
      held.push(lock);
      continue;
    }
    if (!lock.stale) {
      const ok = await deps.io.confirmByTyping({
        code: 'unlock.force',
        message: `${lock.scope} is held by a process that may still be running (${lock.owner}@${lock.host}, pid ${lock.pid}).`,
        expected: lock.scope,
      });
      if (!ok) throw new CurvectlError('STOPPED', 'The name did not match; the lock was kept.');
    }
    const removed = await deps.state.clearLock(lock.scope, { force, expected: lock });
    if (removed) cleared.push(removed);
    else replaced.push(lock);
  }
  if (cleared.length === 0 && held.length > 0) throw stillHeld(held, deps.clock?.now() ?? new Date());
  return { cleared, held, replaced };
}

function stillHeld(held: readonly LockStatus[], now: Date): CurvectlError {
  const described = held.map((lock) => {
    const liveness = livenessText(lock, now);
    return `${lockedByText(lock.scope, lock)}${liveness === undefined ? '' : ` (${liveness})`}`;
  });
  return new CurvectlError('LOCKED', `${described.join('; ')}.`, {
    hint: 'That process is still running: wait for it to finish. Only a lock whose holder is gone can be cleared.',
    details: { held },
  });
}
