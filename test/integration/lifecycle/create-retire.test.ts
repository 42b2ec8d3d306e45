/**
 * Issue 5 with the REAL cluster stack (VPC, EKS, node group, NLB) on real Terraform and moto, through
 * the binary: create two clusters, re-create one (nothing happens), shift away from the first and
 * retire it; afterwards the emulator holds nothing of it.
 *
 * Time: an NLB takes ~63 s to create in moto, so cluster-b's stack is applied with plain Terraform
 * while curvectl creates cluster-a (sideloadClusterStack); `curvectl cluster create cluster-b` then
 * finds its stack converged and goes through plan, gates and registration. cluster-a is the full
 * create path. terraform.binary is a wrapper that logs every call, to prove what curvectl ran.
 * The tests run in order on the clusters the first two create, on purpose: one real stack each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult, Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import {
  clusterInventory,
  createRealWorkspace,
  journalTypes,
  NOTHING_LEFT,
  sideloadClusterStack,
  snapshot,
  stopwatch,
  terraformWorkspaces,
  weightedRecords,
} from '../../_helpers/lifecycle.js';
import { createTerraformWrapper, type TerraformWrapper } from '../../_helpers/terraform-wrapper.js';
import { publishIdle } from '../../_helpers/flow-metrics.js';

const clock = stopwatch('lifecycle/create-retire.test');
let emulator: Emulator;
let ws: Workspace;
let wrapper: TerraformWrapper;
let scratch: string;
let createdA: CliResult;
let createdB: CliResult;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'curvectl-lc-'));
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  wrapper = await createTerraformWrapper(scratch);
  ws = await createRealWorkspace({ emulator, terraformBinary: wrapper.binary });
  // Initialises the cluster stack (and proves an empty workspace lists no cluster).
  const list = await ws.run(['cluster', 'list', '-o', 'json']);
  expect(list.code, list.stderr).toBe(0);
  expect(JSON.parse(list.stdout).clusters).toEqual([]);
  [createdA] = await Promise.all([
    clock.time('create cluster-a (full)', () => ws.run(['cluster', 'create', 'cluster-a', '--yes'])),
    clock.time('sideload cluster-b stack', () => sideloadClusterStack(ws, 'cluster-b')),
  ]);
  expect(createdA.code, createdA.stderr).toBe(0);
  createdB = await clock.time('create cluster-b (stack converged)', () => ws.run(['cluster', 'create', 'cluster-b', '--yes']));
  expect(createdB.code, createdB.stderr).toBe(0);
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  clock.report();
});

describe('cluster create on the real cluster stack', () => {
  it('makes an ACTIVE EKS cluster and node group and an NLB whose DNS name is the record value; the first cluster gets 100', async () => {
    const a = await clusterInventory(emulator, 'cluster-a');
    expect(a.eks).toEqual({ status: 'ACTIVE', version: '1.35' });
    // One ACTIVE node group, named with the prefix "cluster-a-default-" (create_before_destroy needs a unique name).
    expect(a.nodegroups).toEqual([{ name: expect.stringMatching(/^cluster-a-default-[0-9a-z]+$/), status: 'ACTIVE' }]);
    expect(a.loadBalancers).toHaveLength(1);
    expect(a.loadBalancers[0]).toMatchObject({ name: 'cluster-a-ingress', type: 'network', state: 'active' });
    const dns = a.loadBalancers[0]!.dnsName!;
    expect(dns).toMatch(/^cluster-a-ingress-/);
    expect(a.targetGroups.sort()).toEqual(['cluster-a-http', 'cluster-a-https']);
    expect(a.vpcs).toHaveLength(1);
    expect(a.subnets).toHaveLength(4);

    const records = await weightedRecords(emulator, ws);
    expect(records['cluster-a']).toEqual({ weight: 100, value: dns });
    expect(createdA.stdout).toContain(`Created cluster-a (Kubernetes 1.35), ingress ${dns}.`);
    expect(createdA.stderr).toMatch(/pass\s+eks \(cluster-a\): ACTIVE, Kubernetes 1\.35/);
    expect(createdA.stderr).toMatch(/pass\s+nodegroups \(cluster-a\)/);

    const journal = (await ws.journal()).filter((e) => e.data?.cluster === 'cluster-a').map((e) => e.type);
    expect(journal).toEqual(['cluster.create.started', 'cluster.applied', 'cluster.gates.passed', 'cluster.registered', 'cluster.created']);
    // The full path: workspace created, planned and applied in the cluster stack, then the traffic stack.
    const calls = (await wrapper.calls()).filter((c) => c.workspace === 'cluster-a' && c.stack === 'cluster').map((c) => c.command);
    expect(calls).toEqual(expect.arrayContaining(['workspace', 'plan', 'apply', 'output']));
  });

  it('registers the second cluster at weight 0, pointing at its own NLB', async () => {
    const b = await clusterInventory(emulator, 'cluster-b');
    expect(b.eks?.status).toBe('ACTIVE');
    // One ACTIVE node group, named with the prefix "cluster-b-default-" (create_before_destroy needs a unique name).
    expect(b.nodegroups).toEqual([{ name: expect.stringMatching(/^cluster-b-default-[0-9a-z]+$/), status: 'ACTIVE' }]);
    const dns = b.loadBalancers[0]?.dnsName;
    expect(dns).toMatch(/^cluster-b-ingress-/);
    expect(await weightedRecords(emulator, ws)).toEqual({
      'cluster-a': { weight: 100, value: expect.stringMatching(/^cluster-a-ingress-/) },
      'cluster-b': { weight: 0, value: dns },
    });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(createdB.stdout).toContain('Weights: cluster-a=100 cluster-b=0');
    // Its stack had converged already: curvectl planned, found nothing to change, and applied nothing there.
    const inB = (await wrapper.calls()).filter((c) => c.workspace === 'cluster-b' && c.stack === 'cluster');
    expect(inB.map((c) => c.command)).toContain('plan');
    expect(inB.map((c) => c.command)).not.toContain('apply');
    expect((await ws.planTraffic()).exitCode).toBe(0);
  });

  it('re-creating a healthy cluster exits 0, says it exists and changes nothing', async () => {
    const before = await snapshot(ws);
    const callsBefore = (await wrapper.calls()).length;
    const again = await ws.run(['cluster', 'create', 'cluster-b', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('cluster-b already exists and is healthy; nothing changed.');
    expect(again.stderr).toContain('already exists, is ACTIVE and is registered in traffic');
    expect(await snapshot(ws)).toEqual(before); // no journal event, same weights and workspaces
    const ran = (await wrapper.calls()).slice(callsBefore);
    expect(ran.filter((c) => ['apply', 'destroy', 'plan'].includes(c.command) || (c.command === 'workspace' && c.args[1] !== 'list'))).toEqual([]);

    const json = await ws.run(['cluster', 'create', 'cluster-a', '--yes', '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ result: 'exists', cluster: 'cluster-a', weights: { 'cluster-a': 100, 'cluster-b': 0 } });
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe('retire on the real cluster stack', () => {
  it('refuses while cluster-a has not drained for --drain, changing nothing', async () => {
    const shift = await clock.time('shift to cluster-b', () => ws.run(['shift', '--to', 'cluster-b', '--step', '100', '--bake', '0s', '--allow-short-bake', '--yes']));
    expect(shift.code, shift.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });

    const before = await snapshot(ws);
    const early = await ws.run(['retire', 'cluster-a', '--drain', '10m', '--yes']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/cluster-a has had no traffic for less than the drain time of 10m/);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('removes the record, destroys the stack and deletes the workspace: the emulator holds nothing of it', async () => {
    // Its load balancer's CloudWatch metrics show no flows left, so the flow check passes on real data.
    await publishIdle(emulator, 'cluster-a-ingress');
    const retired = await clock.time('retire cluster-a', () => ws.run(['retire', 'cluster-a', '--drain', '0s', '--yes']));
    expect(retired.code, retired.stderr).toBe(0);
    expect(retired.stdout).toContain('Retired cluster-a: its record, platform, cluster and workspaces are gone.');

    expect(await clusterInventory(emulator, 'cluster-a')).toEqual(NOTHING_LEFT);
    expect(Object.keys(await weightedRecords(emulator, ws))).toEqual(['cluster-b']);
    expect(await ws.liveWeights()).toEqual({ 'cluster-b': 100 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-b': 100 });
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-b', 'default']);
    expect((await ws.planTraffic()).exitCode).toBe(0);

    const retireEvents = (await journalTypes(ws)).filter((t) => t.startsWith('retire.'));
    expect(retireEvents).toEqual(['retire.started', 'retire.record-removed', 'retire.cluster-destroyed', 'retire.completed']);
    // The record went first, then the stack: the traffic apply comes before the cluster destroy.
    const calls = (await wrapper.calls()).map((c) => `${c.stack}:${c.workspace}:${c.command}`);
    const lastTrafficApply = calls.lastIndexOf('traffic:default:apply');
    const destroy = calls.indexOf('cluster:cluster-a:destroy');
    expect(destroy).toBeGreaterThan(lastTrafficApply);
    expect(calls.some((c) => c.startsWith('platform:'))).toBe(false); // platform disabled: never touched

    // cluster-b is untouched and still serves.
    const b = await clusterInventory(emulator, 'cluster-b');
    expect(b.eks?.status).toBe('ACTIVE');
    expect(b.loadBalancers).toHaveLength(1);
    const list = await ws.run(['cluster', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).clusters.map((c: { name: string }) => c.name)).toEqual(['cluster-b']);
  });

  it('refuses to retire the last cluster', async () => {
    const before = await snapshot(ws);
    const last = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--yes']);
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/cluster-b is the last cluster/);
    expect(await snapshot(ws)).toEqual(before);
  });
});
