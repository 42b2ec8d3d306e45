/**
 * `cluster create` failing half-way, on the REAL cluster stack with real Terraform and moto, and the
 * re-run that finishes it. Failures are real Terraform errors: terraform.binary is a wrapper that,
 * for one armed call, points one AWS service at an endpoint that denies everything (as a missing IAM
 * permission would), so Terraform creates what it can and reports the rest.
 *
 * - cluster-a: the cluster-stack apply cannot create the load balancer (VPC, EKS... exist): exit 1,
 *   says what exists and how to go on, nothing in Route 53; the re-run creates the rest and registers.
 * - cluster-b: its stack is fine (applied with plain Terraform while cluster-a is re-run) but the
 *   traffic-stack apply is denied: exit 1, no record; the re-run registers it at 0.
 * - cluster-c: fails like cluster-a, then "curvectl retire cluster-c" (the other way on the message
 *   gives) removes what was made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import {
  clusterInventory,
  createRealWorkspace,
  NOTHING_LEFT,
  sideloadClusterStack,
  snapshot,
  startDenyingEndpoint,
  stopwatch,
  terraformWorkspaces,
  weightedRecords,
} from '../../_helpers/lifecycle.js';
import { createTerraformWrapper, type TerraformWrapper } from '../../_helpers/terraform-wrapper.js';

const clock = stopwatch('lifecycle/create-failure.test');
let emulator: Emulator;
let ws: Workspace;
let wrapper: TerraformWrapper;
let denied: Awaited<ReturnType<typeof startDenyingEndpoint>>;
let scratch: string;

const denyElb = () => `export AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2='${denied.url}'`;
const denyRoute53 = () => `export AWS_ENDPOINT_URL_ROUTE_53='${denied.url}'`;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'curvectl-lcf-'));
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  denied = await startDenyingEndpoint();
  wrapper = await createTerraformWrapper(scratch);
  ws = await createRealWorkspace({ emulator, terraformBinary: wrapper.binary });
  const list = await ws.run(['cluster', 'list']);
  expect(list.code, list.stderr).toBe(0);
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
  await denied?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  clock.report();
});

describe('a create that fails half-way, then a re-run', () => {
  it('cluster stack: exits 1 saying what exists and how to go on, registers nothing; the re-run finishes', async () => {
    await wrapper.once('cluster', 'apply', denyElb());
    const failed = await clock.time('cluster-a: failing create', () => ws.run(['cluster', 'create', 'cluster-a', '--yes']));
    expect(await wrapper.used('cluster', 'apply')).toBe(true);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/Creating cluster-a failed at the cluster stack \(EKS, nodes, load balancer\): Terraform failed in the cluster stack \(workspace cluster-a\)/);
    expect(failed.stderr).toMatch(/AccessDenied|not authorized|injected by the test/);
    expect(failed.stderr).toContain('Whatever Terraform created so far is in workspace cluster-a');
    expect(failed.stderr).toContain('curvectl cluster create cluster-a');
    expect(failed.stderr).toContain('curvectl retire cluster-a');

    // Half-way: the network is there, the load balancer is not, and nothing is in Route 53.
    const half = await clusterInventory(emulator, 'cluster-a');
    expect(half.vpcs).toHaveLength(1);
    expect(half.loadBalancers).toEqual([]);
    expect(await weightedRecords(emulator, ws)).toEqual({});
    expect((await snapshot(ws)).desired).toEqual({});
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'default']);
    const failure = (await ws.journal()).find((e) => e.type === 'cluster.create.failed');
    expect(failure?.data).toMatchObject({ cluster: 'cluster-a', phase: 'cluster', code: 'TERRAFORM' });
    // status shows the half-made cluster, with no weight.
    const status = await ws.run(['status', '-o', 'json']);
    expect(JSON.parse(status.stdout).clusters).toEqual([expect.objectContaining({ name: 'cluster-a', weight: { desired: null, live: null } })]);

    // The re-run (real Terraform this time) creates what is missing and registers it, at 100 as the
    // first cluster, while cluster-b's stack is built beside it for the next test.
    const [again] = await Promise.all([
      clock.time('cluster-a: re-run', () => ws.run(['cluster', 'create', 'cluster-a', '--yes'])),
      clock.time('sideload cluster-b stack', () => sideloadClusterStack(ws, 'cluster-b')),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Created cluster-a');
    const a = await clusterInventory(emulator, 'cluster-a');
    expect(a.eks?.status).toBe('ACTIVE');
    expect(a.loadBalancers).toHaveLength(1);
    expect(a.vpcs).toEqual(half.vpcs); // continued, not rebuilt
    expect(await weightedRecords(emulator, ws)).toEqual({ 'cluster-a': { weight: 100, value: a.loadBalancers[0]!.dnsName } });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100 });
  });

  it('traffic stack: exits 1 with the cluster built but not registered; the re-run registers it', async () => {
    const before = await ws.liveWeights();
    await wrapper.once('traffic', 'apply', denyRoute53());
    const failed = await clock.time('cluster-b: failing registration', () => ws.run(['cluster', 'create', 'cluster-b', '--yes']));
    expect(await wrapper.used('traffic', 'apply')).toBe(true);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Creating cluster-b failed at registering in the traffic stack: Terraform failed in the traffic stack/);
    expect(failed.stderr).toContain(`cluster-b's cluster exists`);
    expect(failed.stderr).toContain('curvectl cluster create cluster-b');
    expect(failed.stderr).toContain('curvectl retire cluster-b');
    // Route 53 did not change: no record for cluster-b, cluster-a keeps everything.
    expect(await ws.liveWeights()).toEqual(before);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 });
    expect((await clusterInventory(emulator, 'cluster-b')).eks?.status).toBe('ACTIVE');
    const failure = (await ws.journal()).filter((e) => e.type === 'cluster.create.failed').at(-1);
    expect(failure?.data).toMatchObject({ cluster: 'cluster-b', phase: 'traffic' });

    const again = await clock.time('cluster-b: re-run', () => ws.run(['cluster', 'create', 'cluster-b', '--yes']));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Weights: cluster-a=100 cluster-b=0');
    const b = await clusterInventory(emulator, 'cluster-b');
    expect(await weightedRecords(emulator, ws)).toEqual({
      'cluster-a': { weight: 100, value: expect.stringMatching(/^cluster-a-ingress-/) },
      'cluster-b': { weight: 0, value: b.loadBalancers[0]!.dnsName },
    });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect((await ws.planTraffic()).exitCode).toBe(0);
    // The re-run did not touch the converged cluster stack.
    const rerun = (await wrapper.calls()).filter((c) => c.stack === 'cluster' && c.workspace === 'cluster-b' && c.command === 'apply');
    expect(rerun).toEqual([]);
  });

  it('a half-made cluster is removed by the retire the message suggests', async () => {
    await wrapper.once('cluster', 'apply', denyElb());
    const failed = await clock.time('cluster-c: failing create', () => ws.run(['cluster', 'create', 'cluster-c', '--yes']));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('curvectl retire cluster-c');
    expect((await clusterInventory(emulator, 'cluster-c')).vpcs).toHaveLength(1);

    const retired = await clock.time('cluster-c: retire', () => ws.run(['retire', 'cluster-c', '--drain', '0s', '--yes']));
    expect(retired.code, retired.stderr).toBe(0);
    expect(await clusterInventory(emulator, 'cluster-c')).toEqual(NOTHING_LEFT);
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'cluster-b', 'default']);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
  });
});
