/**
 * The operator's view: the real binary in a pseudo-terminal, no --yes. It asks after every step;
 * Enter takes the default (continue); arrow keys pick "Roll back", which returns Route 53 to the
 * starting weights and exits 5 (stopped by the operator). Ctrl-C: the first asks at a safe point,
 * the second exits at once (130), and `shift abort` finishes the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, setStartingWeights, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { Keys, spawnCurvectlPty, type PtyExit, type PtySession } from '../../_helpers/pty.js';

/**
 * How long a wait on the terminal may last before the test gives up with the transcript: a guard
 * against a hang, not a speed requirement (each wait ends on the text or the exit it waits for, which
 * a loaded machine delays; the transcript says what was on screen).
 */
const HANG_GUARD_MS = 300_000;

/** The session's exit, or a failure carrying the transcript if it never comes. */
async function exitOf(s: PtySession, failWith: (what: string) => string): Promise<PtyExit> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(failWith(`no exit within ${HANG_GUARD_MS / 1000} s`))), HANG_GUARD_MS);
  });
  try {
    return await Promise.race([s.exit, hang]);
  } finally {
    clearTimeout(timer);
  }
}

let emulator: Emulator;
let ws: Workspace;
let session: PtySession | undefined;

const START = { 'cluster-a': 100, 'cluster-b': 0 };
const START2 = { 'cluster-a': 80, 'cluster-b': 20 };

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  session?.kill();
  await ws?.cleanup();
  await emulator?.stop();
});

describe('shift in a terminal', () => {
  it('asks before the first step; Enter takes the default (no): nothing moves, exit 5', async () => {
    const before = { live: await ws.liveWeights(), desired: await ws.desiredWeights(), journal: await ws.journal() };
    expect(before.live).toEqual(START);
    const s = spawnCurvectlPty(['shift', '--to', 'cluster-b', '--step', '25', '--bake', '0s', '--allow-short-bake'], { cwd: ws.dir, env: ws.env });
    session = s;
    const failWith = (what: string) => `${what}\n--- transcript ---\n${s.transcript()}`;
    await s.waitForText(/Shift towards cluster-b in 4 steps/, HANG_GUARD_MS);
    await s.waitForText(/Start the shift\? Step 1\/4 moves live traffic to cluster-a 75, cluster-b 25\. \(y\/N\)/, HANG_GUARD_MS);
    expect(await ws.liveWeights(), failWith('moved before the answer')).toEqual(START);
    s.write(Keys.enter);
    const exit = await exitOf(s, failWith);
    expect(exit.exitCode, failWith('exit code')).toBe(5);
    expect(s.transcript()).toMatch(/Not started: no weight was changed\./);
    expect({ live: await ws.liveWeights(), desired: await ws.desiredWeights(), journal: await ws.journal() }).toEqual(before);
    expect(JSON.parse((await ws.run(['status', '-o', 'json'])).stdout)).toMatchObject({ lock: null, operation: null });
  });

  it('continues on Enter, rolls back when the operator picks "Roll back", and exits 5', async () => {
    expect(await ws.liveWeights()).toEqual(START);
    const before = (await ws.journal()).length;
    const s = spawnCurvectlPty(['shift', '--to', 'cluster-b', '--step', '25', '--bake', '0s', '--allow-short-bake'], { cwd: ws.dir, env: ws.env });
    session = s;
    const failWith = (what: string) => `${what}\n--- transcript ---\n${s.transcript()}`;

    // The plan is shown before anything moves, then one question (default no): answer yes.
    await s.waitForText(/Shift towards cluster-b in 4 steps/, HANG_GUARD_MS);
    await s.waitForText(/Start the shift\? Step 1\/4 moves live traffic to cluster-a 75, cluster-b 25\./, HANG_GUARD_MS);
    s.write('y');
    s.write(Keys.enter);

    // Step 1: the prompt of src/core/shift/run.ts askNext, with its four choices.
    await s.waitForText(/Step 1\/4 is live and healthy \(cluster-a 75, cluster-b 25\)\. What next\?/, HANG_GUARD_MS);
    await s.waitForText(/Jump to the target in one step/, HANG_GUARD_MS);
    const screen1 = s.transcript();
    expect(screen1, failWith('choices')).toMatch(/Continue to step 2\/4/);
    expect(screen1).toMatch(/Hold here/);
    expect(screen1).toMatch(/Roll back to cluster-a 100, cluster-b 0/);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 75, 'cluster-b': 25 });
    s.write(Keys.enter);

    // Step 2: move down from "Continue" past "Hold here" to "Roll back", confirm the cursor is there, Enter.
    await s.waitForText(/Step 2\/4 is live and healthy \(cluster-a 50, cluster-b 50\)\. What next\?/, HANG_GUARD_MS);
    await s.waitForText(/Jump to the target in one step/, HANG_GUARD_MS);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    s.write(Keys.down);
    await s.waitForText(/❯ Hold here/, HANG_GUARD_MS);
    s.write(Keys.down);
    await s.waitForText(/❯ Roll back to cluster-a 100, cluster-b 0/, HANG_GUARD_MS);
    s.write(Keys.enter);

    await s.waitForText(/Rolling back to cluster-a 100, cluster-b 0: the operator chose to roll back/, HANG_GUARD_MS);
    const exit = await exitOf(s, failWith);
    expect(exit.exitCode, failWith('exit code')).toBe(5);
    expect(s.transcript()).toMatch(/was rolled back \(operator/);

    expect(await ws.liveWeights()).toEqual(START);
    expect(await ws.desiredWeights()).toEqual(START);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type)).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.rollback.started',
      'shift.rollback.dns-done',
      'shift.rolled-back',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ cause: 'operator', weights: START, planClean: true });
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);
  });

  it('Ctrl-C during a bake asks what now; a second Ctrl-C exits 130 keeping the journal; `shift abort` rolls it back (exit 5)', async () => {
    // Another starting point than the first test's: moto refuses a CREATE identical to one it has
    // seen before while the name has records (it checks before applying the batch's DELETEs), so
    // two rollbacks to the same weights in one emulator would fail there (real Route 53 is fine).
    await setStartingWeights(ws, START2);
    expect(await ws.liveWeights()).toEqual(START2);
    const before = (await ws.journal()).length;
    const s = spawnCurvectlPty(['shift', '--to', 'cluster-b', '--step', '40', '--bake', '10m'], { cwd: ws.dir, env: ws.env });
    session = s;
    const failWith = (what: string) => `${what}\n--- transcript ---\n${s.transcript()}`;
    await s.waitForText(/Start the shift\?/, HANG_GUARD_MS);
    s.write('y');
    s.write(Keys.enter);

    await s.waitForText(/Step 1\/2 at cluster-a 40, cluster-b 60: [\dhms]+ left/, HANG_GUARD_MS);
    // The terminal turns ^C into SIGINT for the foreground process group: curvectl, not Terraform.
    s.write(Keys.ctrlC);
    await s.waitForText(/Stopping at the next safe point/, HANG_GUARD_MS);
    await s.waitForText(/Stopped at step 1\/2 \(cluster-a 40, cluster-b 60\)\. What now\?/, HANG_GUARD_MS);
    await s.waitForText(/Roll back to cluster-a 80, cluster-b 20/, HANG_GUARD_MS);
    expect(s.transcript()).toMatch(/❯ Hold here/);
    // Ctrl-C again, inside the prompt: exit at once, leaving the journal for resume or abort.
    s.write(Keys.ctrlC);
    const exit = await exitOf(s, failWith);
    expect(exit.exitCode, failWith('exit code')).toBe(130);
    expect(s.transcript()).toMatch(/Interrupted: shift \S+ stopped where it was, and its journal is kept\./);

    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 40, 'cluster-b': 60 });
    const report = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(report.lock).toBeNull();
    expect(report.operation).toMatchObject({ state: 'interrupted', stepsDone: 1, stepsTotal: 2, target: 'cluster-b' });

    const abort = await ws.run(['shift', 'abort', '--yes']);
    expect(abort.code, abort.stderr).toBe(5);
    expect(await ws.liveWeights()).toEqual(START2);
    expect(await ws.desiredWeights()).toEqual(START2);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type)).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done',
      'shift.rollback.started',
      'shift.rollback.dns-done',
      'shift.aborted',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ cause: 'abort', weights: START2, planClean: true });
    const after = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(after).toMatchObject({ operation: null, lock: null, drift: [] });
  });
});
