/**
 * Shift engine v2 against real Terraform and the emulator, one workspace for the file (cheap):
 *  - dry runs (shift, cluster create) leave the emulator's whole state, the var files and the
 *    journal identical;
 *  - a metric gate whose metric does not exist is skipped while the target has no traffic, then
 *    errors once it has weight and rolls back after gateErrorLimit errors (exit 3);
 *  - someone else's change to the live weights during a bake holds the shift (exit 6) and Route 53
 *    keeps their weights.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;

const START = { 'cluster-a': 100, 'cluster-b': 0 };

beforeAll(async () => {
  // The cluster stub touches no IAM, and the whole state is dumped around every invocation: without
  // AWS's managed policies a dump is ~50 kB instead of 4 MB (see StartEmulatorOptions.managedPolicies).
  emulator = await startEmulator({ managedPolicies: false });
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

async function readOr(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '<absent>';
  }
}

/** Every var file of every stack, the journal, and the emulator's whole state. */
async function state(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of Object.values(ws.stacks)) {
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.tfvars.json')).sort()) out[path.join(dir, name)] = await readOr(path.join(dir, name));
  }
  out.journal = await readOr(path.join(ws.dir, '.curvectl', 'journal.jsonl'));
  const res = await fetch(`${emulator.endpoint}/moto-api/data.json`);
  out.emulator = createHash('sha256').update(await res.text()).digest('hex');
  return out;
}

describe('dry runs', () => {
  it('shift --dry-run prints the first step\'s exact Route 53 request and the terraform command lines; nothing changes', async () => {
    const before = await state();
    const shift = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--dry-run', '-o', 'json']);
    expect(shift.code, shift.stderr).toBe(0);
    const doc = JSON.parse(shift.stdout);
    expect(doc).toMatchObject({ result: 'dry-run', plan: [{ 'cluster-a': 50, 'cluster-b': 50 }, { 'cluster-a': 0, 'cluster-b': 100 }] });
    const changes = doc.firstChange.ChangeBatch.Changes as { Action: string; ResourceRecordSet: { SetIdentifier: string; Weight: number } }[];
    expect(changes.map((c) => `${c.Action} ${c.ResourceRecordSet.SetIdentifier} ${c.ResourceRecordSet.Weight}`)).toEqual([
      'DELETE cluster-a 100',
      'CREATE cluster-a 50',
      'DELETE cluster-b 0',
      'CREATE cluster-b 50',
    ]);
    expect(doc.firstChange.HostedZoneId).toMatch(/\S/);
    expect(doc.terraform).toHaveLength(2);
    expect(doc.terraform[0]).toMatch(/ plan .*-out=(\S+)/);
    const planFile = /-out=(\S+)/.exec(doc.terraform[0])![1];
    expect(doc.terraform[1]).toMatch(/ apply /);
    expect(doc.terraform[1].endsWith(planFile!)).toBe(true);

    const text = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/"Action": "DELETE"/);
    expect(text.stderr).toMatch(/terraform.* apply /);
    expect(await state()).toEqual(before);
  });

  it('cluster create --dry-run changes nothing', async () => {
    const before = await state();
    const create = await ws.run(['cluster', 'create', 'cluster-c', '--dry-run']);
    expect(create.code, create.stderr).toBe(0);
    expect(await state()).toEqual(before);
  });
});

describe('a metric gate whose metric does not exist', () => {
  it('is skipped before the target has weight, then errors and rolls back after gateErrorLimit errors (exit 3)', async () => {
    await ws.configure([
      [
        ['gates'],
        [{ type: 'metric', namespace: 'Test/Ingress', errors: { metricName: 'NoSuch5xx' }, total: { metricName: 'NoSuchRequests' }, maxRatio: 0.01, window: '1m' }],
      ],
      [['shift', 'gateErrorLimit'], 2],
    ]);
    try {
      expect(await ws.liveWeights()).toEqual(START);
      const before = (await ws.journal()).length;
      const result = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '10m', '--yes']);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/skip\s+metric \(cluster-b\): no traffic yet/);
      expect(result.stderr).toMatch(/3 errors in a row \(limit 2\): no data/);
      expect(await ws.liveWeights()).toEqual(START);
      expect(await ws.desiredWeights()).toEqual(START);
      const types = (await ws.journal()).slice(before).map((e) => e.type);
      expect(types).toEqual(['shift.planned', 'shift.step.intent', 'shift.step.done', 'shift.rollback.started', 'shift.rollback.dns-done', 'shift.rolled-back']);
    } finally {
      await ws.configure([
        [['gates'], []],
        [['shift', 'gateErrorLimit'], 3],
      ]);
    }
  });
});

describe('an out-of-band change during a bake', () => {
  it('holds with exit 6, shows what changed, and Route 53 keeps the other person\'s weights', async () => {
    expect(await ws.liveWeights()).toEqual(START);
    const before = (await ws.journal()).length;
    const child = ws.spawn(['shift', '--to', 'cluster-b', '--step', '30', '--bake', '10m', '--yes']);
    const code = exited(child);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.done' && e.data?.index === 1);
      },
      'step 1 done',
      180_000,
    );
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 70, 'cluster-b': 30 });
    // An incident responder sets 40/60 by hand (two UPSERTs, as the console would: b first, so the
    // bake may see {a:70, b:60} in between; either way b's change is what it reports).
    await ws.setLiveWeight('cluster-b', 60);
    await ws.setLiveWeight('cluster-a', 40);

    expect(await code, child.output().stderr).toBe(6);
    const { stderr } = child.output();
    expect(stderr).toMatch(/someone else changed the live weights/);
    expect(stderr).toMatch(/cluster-b: expected 30, found 60/);
    expect(stderr).toMatch(/shift abort --force/);
    // Theirs stays: nothing was written over it, not even after the exit.
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 40, 'cluster-b': 60 });
    expect(await ws.desiredWeights()).toEqual({ 'cluster-a': 70, 'cluster-b': 30 });
    const events = (await ws.journal()).slice(before);
    expect(events.at(-1)).toMatchObject({ type: 'shift.held', data: { reason: 'out-of-band-change', weights: { 'cluster-b': 60 }, expected: { 'cluster-a': 70, 'cluster-b': 30 } } });
    expect(events.filter((e) => e.type === 'shift.step.intent')).toHaveLength(1);

    // Resume holds again (exit 6) and changes nothing.
    const resume = await ws.run(['shift', 'resume', '--yes']);
    expect(resume.code, resume.stderr).toBe(6);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 40, 'cluster-b': 60 });
  });
});
