/**
 * A client's DNS cache for one name: an answer is kept for its TTL, or, for a client that ignores
 * the TTL (as some resolvers, JVMs with a positive networkaddress.cache.ttl, and hand-rolled caches
 * do), for a fixed longer hold. Pure: time comes in as an argument.
 */
export interface CachePolicy {
  /** false: keep every answer for `holdMs` whatever its TTL says. */
  readonly honoursTtl: boolean;
  /** How long a TTL-ignoring client keeps an answer (the "up to" of the scenario). */
  readonly holdMs: number;
}

export interface CachedAnswer {
  readonly address: string;
  readonly ttlSeconds: number;
  readonly resolvedAt: number;
  readonly expiresAt: number;
}

export class AnswerCache {
  private entry: CachedAnswer | undefined;

  constructor(readonly policy: CachePolicy) {}

  /** The cached address while it is fresh at `now`, else undefined. */
  get(now: number): CachedAnswer | undefined {
    if (this.entry && now < this.entry.expiresAt) return this.entry;
    return undefined;
  }

  /** Stores an answer resolved at `now` and returns it with its expiry under this cache's policy. */
  put(address: string, ttlSeconds: number, now: number): CachedAnswer {
    const keepMs = this.policy.honoursTtl ? Math.max(0, ttlSeconds) * 1000 : this.policy.holdMs;
    this.entry = { address, ttlSeconds, resolvedAt: now, expiresAt: now + keepMs };
    return this.entry;
  }

  /** Forgets the answer (after a connection to it failed, a client asks again next time). */
  clear(): void {
    this.entry = undefined;
  }
}
