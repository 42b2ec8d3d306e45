/**
 * The staged shift end to end, unattended: the real binary, real Terraform (traffic stack) and the
 * emulator; Route 53 is read back with the SDK, not through curvectl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, setStartingWeights, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  await setStartingWeights(ws, { 'cluster-a': 90, 'cluster-b': 10 });
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

describe('shift --yes', () => {
  it('moves {a:90, b:10} to {a:0, b:100} in two steps of 45, leaving Terraform, the var file and the journal in agreement', async () => {
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 90, 'cluster-b': 10 });
    const before = (await ws.journal()).length;

    const result = await ws.run(['shift', '--to', 'cluster-b', '--step', '45', '--bake', '0s', '--allow-short-bake', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/completed/);

    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);

    const events = (await ws.journal()).slice(before);
    const op = events[0]?.op;
    expect(events.every((e) => e.op === op)).toBe(true);
    expect(events.find((e) => e.type === 'shift.planned')?.data).toMatchObject({
      to: 'cluster-b',
      from: { 'cluster-a': 90, 'cluster-b': 10 },
      steps: [
        { 'cluster-a': 45, 'cluster-b': 55 },
        { 'cluster-a': 0, 'cluster-b': 100 },
      ],
    });
    const done = events.filter((e) => e.type === 'shift.step.done');
    expect(done.map((e) => e.data)).toEqual([
      { index: 1, total: 2, weights: { 'cluster-a': 45, 'cluster-b': 55 } },
      { index: 2, total: 2, weights: { 'cluster-a': 0, 'cluster-b': 100 } },
    ]);
    // Each step: intent before done, in order; the shift ends completed.
    expect(events.map((e) => e.type)).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.completed',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ weights: { 'cluster-a': 0, 'cluster-b': 100 } });

    const status = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(status).toMatchObject({ drift: [], lock: null, operation: null });
  });

  it('refuses on drift with exit 2 and changes nothing', async () => {
    await ws.setLiveWeight('cluster-a', 3);
    try {
      const before = { desired: await ws.desiredWeights(), journal: (await ws.journal()).length };
      const result = await ws.run(['shift', '--to', 'cluster-a', '--step', '50', '--yes']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/differ/);
      expect(await ws.liveWeights()).toEqual({ 'cluster-a': 3, 'cluster-b': 100 });
      expect({ desired: await ws.desiredWeights(), journal: (await ws.journal()).length }).toEqual(before);
    } finally {
      await ws.setLiveWeight('cluster-a', 0);
    }
  });
});
