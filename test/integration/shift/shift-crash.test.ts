/**
 * A crash in the middle of a step: `kill -9` curvectl while Route 53 still syncs the step's change
 * (accepted, not yet INSYNC, so not yet read back and journaled done), and while Terraform catches
 * its state up during the bake (the step is done). Route 53 must hold one of the planned weight
 * maps right after the kill and at every point we look; `status` shows the interrupted operation;
 * once the stale lock is cleared, `shift resume --yes` finishes it.
 *
 * Terraform runs in its own process group, so it survives curvectl as an orphan (until it writes to
 * its closed output pipe); the resume's terraform waits for the state lock (-lock-timeout).
 */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsProxy, type AwsProxy } from '../../_helpers/aws-proxy.js';
import { createClusters, createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;
let proxy: AwsProxy;

const W0 = { 'cluster-a': 100, 'cluster-b': 0 };
const W1 = { 'cluster-a': 50, 'cluster-b': 50 };
const W2 = { 'cluster-a': 0, 'cluster-b': 100 };
const PLANNED = [W0, W1, W2];

/** Processes (other than this one) whose working directory is inside dir, with their argv. */
async function processesIn(dir: string): Promise<{ pid: number; argv: string[] }[]> {
  const root = await realpath(dir);
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = await readlink(`/proc/${entry}/cwd`);
      if (cwd !== root && !cwd.startsWith(`${root}/`)) continue;
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      found.push({ pid: Number(entry), argv });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function isPlanned(weights: Record<string, number>): boolean {
  return PLANNED.some((w) => JSON.stringify(Object.entries(w).sort()) === JSON.stringify(Object.entries(weights).sort()));
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  proxy = await startAwsProxy({ target: emulator.endpoint });
});

afterAll(async () => {
  // An orphaned terraform is ours to stop (by pid) before its directory goes away.
  if (ws) {
    for (const p of await processesIn(ws.dir)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await ws?.cleanup();
  await proxy?.close();
  await emulator?.stop();
});

describe("kill -9 during Terraform's catch-up of step 1 (the step is done, not baked)", () => {
  it('leaves Route 53 at a planned state, status shows the interrupted shift at step 1, and resume finishes it', async () => {
    expect(await ws.liveWeights()).toEqual(W0);
    const before = (await ws.journal()).length;
    const child = ws.spawn(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '0s', '--allow-short-bake', '--yes']);
    const code = exited(child);

    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.intent' && e.data?.index === 1);
      },
      'step 1 intent',
      120_000,
      50,
    );
    // The intent is journalled before the var file and the apply: wait until `terraform apply` runs.
    const apply = await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await processesIn(ws.stacks.traffic)).find((p) => p.argv.includes('apply'));
      },
      'terraform apply in the traffic stack',
      120_000,
      50,
    );
    child.kill('SIGKILL');
    expect(await code).toBe(137);

    const afterKill = await ws.liveWeights();
    expect(isPlanned(afterKill), `Route 53 right after the kill: ${JSON.stringify(afterKill)}`).toBe(true);
    expect(afterKill, 'step 2 was never started').not.toEqual(W2);
    // Route 53 was read back at W1 before the catch-up's apply started: step 1 is done, not baked.
    expect(afterKill).toEqual(W1);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type)).toEqual(['shift.planned', 'shift.step.intent', 'shift.step.done']);

    // status: the shift is interrupted (its lock is stale) at step 1, nothing pending.
    const status = await ws.run(['status', '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.operation).toMatchObject({ kind: 'shift', state: 'interrupted', stepsDone: 1, stepsTotal: 2, target: 'cluster-b', from: W0, weights: W1 });
    expect(report.operation.pendingStep).toBeUndefined();
    expect(report.lock).toMatchObject({ pid: child.pid, stale: true });

    const mid = await ws.liveWeights();
    expect(isPlanned(mid), `Route 53 before resume: ${JSON.stringify(mid)}`).toBe(true);
    const orphan = (await processesIn(ws.stacks.traffic)).some((p) => p.pid === apply.pid);

    // The lock's holder is provably gone (this host, dead pid): resume takes it over, saying whose it was.
    const resumed = await ws.run(['shift', 'resume', '--yes']);
    expect(resumed.code, `${resumed.stderr}\n(orphaned apply still running at resume: ${orphan})`).toBe(0);
    expect(resumed.stdout).toMatch(/completed/);
    expect(resumed.stderr).toMatch(new RegExp(`Took over the traffic lock left by .*pid ${child.pid}.*that process is gone`));

    expect(await ws.liveWeights()).toEqual(W2);
    expect(await ws.desiredWeights()).toEqual(W2);
    const all = (await ws.journal()).slice(before);
    const types = all.map((e) => e.type);
    expect(types).toContain('shift.resumed');
    expect(types.at(-1)).toBe('shift.completed');
    expect(new Set(all.map((e) => e.op)).size).toBe(1);
    const done = all.filter((e) => e.type === 'shift.step.done').map((e) => e.data?.index);
    expect(done).toEqual([1, 2]);
    // Resumed at step 1 as journaled: neither recovered nor run again; step 1 baked again, then step 2.
    const resumedEvent = all.find((e) => e.type === 'shift.resumed')!;
    expect(resumedEvent.data).toMatchObject({ index: 1, weights: W1 });
    expect(resumedEvent.data?.recovered).toBeUndefined();
    expect(resumedEvent.data?.rerunStep).toBeUndefined();
    expect(all.filter((e) => e.type === 'shift.step.baked').map((e) => e.data?.index)).toEqual([1, 2]);

    await waitFor(async () => (await processesIn(ws.dir)).length === 0, 'no terraform left in the workspace', 60_000);
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);
    const finalStatus = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(finalStatus).toMatchObject({ operation: null, lock: null, drift: [] });
  });
});

describe('kill -9 after Route 53 accepted the change of step 1, before it was INSYNC and verified', () => {
  // Starts where the previous test ended (cluster-b 100) and shifts part of the way back, to weights no
  // earlier change in this emulator created (moto refuses a CREATE it has seen before; see README).
  const V1 = { 'cluster-a': 40, 'cluster-b': 60 };
  const V2 = { 'cluster-a': 80, 'cluster-b': 20 };

  it('resume finds the step done in Route 53 (recovered), does not apply it again, and finishes', async () => {
    expect(await ws.liveWeights()).toEqual(W2);
    const before = (await ws.journal()).length;
    // Real Route 53 answers GetChange PENDING for up to a minute after accepting a change; the
    // emulator says INSYNC at once. The proxy answers as Route 53 does, so the kill lands in that
    // window: Route 53 has step 1, curvectl has not yet read it back (no `shift.step.done`).
    proxy.clear();
    proxy.intercept((request) => {
      const change = /^\/2013-04-01\/change\/([^/?]+)/.exec(request.path);
      if (request.method !== 'GET' || !change) return undefined;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/${change[1]}</Id><Status>PENDING</Status><SubmittedAt>${new Date().toISOString()}</SubmittedAt></ChangeInfo></GetChangeResponse>`;
      return { respond: { status: 200, headers: { 'content-type': 'text/xml' }, body } };
    });
    const child = ws.spawn(['shift', '--to', 'cluster-a', '--step', '40', '--until', '80', '--bake', '0s', '--allow-short-bake', '--yes'], {
      env: { AWS_ENDPOINT_URL_ROUTE_53: proxy.url },
    });
    const code = exited(child);
    // Readiness: curvectl asks whether step 1's change is in sync, so Route 53 has accepted it.
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return proxy.requests.some((r) => r.method === 'GET' && r.path.startsWith('/2013-04-01/change/') && r.endedAt !== undefined);
      },
      'curvectl waiting for step 1 to be INSYNC',
      120_000,
      50,
    );
    child.kill('SIGKILL');
    proxy.intercept(undefined);
    expect(await code).toBe(137);
    const events = (await ws.journal()).slice(before);
    expect(events.map((e) => e.type), 'killed before step 1 was verified').toEqual(['shift.planned', 'shift.step.intent']);
    expect(await ws.liveWeights()).toEqual(V1);

    const report = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout);
    expect(report.operation).toMatchObject({ state: 'interrupted', stepsDone: 0, pendingStep: 1, target: 'cluster-a' });

    const resumed = await ws.run(['shift', 'resume', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual(V2);
    expect(await ws.desiredWeights()).toEqual(V2);

    const all = (await ws.journal()).slice(before);
    expect(all.map((e) => e.type)).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done', // recovered: found in Route 53, not applied again
      'shift.resumed',
      'shift.step.baked',
      'shift.step.intent',
      'shift.step.done',
      'shift.step.baked',
      'shift.completed',
    ]);
    expect(all[2]?.data).toMatchObject({ index: 1, weights: V1, recovered: true });
    expect(all[3]?.data).toMatchObject({ index: 1, recovered: true });

    await waitFor(async () => (await processesIn(ws.dir)).length === 0, 'no terraform left in the workspace', 60_000);
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);
  });
});
