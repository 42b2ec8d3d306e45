/**
 * A whole `cycle --from cluster-a --to cluster-b` under continuous load, on the real cluster stack
 * (real Terraform, moto, the client fleet): 24 clients with keep-alive pools (idle 4 s, connection
 * age 5 s), TTL 5 s, a quarter of them ignoring the TTL and keeping answers for 30 s.
 *
 * Proves: 0 failed requests through create, shift, drain and retire; every cluster served requests;
 * at the end of each bake the share the TTL-honouring clients saw is within SHARE_TOLERANCE of the
 * planned weight (they have turned over: bake 15 s > TTL + connection age); and cluster-a's load
 * balancer had no open connection when retire destroyed it. It is also the suite of `cycle` itself
 * on the real cluster stack (it replaced lifecycle/cycle.test.ts, which ran the same cycle without
 * load and cost CI another cluster apply): at the end only cluster-b is left, at 100, in Route 53,
 * the var file and Terraform, nothing of cluster-a is left in the emulator, and the journal tells
 * the story in order with the drain waited out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { clusterInventory, journalTypes, NOTHING_LEFT, stopwatch, terraformWorkspaces, weightedRecords } from '../../_helpers/lifecycle.js';
import { bakes, describeTotals, fleetFor, realPair, SUITE_LOAD, type Fleet } from '../../_helpers/traffic.js';

/** Absolute difference allowed between planned weight / 100 and the TTL-honouring clients' share. */
const SHARE_TOLERANCE = 0.2;
/** The share is read over the last seconds of each bake. */
const SHARE_WINDOW_MS = 4000;
/**
 * A time-only drain long enough for the TTL-ignoring clients: their 30 s hold plus the 5 s
 * connection age, plus slack.
 */
const DRAIN = '40s';

const clock = stopwatch('traffic/cycle-under-load.test');
let emulator: Emulator;
let ws: Workspace;
let fleet: Fleet | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await clock.time('create cluster-a, sideload cluster-b', () => realPair(emulator, [[['retire', 'flowWindow'], '10s']]));
  fleet = await fleetFor(emulator, { seed: 12 });
});

afterAll(async () => {
  await fleet?.stop();
  await ws?.cleanup();
  await emulator?.stop();
  clock.report();
});

describe('cycle under continuous load', () => {
  it('moves every client to cluster-b and retires cluster-a without a failed request', async () => {
    const f = fleet!;
    await f.until(() => (f.totals().served['cluster-a'] ?? 0) >= 100, 'traffic on cluster-a', 30_000);
    const before = (await ws.journal()).length;
    const result = await clock.time('cycle', () =>
      ws.run(['cycle', '--from', 'cluster-a', '--to', 'cluster-b', '--yes', '--step', '50', '--bake', '15s', '--drain', DRAIN]),
    );
    expect(result.code, result.stderr).toBe(0);
    // A few more seconds of traffic after the retire, all on cluster-b.
    const retiredAt = Date.now();
    await f.until(() => Object.keys(f.tally.servedBetween(retiredAt, Date.now() + 1)).length > 0 && Date.now() - retiredAt > 3000, 'traffic after the retire', 20_000);
    const totals = await f.stop();
    console.log(`[traffic/cycle-under-load] ${describeTotals(totals)}`);

    expect(totals.failed, JSON.stringify(f.tally.failuresSince().slice(0, 5))).toBe(0);
    expect(totals.served['cluster-a']).toBeGreaterThan(0);
    expect(totals.served['cluster-b']).toBeGreaterThan(0);
    expect(totals.requests).toBeGreaterThan(1000);

    // Planned vs seen at the end of each bake.
    const steps = await bakes(ws, before);
    expect(steps.map((s) => s.weights)).toEqual([
      { 'cluster-a': 50, 'cluster-b': 50 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
    for (const step of steps) {
      const share = f.tally.shareBetween(step.bakedAt - SHARE_WINDOW_MS, step.bakedAt, 'honouring');
      const all = f.tally.shareBetween(step.bakedAt - SHARE_WINDOW_MS, step.bakedAt, 'all');
      console.log(`[traffic/cycle-under-load] step ${step.index}: planned ${JSON.stringify(step.weights)}, TTL-honouring clients ${JSON.stringify(share)}, all clients ${JSON.stringify(all)}`);
      for (const [cluster, weight] of Object.entries(step.weights)) {
        expect(Math.abs((share[cluster] ?? 0) - weight / 100), `step ${step.index} ${cluster}`).toBeLessThanOrEqual(SHARE_TOLERANCE);
        // TTL-ignoring clients (a quarter) may still be on the old answer for their 30 s hold.
        expect(Math.abs((all[cluster] ?? 0) - weight / 100), `step ${step.index} ${cluster} (all)`).toBeLessThanOrEqual(SHARE_TOLERANCE + SUITE_LOAD.ignoreTtlFraction);
      }
    }

    // cluster-a's load balancer went with the retire, with nothing left on it.
    const down = f.events().filter((e) => e.type === 'down');
    expect(down.map((e) => [e.cluster, e.resetConnections])).toEqual([['cluster-a', 0]]);

    // What the cycle leaves: only cluster-b, at 100, in Route 53 and in the var file; the traffic
    // stack has converged; nothing of cluster-a in AWS or in Terraform.
    expect(result.stdout).toContain('Cycle done: all traffic is on cluster-b and cluster-a is retired.');
    const b = await clusterInventory(emulator, 'cluster-b');
    expect(await weightedRecords(emulator, ws)).toEqual({ 'cluster-b': { weight: 100, value: b.loadBalancers[0]?.dnsName } });
    expect(b.eks?.status).toBe('ACTIVE');
    expect(await ws.desiredWeights()).toEqual({ 'cluster-b': 100 });
    expect((await ws.planTraffic()).exitCode).toBe(0);
    expect(await clusterInventory(emulator, 'cluster-a')).toEqual(NOTHING_LEFT);
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-b', 'default']);
    const list = await ws.run(['cluster', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).clusters).toEqual([{ name: 'cluster-b', terraform: true, weight: { desired: 100, live: 100 } }]);

    // The journal tells the story in order: create, the shift's steps, the drain, the retire.
    const types = (await journalTypes(ws)).slice(before);
    const at = (t: string) => types.indexOf(t);
    expect(at('cluster.created')).toBeGreaterThan(-1);
    expect(at('shift.completed')).toBeGreaterThan(at('cluster.created'));
    expect(at('retire.started')).toBeGreaterThan(at('shift.completed'));
    expect(at('retire.completed')).toBeGreaterThan(at('retire.started'));
    // The drain was waited out, not skipped: at least --drain passed between cluster-a losing its
    // last traffic (the last step) and the retire starting.
    const journal = (await ws.journal()).slice(before);
    const lastStep = Date.parse(journal.filter((e) => e.type === 'shift.step.done').at(-1)!.at);
    const retireStarted = Date.parse(journal.find((e) => e.type === 'retire.started')!.at);
    expect(retireStarted - lastStep).toBeGreaterThanOrEqual(40_000);
  });
});
