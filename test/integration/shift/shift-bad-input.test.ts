/**
 * Bad input to `shift`: exit 2, one sentence on stderr, and nothing changed (Route 53, the var file,
 * the journal, the locks).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;
/** A second environment (its own zone) with a single cluster. */
let solo: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await Promise.all([emulator.createHostedZone('example.test'), emulator.createHostedZone('solo.test')]);
  [ws, solo] = await Promise.all([createWorkspace({ emulator }), createWorkspace({ emulator, zone: 'solo.test' })]);
  await Promise.all([createClusters(ws, ['cluster-a', 'cluster-b']), createClusters(solo, ['solo-a'])]);
});

afterAll(async () => {
  await Promise.all([ws?.cleanup(), solo?.cleanup()]);
  await emulator?.stop();
});

async function snapshot(w: Workspace) {
  let locks: string[] = [];
  try {
    locks = await readdir(path.join(w.dir, '.curvectl', 'locks'));
  } catch {
    // never created
  }
  return { live: await w.liveWeights(), desired: await w.desiredWeights(), journal: await w.journal(), locks };
}

function expectOneSentence(stderr: string): void {
  expect(stderr.trim().split('\n')[0]).toMatch(/^curvectl: [^\n]+\.$/);
}

describe('shift with bad input exits 2 and changes nothing', () => {
  it('starts from {cluster-a: 100, cluster-b: 0}', async () => {
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
  });

  it.each([
    ['an unknown --to', ['shift', '--to', 'cluster-z', '--step', '10', '--yes'], /"cluster-z" has no weighted record.*known clusters: cluster-a, cluster-b/],
    ['a --to that is not a cluster name', ['shift', '--to', 'Cluster_Z', '--yes'], /"Cluster_Z" is not a valid/],
    ['no --to', ['shift', '--step', '10', '--yes'], /pass --to <name>/],
    ['--step 0', ['shift', '--to', 'cluster-b', '--step', '0', '--yes'], /"0" is not a valid --step: use a whole number of percentage points from 1 to 100/],
    ['--step 101', ['shift', '--to', 'cluster-b', '--step', '101', '--yes'], /"101" is not a valid --step/],
    ['--step abc', ['shift', '--to', 'cluster-b', '--step', 'abc', '--yes'], /"abc" is not a valid --step/],
    ['--step 2.5', ['shift', '--to', 'cluster-b', '--step', '2.5', '--yes'], /"2.5" is not a valid --step/],
    ['--until 101', ['shift', '--to', 'cluster-b', '--until', '101', '--yes'], /"101" is not a valid --until/],
    ['--until below the target\'s current weight', ['shift', '--to', 'cluster-a', '--until', '50', '--step', '10', '--yes'], /"cluster-a" already has 100%, more than --until 50/],
    ['a nonsense --bake', ['shift', '--to', 'cluster-b', '--step', '10', '--bake', 'soon', '--yes'], /--bake/],
    ['a negative --bake', ['shift', '--to', 'cluster-b', '--step', '10', '--bake', '-5s', '--yes'], /--bake|bake/],
    ['a bake below the TTL without --allow-short-bake', ['shift', '--to', 'cluster-b', '--step', '10', '--bake', '1s', '--yes'], /shorter than the record's TTL of 5s/],
    ['--from equal to --to', ['shift', '--to', 'cluster-b', '--from', 'cluster-b', '--step', '10', '--yes'], /--from and --to both name "cluster-b"/],
    ['no terminal and no --yes', ['shift', '--to', 'cluster-b', '--step', '10'], /there is no terminal to ask and --yes was not given/],
    ['no terminal and no --yes (resume)', ['shift', 'resume'], /there is no terminal to ask and --yes was not given/],
  ])('%s', async (_what, args, message) => {
    const before = await snapshot(ws);
    const result = await ws.run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expectOneSentence(result.stderr);
    expect(result.stdout).toBe('');
    expect(await snapshot(ws)).toEqual(before);
  });

  it('a shift to the only cluster there is', async () => {
    const before = await snapshot(solo);
    expect(before.live).toEqual({ 'solo-a': 100 });
    const result = await solo.run(['shift', '--to', 'solo-a', '--step', '10', '--until', '100', '--yes']);
    // "Already has 100%" would be "nothing to do" (exit 0); with one cluster there is nothing to shift at all.
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/"solo-a" is the only cluster with a weighted record/);
    expectOneSentence(result.stderr);
    expect(await snapshot(solo)).toEqual(before);
  });

  it('a target that already has its --until is nothing to do (exit 0), and changes nothing either', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['shift', '--to', 'cluster-a', '--until', '100', '--step', '10', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Nothing to do/);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('-o json reports the error as one document with exit 2', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['shift', '--to', 'cluster-b', '--step', '0', '--yes', '-o', 'json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'BAD_INPUT', exitCode: 2 });
    expect(await snapshot(ws)).toEqual(before);
  });
});
