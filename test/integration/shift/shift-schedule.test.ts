/**
 * A step schedule (--steps, shift.steps) end to end, with -o jsonl: the real binary, real Terraform
 * (traffic stack) and the emulator; Route 53 is read back with the SDK, not through curvectl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  // The first cluster gets 100, the second 0.
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

function jsonLines(stdout: string): Record<string, any>[] {
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  return lines.map((l) => JSON.parse(l) as Record<string, any>);
}

describe('shift --steps', () => {
  it('refuses --step with --steps, and a schedule not ending at --until, changing nothing', async () => {
    const journalBefore = await ws.journal();
    const both = await ws.run(['shift', '--to', 'cluster-b', '--step', '10', '--steps', '10,100', '--yes']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('curvectl: --step and --steps cannot be used together');
    const end = await ws.run(['shift', '--to', 'cluster-b', '--steps', '10,50', '--yes']);
    expect(end.code).toBe(2);
    expect(end.stderr).toContain('it ends at 50%, but the shift ends at 100% (--until)');
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(await ws.journal()).toEqual(journalBefore);
  });

  it('takes shift.steps from curvectl.yaml and shows the schedule in the plan (dry run)', async () => {
    await ws.configure([[['shift', 'steps'], [5, 50, 100]]]);
    const dry = await ws.run(['--dry-run', 'shift', '--to', 'cluster-b', '-o', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).plan.map((w: Record<string, number>) => w['cluster-b'])).toEqual([5, 50, 100]);
    expect(dry.stderr).toContain('Shift towards cluster-b in 3 steps (schedule 5, 50, 100)');
    await ws.configure([[['shift', 'steps'], [1, 2, 3, 101]]]);
    const bad = await ws.run(['--dry-run', 'shift', '--to', 'cluster-b']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('shift.steps');
    await ws.configure([[['shift', 'steps'], [5, 50, 100]]]);
  });

  it('moves through exactly the scheduled percentages, reporting every event as a JSON line and the result last', async () => {
    // The flag beats the configuration's schedule (set here, so this test does not lean on the one before).
    await ws.configure([[['shift', 'steps'], [5, 50, 100]]]);
    const result = await ws.run(['shift', '--to', 'cluster-b', '--steps', '10,30,100', '--bake', '0s', '--allow-short-bake', '--yes', '-o', 'jsonl']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const records = jsonLines(result.stdout);
    expect(records.every((r) => typeof r.type === 'string' && typeof r.at === 'string')).toBe(true);

    const plan = records.find((r) => r.type === 'view' && r.view.type === 'plan');
    expect(plan?.view.title).toContain('in 3 steps (schedule 10, 30, 100)');
    expect(plan?.view.steps).toEqual([
      { 'cluster-a': 100, 'cluster-b': 0 },
      { 'cluster-a': 90, 'cluster-b': 10 },
      { 'cluster-a': 70, 'cluster-b': 30 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
    const stepViews = records.filter((r) => r.type === 'view' && r.view.type === 'weights').map((r) => [r.view.title, r.view.weights['cluster-b']]);
    expect(stepViews).toEqual([['Step 1/3', 10], ['Step 2/3', 30], ['Step 3/3', 100]]);
    // Under --yes: the question before the first step (yes), then continue after each healthy step.
    expect(records.filter((r) => r.type === 'answer').map((r) => r.answer)).toEqual([true, 'continue', 'continue']);
    expect(records.some((r) => r.type === 'message' && r.code === 'shift.completed')).toBe(true);
    const last = records.at(-1);
    expect(last).toMatchObject({ type: 'result', exitCode: 0, result: { result: 'completed', weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
    expect(records.filter((r) => r.type === 'result')).toHaveLength(1);

    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    const planned = (await ws.journal()).find((e) => e.type === 'shift.planned');
    expect(planned?.data).toMatchObject({ request: { steps: [10, 30, 100], until: 100 } });
    const tf = await ws.planTraffic();
    expect(tf.exitCode, `${tf.stdout}\n${tf.stderr}`).toBe(0);
  });
});
