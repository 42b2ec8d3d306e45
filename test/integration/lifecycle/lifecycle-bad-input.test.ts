/**
 * Lifecycle commands refused: exit 2, one sentence saying why, and nothing changed (Route 53 weights,
 * the var file, the journal, the Terraform workspaces, the locks), through the binary, real
 * Terraform and moto. The cluster stub stands in for the cluster stack: every refusal here is decided
 * before the cluster stack would run, from its outputs, the traffic stack and the journal.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
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
  // The cluster stub touches no IAM, and the whole state is dumped around every invocation: without
  // AWS's managed policies a dump is ~50 kB instead of 4 MB (see StartEmulatorOptions.managedPolicies).
  emulator = await startEmulator({ managedPolicies: false });
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

/**
 * Everything a dry run must leave alone: the snapshot above, the emulator's whole state
 * (/moto-api/data.json), and every file curvectl writes in the stacks: the var files, and its own
 * .terraform/curvectl/ (run var files, saved plans, a dry run's temporary copies).
 */
async function everything(w: Workspace): Promise<Record<string, unknown>> {
  const files: Record<string, string> = {};
  for (const dir of Object.values(w.stacks)) {
    for (const sub of ['.', path.join('.terraform', 'curvectl')]) {
      const names = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
      for (const name of names.filter((n) => /\.(tfvars\.json|tfplan)$/.test(n)).sort()) files[path.join(dir, sub, name)] = await readFile(path.join(dir, sub, name), 'utf8');
    }
  }
  const emulatorState = await (await fetch(`${emulator.endpoint}/moto-api/data.json`)).text();
  return { ...(await snapshot(w)), files, emulator: createHash('sha256').update(emulatorState).digest('hex') };
}

/**
 * The files the printed lines read that neither exist nor are written by an earlier line ("#
 * curvectl writes <path>", or a plan's -out=): a -var-file, and the saved plan an apply names.
 */
function missingFiles(commands: readonly string[]): string[] {
  const written = new Set<string>();
  const missing: string[] = [];
  for (const line of commands) {
    const note = /^# curvectl writes (\S+?):? /.exec(line);
    if (note) written.add(note[1]!);
    const dir = /-chdir=(\S+)/.exec(line)?.[1];
    if (!dir) continue;
    const resolve = (f: string) => path.resolve(dir, f);
    const reads = [...line.matchAll(/-var-file=(\S+)/g)].map((m) => m[1]!);
    if (/ apply /.test(line)) reads.push(line.split(' ').at(-1)!);
    for (const file of reads.map(resolve)) if (!written.has(file) && !existsSync(file)) missing.push(file);
    for (const m of line.matchAll(/-out=(\S+)/g)) written.add(resolve(m[1]!));
  }
  return missing;
}

describe('dry runs change nothing', () => {
  beforeAll(async () => {
    // moto's first call to a service adds that service's empty state to data.json: the checks of a
    // retire read ELBv2, EC2 and CloudWatch, which the creates never did. One warm-up run first.
    const warm = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--dry-run']);
    expect(warm.code, warm.stderr).toBe(0);
  });

  it('the missing-file check catches an apply of a plan file no line writes (negative control)', () => {
    const dir = ws.stacks.cluster;
    expect(missingFiles([`TF_WORKSPACE=x terraform -chdir=${dir} apply -json .terraform/curvectl/x-0a1b2c3d.tfplan`])).toEqual([path.join(dir, '.terraform/curvectl/x-0a1b2c3d.tfplan')]);
    expect(missingFiles([`TF_WORKSPACE=x terraform -chdir=${dir} plan -out=.terraform/curvectl/x.tfplan -var-file=.terraform/curvectl/none.tfvars.json`])).toEqual([path.join(dir, '.terraform/curvectl/none.tfvars.json')]);
    expect(missingFiles([`TF_WORKSPACE=x terraform -chdir=${dir} plan -out=p.tfplan`, `TF_WORKSPACE=x terraform -chdir=${dir} apply p.tfplan`])).toEqual([]);
  });

  it('a dry-run create of a new cluster prints its plan summary and the exact lines, naming no missing file, and leaves no workspace, var file or plan file behind', async () => {
    const before = await everything(ws);
    const result = await ws.run(['cluster', 'create', 'cluster-c', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cluster stack, workspace cluster-c: 0 to add, 0 to change, 0 to destroy/);
    expect(result.stderr).toMatch(/Dry run of cluster create cluster-c: nothing was changed\./);
    const doc = JSON.parse(result.stdout) as { result: string; summary: unknown; commands: string[] };
    expect(doc).toMatchObject({ result: 'dry-run', cluster: 'cluster-c', summary: { add: 0, change: 0, remove: 0 } });
    const terraform = doc.commands.filter((c) => !c.startsWith('#'));
    expect(terraform.map((c) => c.replace(/^TF_WORKSPACE=(\S+) terraform -chdir=(\S+) /, (_m, w: string, d: string) => `${w}@${path.basename(d)}: `))).toEqual([
      'cluster-c@cluster: workspace new cluster-c',
      'cluster-c@cluster: plan -json -input=false -no-color -detailed-exitcode -lock-timeout=120s -out=.terraform/curvectl/cluster-cluster-c.tfplan -var-file=.terraform/curvectl/cluster-cluster-c.tfvars.json',
      'cluster-c@cluster: apply -json -input=false -lock-timeout=120s .terraform/curvectl/cluster-cluster-c.tfplan',
      'default@traffic: plan -json -input=false -no-color -detailed-exitcode -lock-timeout=120s -out=.terraform/curvectl/default-traffic.tfplan',
      'default@traffic: apply -json -input=false -lock-timeout=120s .terraform/curvectl/default-traffic.tfplan',
    ]);
    expect(doc.commands).toContain(`# curvectl writes ${path.join(ws.stacks.cluster, '.terraform', 'curvectl', 'cluster-cluster-c.tfvars.json')} first (cluster_name, kubernetes_version)`);
    expect(missingFiles(doc.commands)).toEqual([]);
    expect(await everything(ws)).toEqual(before);
  });

  it('a dry-run create of an existing cluster names its own var file and no workspace to create', async () => {
    const before = await everything(ws);
    const result = await ws.run(['cluster', 'create', 'cluster-b', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { commands: string[] };
    expect(doc.commands.some((c) => c.includes('workspace new') || c.startsWith('# curvectl writes'))).toBe(false);
    expect(doc.commands).toContain('# 3. cluster-b is already in the traffic stack (weight 0): nothing to register.');
    expect(missingFiles(doc.commands)).toEqual([]);
    expect(await everything(ws)).toEqual(before);
  });

  it('a dry-run retire shows its checks with their verdicts, the Route 53 DELETE, the plans and the exact lines; nothing changes', async () => {
    const before = await everything(ws);
    const result = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      ready: boolean;
      checks: { gate: string; outcome: string }[];
      recordChange: { HostedZoneId: string; ChangeBatch: { Changes: { Action: string; ResourceRecordSet: { SetIdentifier: string; Weight: number } }[] } };
      plans: { stack: string; workspace: string; summary: { remove: number }; resources: string[] }[];
      commands: string[];
    };
    expect(doc).toMatchObject({ result: 'dry-run', cluster: 'cluster-b', ready: true });
    // requireFlowData is false here and the stub has no load balancer: the flow check is skipped, saying why.
    expect(doc.checks.map((c) => `${c.outcome} ${c.gate}`)).toEqual(['pass drain', 'pass leftovers', 'skipped flows']);
    expect(doc.recordChange.ChangeBatch.Changes.map((c) => `${c.Action} ${c.ResourceRecordSet.SetIdentifier} ${c.ResourceRecordSet.Weight}`)).toEqual(['DELETE cluster-b 0']);
    expect(doc.recordChange.HostedZoneId).toMatch(/\S/);
    expect(doc.plans.map((p) => `${p.stack}/${p.workspace}`)).toEqual(['traffic/default', 'cluster/cluster-b']);
    expect(doc.plans[0]).toMatchObject({ summary: { add: 0, change: 0, remove: 1 } });
    expect(doc.plans[0]!.resources).toEqual([expect.stringMatching(/aws_route53_record\..*\["cluster-b"\]$/)]);
    const terraform = doc.commands.filter((c) => c.startsWith('TF_WORKSPACE='));
    expect(terraform.map((c) => c.replace(/^TF_WORKSPACE=(\S+) terraform -chdir=(\S+) /, (_m, w: string, d: string) => `${w}@${path.basename(d)}: `))).toEqual([
      'default@traffic: plan -json -input=false -no-color -detailed-exitcode -lock-timeout=120s -out=.terraform/curvectl/default-traffic.tfplan',
      'default@traffic: apply -json -input=false -lock-timeout=120s .terraform/curvectl/default-traffic.tfplan',
      'cluster-b@cluster: destroy -json -auto-approve -input=false -lock-timeout=120s -var-file=.terraform/curvectl/cluster-cluster-b.tfvars.json',
      'default@cluster: workspace delete cluster-b',
    ]);
    expect(doc.commands).toContain(`# curvectl writes ${path.join(ws.stacks.traffic, 'cluster_weighting.auto.tfvars.json')}: {"cluster_weighting":{"cluster-a":100}}`);
    expect(missingFiles(doc.commands)).toEqual([]);
    expect(await everything(ws)).toEqual(before);

    const text = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/pass\s+drain \(cluster-b\)/);
    expect(text.stderr).toMatch(/traffic stack, workspace default: 0 to add, 0 to change, 1 to destroy/);
    expect(text.stderr).toMatch(/"Action": "DELETE"/);
    expect(text.stderr).toMatch(/Dry run of retire cluster-b: it would go ahead; nothing was changed\./);
    expect(await everything(ws)).toEqual(before);
  });

  it('a dry-run retire of a cluster with weight is refused as without --dry-run (exit 2), changing nothing', async () => {
    const before = await everything(ws);
    const refusedRun = await ws.run(['retire', 'cluster-a', '--dry-run']);
    expect(refusedRun.code).toBe(2);
    expect(refusedRun.stderr).toMatch(/cluster-a still has weight 100/);
    expect(await everything(ws)).toEqual(before);
  });

  it('a dry-run cycle prints the new cluster\'s plan, the steps, the old cluster\'s destroy plan and the exact lines; nothing changes', async () => {
    const before = await everything(ws);
    const result = await ws.run(['cycle', '--from', 'cluster-a', '--to', 'cluster-c', '--step', '50', '--dry-run', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { plan: Record<string, number>[]; plans: { stack: string; workspace: string }[]; commands: string[] };
    expect(doc.plan).toEqual([
      { 'cluster-a': 50, 'cluster-b': 0, 'cluster-c': 50 },
      { 'cluster-a': 0, 'cluster-b': 0, 'cluster-c': 100 },
    ]);
    expect(doc.plans.map((p) => `${p.stack}/${p.workspace}`)).toEqual(['cluster/cluster-c', 'cluster/cluster-a']);
    const terraform = doc.commands.filter((c) => c.startsWith('TF_WORKSPACE=')).map((c) => c.replace(/^TF_WORKSPACE=(\S+) terraform -chdir=(\S+) (\S+ ?\S*).*$/, (_m, w: string, d: string, a: string) => `${w}@${path.basename(d)}: ${a}`));
    expect(terraform).toEqual([
      'cluster-c@cluster: workspace new',
      'cluster-c@cluster: plan -json',
      'cluster-c@cluster: apply -json',
      'default@traffic: plan -json',
      'default@traffic: apply -json',
      'default@traffic: plan -json',
      'default@traffic: apply -json',
      'default@traffic: plan -json',
      'default@traffic: apply -json',
      'cluster-a@cluster: destroy -json',
      'default@cluster: workspace delete',
    ]);
    expect(missingFiles(doc.commands)).toEqual([]);
    expect(await everything(ws)).toEqual(before);
  });
});
