/**
 * Negative control of the traffic suites: the load of cycle-under-load.test.ts, but a time-only
 * drain of 10 s (twice the TTL, the classic rule), so retire destroys cluster-a while the
 * TTL-ignoring clients still hold its answer: their requests fail. The fleet can see dropped
 * requests, and 0 failed in the other suites means something.
 *
 * One difference in the load: the TTL-ignoring clients keep answers for 10 minutes (longer than the
 * whole cycle), not 30 s. Against moto, retire reaches cluster-a's load balancer 40-60 s after the
 * record is removed (Terraform destroys the cluster stack first), so a 30 s hold would run out before
 * the deletion whatever the drain; on AWS, clients that ignore the TTL keep answers for minutes to
 * hours (a JVM's networkaddress.cache.ttl, pinned resolvers, long-lived connections).
 *
 * Its counterpart is cycle-under-load.test.ts: the same load and drain with the flow check on, where
 * retire waits for cluster-a's flows to stop and 0 requests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { stopwatch } from '../../_helpers/lifecycle.js';
import { describeTotals, fleetFor, realPair, type Fleet } from '../../_helpers/traffic.js';

/** How long the TTL-ignoring clients keep an answer here. */
const HOLD_MS = 600_000;

const clock = stopwatch('traffic/drain-negative-control.test');
let emulator: Emulator;
let ws: Workspace;
let fleet: Fleet | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await clock.time('create cluster-a, sideload cluster-b', () =>
    // A time-only drain: no flow metrics are published and the flow check does not require them.
    realPair(emulator, [[['retire', 'requireFlowData'], false]]),
  );
  fleet = await fleetFor(emulator, { seed: 34, ignoreTtlForMs: HOLD_MS, publishMs: 0 });
});

afterAll(async () => {
  await fleet?.stop();
  await ws?.cleanup();
  await emulator?.stop();
  clock.report();
});

describe('a time-only drain under load (negative control)', () => {
  it('destroys cluster-a while TTL-ignoring clients still use it: requests fail', async () => {
    const f = fleet!;
    await f.until(() => (f.totals().served['cluster-a'] ?? 0) >= 100, 'traffic on cluster-a', 30_000);
    const before = (await ws.journal()).length;
    const result = await clock.time('cycle', () =>
      ws.run(['cycle', '--from', 'cluster-a', '--to', 'cluster-b', '--yes', '--step', '50', '--bake', '15s', '--drain', '10s']),
    );
    expect(result.code, result.stderr).toBe(0);
    const journal = (await ws.journal()).slice(before);
    const recordRemoved = Date.parse(journal.find((e) => e.type === 'retire.record-removed')!.at);
    // Let the clients that held cluster-a's answer find out.
    await f.until(() => f.totals().failed > 0, 'a failed request', 60_000);
    const down = f.events().find((e) => e.type === 'down' && e.cluster === 'cluster-a');
    expect(down, 'cluster-a load balancer deleted').toBeDefined();
    // 100 more requests (counted, not timed) for a wrong failure to show, e.g. a TTL-honouring client's.
    const seen = f.totals().requests;
    await f.until(() => f.totals().requests >= seen + 100, '100 more requests after the first failure', 60_000);
    const totals = await f.stop();
    const failures = f.tally.failuresSince();
    console.log(
      `[traffic/drain-negative-control] ${describeTotals(totals)}; cluster-a's load balancer went ${down!.at - recordRemoved} ms after its record, ` +
        `resetting ${down!.resetConnections} connection(s); ${failures.length} failed requests from ${new Set(failures.map((f) => f.client)).size} client(s)`,
    );
    expect(totals.failed).toBeGreaterThan(0);
    // Every failure is a TTL-ignoring client on cluster-a, after its load balancer went.
    expect(failures.every((f) => !f.honoursTtl && f.cluster === 'cluster-a' && f.at >= down!.at - 1000)).toBe(true);
    expect(failures.every((f) => ['refused', 'reset'].includes(f.failure!.reason))).toBe(true);
  });
});
