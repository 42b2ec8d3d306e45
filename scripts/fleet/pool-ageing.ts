/**
 * When a pooled keep-alive connection is closed by its client: after sitting idle for `idleMs`, or
 * once it is `maxAgeMs` old (clients and proxies cap connection age so that DNS changes reach
 * them: e.g. Envoy's max_connection_duration, OkHttp's keep-alive duration). Pure.
 */
export interface PoolLimits {
  readonly idleMs: number;
  readonly maxAgeMs: number;
}

/**
 * For a connection created at `createdAt` that becomes free at `now`: 'close' when it must not go
 * back to the pool, else how long it may stay there idle before it is closed.
 */
export function freeConnectionTimeout(createdAt: number, now: number, limits: PoolLimits): number | 'close' {
  const left = createdAt + limits.maxAgeMs - now;
  if (left <= 0) return 'close';
  return Math.max(1, Math.min(limits.idleMs, left));
}
