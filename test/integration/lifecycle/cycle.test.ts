/**
 * `cycle --from cluster-a --to cluster-b` with the REAL cluster stack, real Terraform and moto: from a
 * state with only cluster-a (at 100), one run creates cluster-b, shifts in two steps, waits out the
 * drain and retires cluster-a; at the end only cluster-b is left, at 100, and the emulator holds
 * nothing of cluster-a.
 *
 * Time: cluster-b's stack is applied with plain Terraform while curvectl creates cluster-a (an NLB
 * takes ~63 s in moto); the cycle's create phase then plans, finds nothing to change, waits for the
 * gates and registers cluster-b. The full create path is proven in create-retire.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import {
  clusterInventory,
  createRealWorkspace,
  journalTypes,
  NOTHING_LEFT,
  sideloadClusterStack,
  stopwatch,
  terraformWorkspaces,
  weightedRecords,
} from '../../_helpers/lifecycle.js';
import { publishIdle } from '../../_helpers/flow-metrics.js';

const clock = stopwatch('lifecycle/cycle.test');
let emulator: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createRealWorkspace({ emulator });
  const list = await ws.run(['cluster', 'list']);
  expect(list.code, list.stderr).toBe(0);
  const [created] = await Promise.all([
    clock.time('create cluster-a', () => ws.run(['cluster', 'create', 'cluster-a', '--yes'])),
    clock.time('sideload cluster-b stack', () => sideloadClusterStack(ws, 'cluster-b')),
  ]);
  expect(created.code, created.stderr).toBe(0);
  expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 });
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
  clock.report();
});

describe('cycle on the real cluster stack', () => {
  it('creates cluster-b, shifts everything to it, drains and retires cluster-a', async () => {
    const journalBefore = (await ws.journal()).length;
    // cluster-a's load balancer reports no flows (what ELB publishes once clients have left), so the
    // cycle's flow-verified drain passes on real CloudWatch data; the window covers the whole cycle.
    await publishIdle(emulator, 'cluster-a-ingress');
    await ws.configure([[['retire', 'flowWindow'], '15m']]);
    const result = await clock.time('cycle', () =>
      ws.run(['cycle', '--from', 'cluster-a', '--to', 'cluster-b', '--yes', '--step', '50', '--bake', '0s', '--allow-short-bake', '--drain', '5s']),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Cycle done: all traffic is on cluster-b and cluster-a is retired.');

    // Only cluster-b, at 100, in Route 53 and in the var file; the traffic stack has converged.
    const records = await weightedRecords(emulator, ws);
    const b = await clusterInventory(emulator, 'cluster-b');
    expect(records).toEqual({ 'cluster-b': { weight: 100, value: b.loadBalancers[0]?.dnsName } });
    expect(b.eks?.status).toBe('ACTIVE');
    expect(await ws.desiredWeights()).toEqual({ 'cluster-b': 100 });
    expect((await ws.planTraffic()).exitCode).toBe(0);

    // Nothing of cluster-a is left: not in AWS, not in Terraform.
    expect(await clusterInventory(emulator, 'cluster-a')).toEqual(NOTHING_LEFT);
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-b', 'default']);

    // The journal tells the story in order: create, two shift steps, retire.
    const types = (await journalTypes(ws)).slice(journalBefore);
    const at = (t: string) => types.indexOf(t);
    expect(at('cluster.created')).toBeGreaterThan(-1);
    expect(at('retire.completed')).toBeGreaterThan(at('cluster.created'));
    const steps = (await ws.journal()).slice(journalBefore).filter((e) => e.type === 'shift.step.done');
    expect(steps.map((e) => e.data?.weights)).toEqual([
      { 'cluster-a': 50, 'cluster-b': 50 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
    expect(at('shift.completed')).toBeGreaterThan(at('cluster.created'));
    expect(at('retire.started')).toBeGreaterThan(at('shift.completed'));
    // The drain was waited out, not skipped: at least --drain passed between cluster-a losing its last
    // traffic (the last step) and the retire starting.
    const journal = (await ws.journal()).slice(journalBefore);
    const lastStep = Date.parse(steps.at(-1)!.at);
    const retireStarted = Date.parse(journal.find((e) => e.type === 'retire.started')!.at);
    expect(retireStarted - lastStep).toBeGreaterThanOrEqual(5_000);

    const list = await ws.run(['cluster', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).clusters).toEqual([{ name: 'cluster-b', terraform: true, weight: { desired: 100, live: 100 } }]);
  });
});
