/**
 * The lock scopes, in one place. Every change to the traffic stack or to Route 53 (a shift, its
 * resume and abort, a cluster's registration and removal) takes the traffic lock; a cluster's own
 * lifecycle (create, retire) takes that cluster's lock.
 */
export const TRAFFIC_LOCK = 'traffic';

export function clusterLock(name: string): string {
  return `cluster:${name}`;
}
