/**
 * What the fleet's clients saw: every request counted once, as served by a cluster or failed (and
 * why), in one-second buckets so a share can be read over any window. Pure: times come in.
 */
export type FailureReason = 'refused' | 'reset' | 'timeout' | 'dns' | 'http-5xx' | 'other';

export interface Outcome {
  readonly at: number;
  readonly client: number;
  readonly honoursTtl: boolean;
  /** The cluster that answered (also for a 5xx), when known. */
  readonly cluster?: string;
  readonly failure?: { readonly reason: FailureReason; readonly detail: string };
}

export interface Totals {
  readonly requests: number;
  readonly failed: number;
  readonly served: Readonly<Record<string, number>>;
  readonly failures: Readonly<Partial<Record<FailureReason, number>>>;
}

/** Which clients a window counts: all, those honouring the TTL, or those ignoring it. */
export type Who = 'all' | 'honouring' | 'ignoring';

interface Bucket {
  /** Served per cluster, by TTL-honouring and by TTL-ignoring clients. */
  honouring: Map<string, number>;
  ignoring: Map<string, number>;
  failed: number;
}

/** Failure events kept for the record (first and last matter most; a long outage keeps the newest). */
const MAX_FAILURE_EVENTS = 20_000;

export class Tally {
  private readonly buckets = new Map<number, Bucket>();
  private readonly served = new Map<string, number>();
  private readonly failures = new Map<FailureReason, number>();
  private readonly failureEvents: Outcome[] = [];
  private requests = 0;
  private failed = 0;

  record(outcome: Outcome): void {
    this.requests += 1;
    const second = Math.floor(outcome.at / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { honouring: new Map(), ignoring: new Map(), failed: 0 };
      this.buckets.set(second, bucket);
    }
    if (outcome.failure) {
      this.failed += 1;
      bucket.failed += 1;
      this.failures.set(outcome.failure.reason, (this.failures.get(outcome.failure.reason) ?? 0) + 1);
      this.failureEvents.push(outcome);
      if (this.failureEvents.length > MAX_FAILURE_EVENTS) this.failureEvents.splice(1, 1);
      return;
    }
    const cluster = outcome.cluster ?? '(unknown)';
    this.served.set(cluster, (this.served.get(cluster) ?? 0) + 1);
    const side = outcome.honoursTtl ? bucket.honouring : bucket.ignoring;
    side.set(cluster, (side.get(cluster) ?? 0) + 1);
  }

  totals(): Totals {
    return {
      requests: this.requests,
      failed: this.failed,
      served: Object.fromEntries([...this.served].sort(([a], [b]) => a.localeCompare(b))),
      failures: Object.fromEntries(this.failures),
    };
  }

  /** Requests served per cluster in the whole seconds overlapping [from, to), by `who`. */
  servedBetween(from: number, to: number, who: Who = 'all'): Record<string, number> {
    const out: Record<string, number> = {};
    for (let s = Math.floor(from / 1000); s * 1000 < to; s += 1) {
      const bucket = this.buckets.get(s);
      if (!bucket) continue;
      const sides = who === 'all' ? [bucket.honouring, bucket.ignoring] : [who === 'honouring' ? bucket.honouring : bucket.ignoring];
      for (const side of sides) for (const [cluster, n] of side) out[cluster] = (out[cluster] ?? 0) + n;
    }
    return out;
  }

  /** Each cluster's share (0-1) of the requests served in [from, to); empty when none were served. */
  shareBetween(from: number, to: number, who: Who = 'all'): Record<string, number> {
    return shareOf(this.servedBetween(from, to, who));
  }

  /** Failed requests, oldest first, optionally only those at or after `since`. */
  failuresSince(since = 0): Outcome[] {
    return this.failureEvents.filter((o) => o.at >= since);
  }
}

/** Counts to shares (0-1), sorted by name. */
export function shareOf(counts: Readonly<Record<string, number>>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return {};
  return Object.fromEntries(
    Object.keys(counts)
      .sort()
      .map((k) => [k, (counts[k] ?? 0) / total]),
  );
}

/** Where a network error came from, the way a client would report it. */
export function classifyError(error: unknown): { reason: FailureReason; detail: string } {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const detail = code ? `${code}: ${message}` : message;
  // The fleet's lookup marks resolver errors, whose codes (ETIMEOUT, ECONNREFUSED) overlap with TCP's.
  if ((error as { dns?: boolean } | undefined)?.dns) return { reason: 'dns', detail };
  if (code === 'ECONNREFUSED') return { reason: 'refused', detail };
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) return { reason: 'reset', detail };
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'ABORT_ERR' || code === 'ETIMEOUT') return { reason: 'timeout', detail };
  if (['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'EREFUSED', 'EBADRESP'].includes(code)) return { reason: 'dns', detail };
  return { reason: 'other', detail };
}
