/**
 * `curvectl unlock`: clears stale locks (the traffic lock and every cluster lock whose holder is
 * gone). A live holder's lock is removed only with `force` and a typed confirmation, and only the
 * lock that was read and confirmed: if another process takes the scope meanwhile, its lock stays.
 */
import { CurvectlError } from './errors.js';
import type { IoHost } from './io-host.js';
import { clusterLock, TRAFFIC_LOCK } from './lock-scope.js';
import type { LockStatus, Stacks, StateStore } from './ports.js';

export interface UnlockDeps {
  readonly state: Pick<StateStore, 'readLock' | 'clearLock'>;
  readonly stacks: Pick<Stacks, 'listClusters' | 'readDesiredWeights'>;
  readonly io: Pick<IoHost, 'confirmByTyping'>;
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
  return { cleared, held, replaced };
}
