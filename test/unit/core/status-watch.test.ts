import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/core/status.js';
import { watchStatus } from '../../../src/core/status-watch.js';

function report(liveB: number, extra: Partial<StatusReport> = {}): StatusReport {
  return {
    record: 'api.example.test',
    ttl: 60,
    clusters: [
      { name: 'cluster-a', weight: { desired: 100 - liveB, live: 100 - liveB }, ingress: null, eks: null },
      { name: 'cluster-b', weight: { desired: liveB, live: liveB }, ingress: null, eks: null },
    ],
    drift: [],
    lock: null,
    operation: null,
    ...extra,
  };
}

/** Serves the reads in order (an Error is a failed read) and stops the watch after the last one. */
function scripted(reads: (StatusReport | Error)[]) {
  const stop = new AbortController();
  let i = 0;
  const collect = async (): Promise<StatusReport> => {
    const next = reads[i];
    i += 1;
    if (i >= reads.length) stop.abort();
    if (next instanceof Error) throw next;
    return next!;
  };
  const sleeps: number[] = [];
  const clock = { sleep: async (ms: number) => void sleeps.push(ms) };
  return { collect, clock, stop, sleeps };
}

describe('watchStatus', () => {
  it('reports the first status and then only the reads that changed something', async () => {
    const s = scripted([report(0), report(0), report(10), report(10), report(10), report(25)]);
    const seen: (number | null)[] = [];
    const previous: (number | null | undefined)[] = [];
    const count = await watchStatus(s.collect, s.clock, {
      intervalMs: 2000,
      signal: s.stop.signal,
      onChange: (r, p) => {
        seen.push(r.clusters[1]!.weight.live);
        previous.push(p?.clusters[1]!.weight.live);
      },
      onError: () => undefined,
    });
    expect(seen).toEqual([0, 10, 25]);
    expect(previous).toEqual([undefined, 0, 10]);
    expect(count).toBe(3);
    expect(s.sleeps.every((ms) => ms === 2000)).toBe(true);
  });

  it('does not count a lease renewal as a change, but a new holder is one', async () => {
    const lock = (holder: string, expiresAt: string) => ({ scope: 'traffic', owner: holder, host: 'h', pid: 1, operation: 'shift', startedAt: 't', stale: false, expiresAt });
    const s = scripted([
      report(0, { lock: lock('ann', '2026-12-01T10:00:00Z') as never }),
      report(0, { lock: lock('ann', '2026-12-01T10:00:20Z') as never }),
      report(0, { lock: lock('bob', '2026-12-01T10:00:40Z') as never }),
    ]);
    let changes = 0;
    await watchStatus(s.collect, s.clock, { intervalMs: 1, signal: s.stop.signal, onChange: () => (changes += 1), onError: () => undefined });
    expect(changes).toBe(2);
  });

  it('reports a failing read once until a read succeeds, and keeps watching', async () => {
    const s = scripted([report(0), new Error('Throttling'), new Error('Throttling'), report(0), new Error('Throttling'), report(50)]);
    const errors: string[] = [];
    const seen: number[] = [];
    await watchStatus(s.collect, s.clock, {
      intervalMs: 1,
      signal: s.stop.signal,
      onChange: (r) => seen.push(r.clusters[1]!.weight.live!),
      onError: (e) => errors.push((e as Error).message),
    });
    expect(errors).toEqual(['Throttling', 'Throttling']);
    expect(seen).toEqual([0, 50]);
  });
});
