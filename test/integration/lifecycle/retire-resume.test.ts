/**
 * Retire and registration stopped half-way, and the re-run that finishes them, with the cluster stub
 * (the traffic stack is what matters here), real Terraform and moto. Failures are real Terraform
 * errors: terraform.binary is a wrapper that, for one armed call, points Route 53 at an endpoint that
 * denies everything, or fails the call outright.
 *
 * The var file is written before terraform apply, so a failed apply leaves the var file ahead of
 * Route 53 for exactly the cluster being added or removed: the same command run again must finish
 * the job instead of refusing it as drift.
 *
 * The first two tests run in order on purpose (the second retires the cluster-b the first registered:
 * one create saved); the third makes its own cluster-c, the fourth has a workspace of its own (lone).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { snapshot, startDenyingEndpoint, stopwatch, terraformWorkspaces } from '../../_helpers/lifecycle.js';
import { createTerraformWrapper, type TerraformWrapper } from '../../_helpers/terraform-wrapper.js';

const clock = stopwatch('lifecycle/retire-resume.test');
let emulator: Emulator;
let denied: Awaited<ReturnType<typeof startDenyingEndpoint>>;
let scratch: string;
let ws: Workspace;
let wrapper: TerraformWrapper;
let lone: Workspace;
let loneWrapper: TerraformWrapper;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'curvectl-lcr-'));
  emulator = await startEmulator();
  denied = await startDenyingEndpoint();
  await emulator.createHostedZone('example.test');
  await emulator.createHostedZone('lone.test');
  [wrapper, loneWrapper] = await Promise.all([createTerraformWrapper(path.join(scratch, 'w1')), createTerraformWrapper(path.join(scratch, 'w2'))]);
  [ws, lone] = await Promise.all([
    // retire.requireFlowData false: the cluster stub makes no load balancer, and this file is about
    // finishing a retire that stopped half-way; the flow check has its own tests (traffic/observed-flows).
    createWorkspace({ emulator, config: [[['terraform', 'binary'], wrapper.binary], [['retire', 'requireFlowData'], false]] }),
    createWorkspace({ emulator, zone: 'lone.test', config: [[['terraform', 'binary'], loneWrapper.binary], [['retire', 'requireFlowData'], false]] }),
  ]);
  const a = await clock.time('create cluster-a', () => ws.run(['cluster', 'create', 'cluster-a', '--yes']));
  expect(a.code, a.stderr).toBe(0);
});

afterAll(async () => {
  await ws?.cleanup();
  await lone?.cleanup();
  await emulator?.stop();
  await denied?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  clock.report();
});

describe('stopped half-way, finished by the same command', () => {
  it('a registration whose traffic apply failed is finished by re-running create', async () => {
    await wrapper.once('traffic', 'apply', `export AWS_ENDPOINT_URL_ROUTE_53='${denied.url}'`);
    const failed = await clock.time('cluster-b: failing registration', () => ws.run(['cluster', 'create', 'cluster-b', '--yes']));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Creating cluster-b failed at registering in the traffic stack/);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 });
    // The var file went ahead of Route 53 for cluster-b only; status shows it as drift.
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    const status = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(status.drift).toEqual([{ cluster: 'cluster-b', desired: 0, live: null }]);

    const again = await clock.time('cluster-b: re-run', () => ws.run(['cluster', 'create', 'cluster-b', '--yes']));
    expect(again.code, again.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect((await ws.planTraffic()).exitCode).toBe(0);
  });

  it('a retire whose record removal failed says where it stopped and is finished by re-running it', async () => {
    await wrapper.once('traffic', 'apply', `export AWS_ENDPOINT_URL_ROUTE_53='${denied.url}'`);
    const failed = await clock.time('retire cluster-b: failing', () => ws.run(['retire', 'cluster-b', '--drain', '0s', '--yes']));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Retiring cluster-b stopped at the record step: Terraform failed in the traffic stack/);
    expect(failed.stderr).toContain('run "curvectl retire cluster-b" again');
    // Nothing was destroyed: the record is still there (at 0) and so is the workspace.
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'cluster-b', 'default']);
    expect((await ws.journal()).at(-1)).toMatchObject({ type: 'retire.failed', data: { cluster: 'cluster-b', part: 'record' } });

    const again = await clock.time('retire cluster-b: re-run', () => ws.run(['retire', 'cluster-b', '--drain', '0s', '--yes']));
    expect(again.code, again.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100 });
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'default']);
    expect((await ws.planTraffic()).exitCode).toBe(0);
  });

  it('a retire whose destroy failed is finished by re-running it', async () => {
    const c = await clock.time('create cluster-c', () => ws.run(['cluster', 'create', 'cluster-c', '--yes']));
    expect(c.code, c.stderr).toBe(0);
    await wrapper.once('cluster', 'destroy', `echo 'Error: injected by the test: destroy failed' >&2; exit 1`);
    const failed = await clock.time('retire cluster-c: failing destroy', () => ws.run(['retire', 'cluster-c', '--drain', '0s', '--yes']));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Retiring cluster-c stopped at the cluster step: Terraform failed in the cluster stack \(workspace cluster-c\)/);
    expect(failed.stderr).toContain('injected by the test: destroy failed');
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 }); // the record went first
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'cluster-c', 'default']);

    const again = await clock.time('retire cluster-c: re-run', () => ws.run(['retire', 'cluster-c', '--drain', '0s', '--yes']));
    expect(again.code, again.stderr).toBe(0);
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'default']);
    expect((await ws.journal()).at(-1)).toMatchObject({ type: 'retire.completed', data: { cluster: 'cluster-c' } });
  });

  it('the only cluster, half-made and never registered, can be retired as its create failure says', async () => {
    await loneWrapper.once('cluster', 'apply', `echo 'Error: injected by the test: apply failed' >&2; exit 1`);
    const failed = await clock.time('lone: failing create', () => lone.run(['cluster', 'create', 'cluster-x', '--yes']));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Creating cluster-x failed at the cluster stack/);
    expect(failed.stderr).toContain('curvectl retire cluster-x');
    expect(await lone.liveWeights()).toEqual({});
    expect(await terraformWorkspaces(lone, 'cluster')).toEqual(['cluster-x', 'default']);

    const before = await snapshot(lone);
    const retired = await clock.time('lone: retire', () => lone.run(['retire', 'cluster-x', '--drain', '0s', '--yes']));
    expect(retired.code, retired.stderr).toBe(0);
    expect(await terraformWorkspaces(lone, 'cluster')).toEqual(['default']);
    expect(await lone.liveWeights()).toEqual(before.live);
    const list = await lone.run(['cluster', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).clusters).toEqual([]);
  });
});
