/**
 * Lifecycle commands refused: exit 2, one sentence saying why, and nothing changed (Route 53 weights,
 * the var file, the journal, the Terraform workspaces, the locks), through the binary, real
 * Terraform and moto. The cluster stub stands in for the cluster stack: every refusal here is decided
 * before the cluster stack would run, from its outputs, the traffic stack and the journal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { snapshot, stopwatch } from '../../_helpers/lifecycle.js';

const clock = stopwatch('lifecycle/lifecycle-bad-input.test');
let emulator: Emulator;
/** cluster-a at 100, cluster-b at 0. */
let ws: Workspace;
/** Only cluster-solo, at 100. */
let solo: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  await emulator.createHostedZone('solo.test');
  // retire.requireFlowData false: the cluster stub makes no load balancer, and these refusals and dry
  // runs are decided by other rules; the flow check has its own tests (traffic/observed-flows).
  const config: [string[], unknown][] = [[['retire', 'requireFlowData'], false]];
  [ws, solo] = await Promise.all([createWorkspace({ emulator, config }), createWorkspace({ emulator, zone: 'solo.test', config })]);
  const create = (w: Workspace, name: string) => clock.time(`create ${name}`, () => w.run(['cluster', 'create', name, '--yes']));
  const [a, s] = await Promise.all([create(ws, 'cluster-a'), create(solo, 'cluster-solo')]);
  expect(a.code, a.stderr).toBe(0);
  expect(s.code, s.stderr).toBe(0);
  const b = await create(ws, 'cluster-b');
  expect(b.code, b.stderr).toBe(0);
  expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
  expect(await solo.liveWeights()).toEqual({ 'cluster-solo': 100 });
});

afterAll(async () => {
  await ws?.cleanup();
  await solo?.cleanup();
  await emulator?.stop();
  clock.report();
});

describe('refused lifecycle commands: exit 2, nothing changed', () => {
  it.each([
    ['an invalid cluster name on create', ['cluster', 'create', 'Bad_Name', '--yes'], /"Bad_Name" is not a valid cluster name/],
    ['a cluster name too long for the load balancer names', ['cluster', 'create', 'a-very-long-cluster-name-x', '--yes'], /not a valid cluster name/],
    ['an invalid cluster name on retire', ['retire', 'cluster_a', '--yes'], /"cluster_a" is not a valid cluster name/],
    ['an invalid --to on cycle', ['cycle', '--from', 'cluster-a', '--to', '-x', '--yes'], /not a valid --to cluster name|not a valid/],
    ['an existing name with another --kubernetes-version', ['cluster', 'create', 'cluster-b', '--kubernetes-version', '1.34', '--yes'], /cluster-b already exists with Kubernetes 1\.35, not 1\.34; nothing was changed\./],
    ['a malformed --kubernetes-version', ['cluster', 'create', 'cluster-c', '--kubernetes-version', '1.3x', '--yes'], /"1\.3x" is not a valid --kubernetes-version/],
    ['retiring a cluster with weight', ['retire', 'cluster-a', '--drain', '0s', '--yes'], /cluster-a still has weight 100; only a cluster with no traffic can be retired, so nothing was changed\./],
    ['retiring an unknown cluster', ['retire', 'cluster-z', '--yes'], /There is no cluster named cluster-z; nothing was changed\./],
    ['a retire with no confirmation and no terminal', ['retire', 'cluster-b', '--drain', '0s'], /needs a confirmation and there is no terminal to ask; nothing was changed\./],
    ['a malformed --drain', ['retire', 'cluster-b', '--drain', 'soon', '--yes'], /--drain/],
    ['a cycle onto itself', ['cycle', '--from', 'cluster-a', '--to', 'cluster-a', '--yes'], /--from and --to are both cluster-a/],
    ['a cycle from an unknown cluster', ['cycle', '--from', 'cluster-z', '--to', 'cluster-c', '--yes'], /There is no cluster named cluster-z to replace; nothing was changed\./],
    ['a cycle with no confirmation and no terminal', ['cycle', '--from', 'cluster-a', '--to', 'cluster-c'], /needs a confirmation and there is no terminal/],
  ])('%s', async (_what, args, message) => {
    const before = await snapshot(ws);
    const result = await ws.run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    // One sentence saying why (a cycle shows its plan before it asks; the refusal is the error line).
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('curvectl: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^curvectl: [^\n]+\.$/);
    expect(errorLines[0]).toMatch(message);
    expect(result.stdout).toBe('');
    expect(await snapshot(ws)).toEqual(before);
  });

  it('refuses to retire the last cluster', async () => {
    const before = await snapshot(solo);
    const result = await solo.run(['retire', 'cluster-solo', '--drain', '0s', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cluster-solo is the last cluster; retiring it would leave nothing to serve traffic, so nothing was changed\./);
    expect(result.stderr).toContain('curvectl cycle --from cluster-solo --to <new-name>');
    expect(await snapshot(solo)).toEqual(before);
  });

  it('reports a refusal as one JSON document under -o json', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['retire', 'cluster-a', '--drain', '0s', '--yes', '-o', 'json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'REFUSED' });
    expect(await snapshot(ws)).toEqual(before);
  });
});

describe('dry runs change nothing', () => {
  it('a dry-run create of a new cluster plans it and leaves no workspace behind', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['cluster', 'create', 'cluster-c', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Dry run: nothing was changed/);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('a dry-run retire lists the steps and changes nothing', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ result: 'dry-run', cluster: 'cluster-b' });
    expect(await snapshot(ws)).toEqual(before);
  });
});
