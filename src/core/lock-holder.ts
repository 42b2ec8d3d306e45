/**
 * How a lock's holder is described, in one place: the state stores' LOCKED errors, `unlock`'s
 * refusal and the terminal's lock view all name the holder the same way and say the same about
 * whether it is still alive.
 */
import { formatDuration } from './duration.js';
import type { LockInfo, LockStatus } from './ports.js';

/** 'bob@desk (pid 7) running "shift --to b" since 2026-11-26T10:00:00.000Z' */
export function holderText(holder: LockInfo): string {
  return `${holder.owner}@${holder.host} (pid ${holder.pid}) running "${holder.operation}" since ${holder.startedAt}`;
}

/** 'traffic is locked by bob@desk (pid 7) running "shift --to b" since …' (no full stop). */
export function lockedByText(scope: string, holder: LockInfo): string {
  return `${scope} is locked by ${holderText(holder)}`;
}

/** How long a leased lock has left, never negative: "45s", or "an unknown time" without a readable expiry. */
export function leaseLeftText(lock: Pick<LockInfo, 'expiresAt'>, now: Date): string {
  const expires = lock.expiresAt === undefined ? Number.NaN : Date.parse(lock.expiresAt);
  return Number.isNaN(expires) ? 'an unknown time' : formatDuration(Math.max(0, expires - now.getTime()));
}

/**
 * What is known about the holder being alive: a local lock is stale when its process is gone (and
 * says nothing while it runs); a leased (DynamoDB) lock when its lease has run out, and otherwise
 * how long it has left.
 */
export function livenessText(lock: Pick<LockStatus, 'stale' | 'expiresAt'>, now: Date): string | undefined {
  if (lock.expiresAt === undefined) return lock.stale ? 'stale: its process is gone' : undefined;
  if (lock.stale) return `stale: its lease expired at ${lock.expiresAt}`;
  return `lease expires in ${leaseLeftText(lock, now)}`;
}
