/**
 * The lock scopes, in one place. Every change to the traffic stack or to Route 53 (a shift, its
 * resume and abort, a cluster's registration and removal) takes the traffic lock; a cluster's own
 * lifecycle (create, retire) takes that cluster's lock.
 */
import type { LockIdentity } from './ports.js';

export const TRAFFIC_LOCK = 'traffic';

export function clusterLock(name: string): string {
  return `cluster:${name}`;
}

/** Whether `found` is the holding `expected` names (same scope, host, pid and start). */
export function sameLock(found: LockIdentity, expected: LockIdentity): boolean {
  return found.scope === expected.scope && found.host === expected.host && found.pid === expected.pid && found.startedAt === expected.startedAt;
}
