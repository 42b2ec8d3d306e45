/**
 * Hold and resume, and the traffic lock: while a shift bakes, a second shift is refused (exit 4,
 * naming the holder); the first Ctrl-C under --yes holds at the last verified step (exit 5);
 * `status` shows the held operation; `shift resume --yes` finishes it.
 *
 * The three tests run in order on one shift (each needs the state the previous one left).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;
let first: ReturnType<Workspace['spawn']> | undefined;
let firstExit: Promise<number> | undefined;
let before = 0;

const START = { 'cluster-a': 100, 'cluster-b': 0 };
const STEP1 = { 'cluster-a': 50, 'cluster-b': 50 };
const END = { 'cluster-a': 0, 'cluster-b': 100 };

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

describe('a shift baking step 1 (--bake 10m)', () => {
  it('holds the traffic lock: a second shift exits 4 naming the holder, and changes nothing', async () => {
    expect(await ws.liveWeights()).toEqual(START);
    before = (await ws.journal()).length;
    first = ws.spawn(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '10m', '--yes']);
    firstExit = exited(first);
    const child = first;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.done' && e.data?.index === 1);
      },
      'step 1 done',
      180_000,
    );
    const journalLength = (await ws.journal()).length;

    const second = await ws.run(['shift', '--to', 'cluster-b', '--step', '10', '--yes']);
    expect(second.code, second.stderr).toBe(4);
    expect(second.stderr).toMatch(new RegExp(`traffic is locked by \\S+ \\(pid ${child.pid}\\) running "shift --to cluster-b"`));
    expect(second.stdout).toBe('');
    // The same in JSON, with the holder as data.
    const json = await ws.run(['shift', '--to', 'cluster-b', '--step', '10', '--yes', '-o', 'json']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'LOCKED', exitCode: 4, details: { lock: { pid: child.pid, operation: 'shift --to cluster-b' } } });

    expect(await ws.liveWeights()).toEqual(STEP1);
    expect((await ws.journal()).length).toBe(journalLength);
    expect(child.exitCode).toBeNull();

    const status = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(status.lock).toMatchObject({ pid: child.pid, operation: 'shift --to cluster-b' });
    expect(status.operation).toMatchObject({ kind: 'shift', state: 'running', stepsDone: 1, stepsTotal: 2, target: 'cluster-b' });
  });

  it('holds at step 1 on the first SIGINT (--yes): exit 5, lock released, status shows it held', async () => {
    expect(first, 'the first test started the shift').toBeDefined();
    const child = first!;
    child.kill('SIGINT');
    expect(await firstExit, child.output().stderr).toBe(5);
    expect(child.output().stderr).toMatch(/Held at step 1\/2/);
    expect(child.output().stdout).toMatch(/is held at/);

    expect(await ws.liveWeights()).toEqual(STEP1);
    expect(await ws.desiredWeights()).toEqual(STEP1);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type)).toEqual(['shift.planned', 'shift.step.intent', 'shift.step.done', 'shift.held']);
    expect(events.at(-1)?.data).toMatchObject({ index: 1, total: 2, weights: STEP1, reason: 'interrupt' });

    const status = await ws.run(['status', '-o', 'json']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.lock).toBeNull();
    expect(report.drift).toEqual([]);
    expect(report.operation).toMatchObject({
      kind: 'shift',
      state: 'held',
      stepsDone: 1,
      stepsTotal: 2,
      target: 'cluster-b',
      weights: STEP1,
      from: START,
      id: events[0]?.op,
    });

    // A new shift is refused while this one is unfinished.
    const another = await ws.run(['shift', '--to', 'cluster-a', '--step', '10', '--yes']);
    expect(another.code).toBe(2);
    expect(another.stderr).toMatch(/is unfinished \(held at step 1\/2\)/);
  });

  it('shift resume --yes finishes the held shift', async () => {
    const result = await ws.run(['shift', 'resume', '--yes', '--bake', '0s', '--allow-short-bake']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/completed/);
    expect(await ws.liveWeights()).toEqual(END);
    expect(await ws.desiredWeights()).toEqual(END);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type)).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done',
      'shift.held',
      'shift.resumed',
      'shift.step.baked',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.completed',
    ]);
    expect(new Set(events.map((e) => e.op)).size).toBe(1);
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);
    const status = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(status).toMatchObject({ operation: null, lock: null, drift: [] });
  });
});
