/**
 * Chaos 4: bad invocations. Wrong arguments, configuration, names and states: each must exit
 * non-zero with one clear sentence (the first stderr line is `curvectl: ... .`), print nothing on
 * stdout, and change nothing: the emulator's whole state (GET /moto-api/data.json), the var files,
 * the journals, the locks, the Terraform state of the traffic stacks and curvectl.yaml are compared
 * before and after every invocation.
 *
 * Two environments in one emulator: `ws` (cluster-a 100, cluster-b 0) and `solo` (solo-a 100 only).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, runCli, type CliResult, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import { exists } from '../_helpers/terraform-env.js';
import { clientConfig } from '../integration/stacks/aws.js';
import { MODE, recordScenario, sleep, tally } from './_support.js';

let emulator: Emulator;
let ws: Workspace;
let solo: Workspace;
/** Configuration files that are wrong on purpose, and directories init must not create. */
let scratch: string;
const started = Date.now();

interface Case {
  readonly name: string;
  readonly args: readonly string[] | (() => readonly string[]);
  /** Default ws. */
  readonly in?: 'ws' | 'solo' | 'scratch';
  /** Default 2 (bad input or configuration, nothing changed). */
  readonly code?: number;
  /** The first stderr line must match this. */
  readonly message: RegExp;
  /** Runs before the "before" snapshot; undo runs after the "after" snapshot. */
  readonly setup?: () => Promise<void>;
  readonly undo?: () => Promise<void>;
  /** A path that must still not exist afterwards (init into a bad place). */
  readonly mustNotExist?: () => string;
}

interface CaseResult {
  readonly name: string;
  readonly code: number;
  readonly firstLine: string;
  readonly problems: string[];
}
const results: CaseResult[] = [];

const lockFile = () => path.join(ws.dir, '.curvectl', 'locks', 'traffic.lock');

const CASES: Case[] = [
  // Arguments.
  { name: 'an unknown command', args: ['frobnicate'], message: /^curvectl: Unknown command 'frobnicate'\.$/ },
  { name: 'an unknown option', args: ['status', '--frobnicate'], message: /^curvectl: Unknown option '--frobnicate'\.$/ },
  { name: 'a bad -o', args: ['status', '-o', 'yaml'], message: /argument 'yaml' is invalid\. Allowed choices are text, json, jsonl\.$/ },
  { name: '--step 0', args: ['shift', '--to', 'cluster-b', '--step', '0', '--yes'], message: /"0" is not a valid --step/ },
  { name: '--step 101', args: ['shift', '--to', 'cluster-b', '--step', '101', '--yes'], message: /"101" is not a valid --step/ },
  { name: '--step abc', args: ['shift', '--to', 'cluster-b', '--step', 'abc', '--yes'], message: /"abc" is not a valid --step/ },
  { name: '--step -5', args: ['shift', '--to', 'cluster-b', '--step', '-5', '--yes'], message: /"-5" is not a valid --step/ },
  { name: '--until 200', args: ['shift', '--to', 'cluster-b', '--until', '200', '--yes'], message: /"200" is not a valid --until/ },
  { name: '--bake 5 (no unit)', args: ['shift', '--to', 'cluster-b', '--bake', '5', '--yes'], message: /"5" is not a valid --bake/ },
  { name: '--bake 1d (unknown unit)', args: ['shift', '--to', 'cluster-b', '--bake', '1d', '--yes'], message: /"1d" is not a valid --bake/ },
  { name: 'a bake below the TTL without --allow-short-bake', args: ['shift', '--to', 'cluster-b', '--bake', '1s', '--yes'], message: /shorter than the record's TTL/ },
  { name: 'shift with no --to', args: ['shift', '--step', '10', '--yes'], message: /pass --to <name>/ },
  { name: '--to an unknown cluster', args: ['shift', '--to', 'cluster-z', '--yes'], message: /"cluster-z" has no weighted record/ },
  { name: '--to an invalid name', args: ['shift', '--to', 'Cluster_Z', '--yes'], message: /"Cluster_Z" is not a valid --to cluster name/ },
  { name: '--from equal to --to', args: ['shift', '--to', 'cluster-b', '--from', 'cluster-b', '--yes'], message: /--from and --to both name "cluster-b"/ },
  { name: 'shift with no terminal and no --yes', args: ['shift', '--to', 'cluster-b', '--step', '10'], message: /there is no terminal to ask and --yes was not given/ },
  { name: 'history --limit abc', args: ['history', '--limit', 'abc'], message: /"abc" is not a valid --limit/ },
  { name: 'cluster list with an extra argument', args: ['cluster', 'list', 'extra'], message: /Too many arguments for 'list'/ },
  // Names.
  { name: 'create with an invalid name', args: ['cluster', 'create', 'Bad_Name', '--yes'], message: /"Bad_Name" is not a valid cluster name/ },
  { name: 'create an existing cluster with another version', args: ['cluster', 'create', 'cluster-b', '--kubernetes-version', '1.34', '--yes'], message: /cluster-b already exists with Kubernetes 1\.35, not 1\.34/ },
  { name: 'create with a malformed --kubernetes-version', args: ['cluster', 'create', 'cluster-c', '--kubernetes-version', '1.3x', '--yes'], message: /"1\.3x" is not a valid --kubernetes-version/ },
  { name: 'retire an unknown cluster', args: ['retire', 'cluster-z', '--yes'], message: /There is no cluster named cluster-z; nothing was changed\.$/ },
  { name: 'retire with an invalid name', args: ['retire', 'Bad_Name', '--yes'], message: /"Bad_Name" is not a valid cluster name/ },
  { name: 'retire with a malformed --drain', args: ['retire', 'cluster-b', '--drain', 'soon', '--yes'], message: /"soon" is not a valid --drain/ },
  { name: 'cycle onto itself', args: ['cycle', '--from', 'cluster-a', '--to', 'cluster-a', '--yes'], message: /--from and --to are both cluster-a/ },
  { name: 'cycle from an unknown cluster', args: ['cycle', '--from', 'cluster-z', '--to', 'cluster-c', '--yes'], message: /There is no cluster named cluster-z to replace/ },
  // States.
  { name: 'shift to the only cluster', in: 'solo', args: ['shift', '--to', 'solo-a', '--step', '10', '--yes'], message: /"solo-a" is the only cluster with a weighted record/ },
  { name: 'retire the last cluster', in: 'solo', args: ['retire', 'solo-a', '--drain', '0s', '--yes'], message: /solo-a is the last cluster/ },
  { name: 'retire a cluster with weight', args: ['retire', 'cluster-a', '--drain', '0s', '--yes'], message: /cluster-a still has weight 100/ },
  { name: 'retire with no --yes and no terminal', args: ['retire', 'cluster-b'], message: /needs a confirmation and there is no terminal to ask; nothing was changed\.$/ },
  { name: 'shift resume with nothing to resume', args: ['shift', 'resume', '--yes'], message: /There is no unfinished shift to resume\.$/ },
  { name: 'shift abort with nothing to abort', args: ['shift', 'abort', '--yes'], message: /There is no unfinished shift to abort\.$/ },
  {
    name: 'a shift while the live weights drifted from the var file',
    args: ['shift', '--to', 'cluster-b', '--step', '10', '--yes'],
    message: /The desired weights \(var file\) and the live weights \(Route 53\) differ/,
    setup: () => ws.setLiveWeight('cluster-b', 7),
    undo: () => ws.setLiveWeight('cluster-b', 0),
  },
  {
    name: 'a shift while another operation holds the lock',
    args: ['shift', '--to', 'cluster-b', '--step', '10', '--yes'],
    code: 4,
    message: /traffic/,
    // A live holder on this host: this test process.
    setup: async () => {
      await mkdir(path.dirname(lockFile()), { recursive: true });
      const holder = { scope: 'traffic', owner: 'chaos-test', host: os.hostname(), pid: process.pid, operation: 'shift --to cluster-b', startedAt: new Date().toISOString(), token: 'chaos' };
      await writeFile(lockFile(), `${JSON.stringify(holder)}\n`);
    },
    undo: () => rm(lockFile(), { force: true }),
  },
  // Configuration.
  { name: 'a missing configuration file', in: 'scratch', args: () => ['status', '-c', path.join(scratch, 'nope.yaml')], message: /^curvectl: No configuration at .*nope\.yaml\.$/ },
  { name: 'no configuration in the current directory', in: 'scratch', args: ['status'], message: /^curvectl: No configuration at .*curvectl\.yaml\.$/ },
  { name: 'malformed YAML', args: () => ['status', '-c', path.join(scratch, 'malformed.yaml')], message: /invalid YAML/ },
  { name: 'an unknown key in curvectl.yaml', args: () => ['status', '-c', path.join(scratch, 'unknown-key.yaml')], message: /unknown key 'recrod'/ },
  { name: 'an unknown gate type', args: () => ['shift', '--to', 'cluster-b', '--yes', '-c', path.join(scratch, 'bad-gate.yaml')], message: /gates/ },
  // init.
  {
    name: 'init with a bad zone',
    in: 'scratch',
    args: () => ['init', path.join(scratch, 'new-1'), '--zone', 'bad zone!', '--record', 'api.example.test'],
    message: /"bad zone!" is not a valid zone name/,
    mustNotExist: () => path.join(scratch, 'new-1'),
  },
  {
    name: 'init with the record outside the zone',
    in: 'scratch',
    args: () => ['init', path.join(scratch, 'new-2'), '--zone', 'example.test', '--record', 'api.other.test'],
    message: /The record api\.other\.test is not inside the zone example\.test/,
    mustNotExist: () => path.join(scratch, 'new-2'),
  },
  {
    name: 'init with a TTL that is not a number',
    in: 'scratch',
    args: () => ['init', path.join(scratch, 'new-3'), '--zone', 'example.test', '--record', 'api.example.test', '--ttl', 'abc'],
    message: /"abc" is not a valid TTL/,
    mustNotExist: () => path.join(scratch, 'new-3'),
  },
  { name: 'init into an existing directory', args: () => ['init', ws.dir, '--zone', 'example.test', '--record', 'api.example.test'], message: /curvectl\.yaml already exists; init changed nothing\.$/ },
];

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

async function readOr(file: string, fallback = '<missing>'): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return fallback;
  }
}

async function listOr(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** The emulator's whole state. No field of it changes between reads (checked in beforeAll). */
async function emulatorState(): Promise<string> {
  const res = await fetch(`${emulator.endpoint}/moto-api/data.json`);
  if (!res.ok) throw new Error(`data.json: HTTP ${res.status}`);
  return res.text();
}

async function workspaceState(w: Workspace): Promise<Record<string, string>> {
  return {
    varFile: await readOr(path.join(w.stacks.traffic, 'cluster_weighting.auto.tfvars.json')),
    journal: sha(await readOr(path.join(w.dir, '.curvectl', 'journal.jsonl'), '')),
    locks: (await listOr(path.join(w.dir, '.curvectl', 'locks'))).join(','),
    trafficState: sha(await readOr(path.join(w.stacks.traffic, 'terraform.tfstate'))),
    config: sha(await readOr(path.join(w.dir, 'curvectl.yaml'))),
    files: (await listOr(w.dir)).join(','),
  };
}

async function snapshot() {
  const data = await emulatorState();
  return {
    raw: data,
    view: { emulator: { size: data.length, sha: sha(data) }, ws: await workspaceState(ws), solo: await workspaceState(solo), scratch: (await listOr(scratch)).join(',') },
  };
}

/** Which services' state differs between two data.json documents. */
function changedServices(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

beforeAll(async () => {
  // The cluster stub touches no IAM, and the whole state is dumped around every invocation: without
  // AWS's managed policies a dump is ~50 kB instead of 4 MB (see StartEmulatorOptions.managedPolicies).
  emulator = await startEmulator({ managedPolicies: false });
  await Promise.all([emulator.createHostedZone('example.test'), emulator.createHostedZone('solo.test')]);
  // retire.requireFlowData false: the cluster stub makes no load balancer, and a retire without
  // --yes and no terminal must be refused for that, not for its unproven flows (tested elsewhere).
  const flowless: [string[], unknown][] = [[['retire', 'requireFlowData'], false]];
  [ws, solo] = await Promise.all([createWorkspace({ emulator, config: flowless }), createWorkspace({ emulator, zone: 'solo.test', config: flowless })]);
  await Promise.all([createClusters(ws, ['cluster-a', 'cluster-b']), createClusters(solo, ['solo-a'])]);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'curvectl-chaos-bad-'));
  const config = await readFile(path.join(ws.dir, 'curvectl.yaml'), 'utf8');
  await writeFile(path.join(scratch, 'malformed.yaml'), 'dns: [unclosed\n  zone: x\n');
  await writeFile(path.join(scratch, 'unknown-key.yaml'), `${config}\nrecrod: api.example.test\n`);
  await writeFile(path.join(scratch, 'bad-gate.yaml'), config.replace(/^gates:.*$/m, 'gates:\n  - type: telepathy'));
  // data.json has no volatile field: two reads with a read-only command between are identical. The
  // first status warms moto up: its first call to a service (status reads CloudWatch and ELBv2 for
  // the observed share) makes that service's empty state appear in data.json.
  await ws.run(['status']);
  // retire's leftover check (before its confirmation) reads EC2, which status never calls: one EC2
  // read warms that service up the same way, so a refused retire is judged on what it changed.
  const ec2 = new EC2Client(clientConfig(emulator.env));
  await ec2.send(new DescribeVolumesCommand({})).finally(() => ec2.destroy());
  const first = await emulatorState();
  await ws.run(['status']);
  expect(await emulatorState(), 'data.json changes by itself').toBe(first);
});

afterAll(async () => {
  await ws?.cleanup();
  await solo?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  await emulator?.stop();
  const problems = results.reduce((n, r) => n + r.problems.length, 0);
  await recordScenario('bad-invocations', {
    title: 'bad arguments, configuration, names and states: exit non-zero, one sentence, nothing changed',
    mode: MODE,
    trials: results.length,
    outcomes: tally(results.map((r) => (r.problems.length === 0 ? `exit ${r.code}, refused cleanly` : `exit ${r.code}, PROBLEM`))),
    faultsInjected: { 'bad invocation': results.length },
    inconsistencies: problems,
    wallTimeMs: Date.now() - started,
    details: results,
  });
});

let lastAfter: Awaited<ReturnType<typeof snapshot>> | undefined;

async function invoke(c: Case, args: readonly string[]): Promise<CliResult> {
  switch (c.in) {
    case 'solo':
      return solo.run(args);
    case 'scratch':
      return runCli(args, { cwd: scratch, env: ws.env });
    default:
      return ws.run(args);
  }
}

describe(`${CASES.length} bad invocations: non-zero exit, one sentence, nothing changed`, () => {
  it('has at least 25 of them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    if (c.name === 'retire with no --yes and no terminal') {
      // cluster-b must have been at 0 for the default drain time (twice the 5 s TTL) to get as far as the confirmation.
      const registered = (await ws.journal()).find((e) => e.type === 'cluster.registered' && JSON.stringify(e).includes('cluster-b'));
      const wait = registered ? Date.parse(registered.at) + 11_000 - Date.now() : 0;
      if (wait > 0) await sleep(wait);
    }
    await c.setup?.();
    // The state after the previous case is this one's "before" unless something ran in between
    // (a data.json dump costs moto about a second of CPU: half as many keeps the suite quick).
    const before = !c.setup && lastAfter ? lastAfter : await snapshot();
    lastAfter = undefined;
    const args = typeof c.args === 'function' ? c.args() : c.args;
    const result = await invoke(c, args);
    const after = await snapshot();
    await c.undo?.();
    if (!c.undo) lastAfter = after;

    const firstLine = result.stderr.split('\n')[0] ?? '';
    const problems: string[] = [];
    const want = c.code ?? 2;
    if (result.code !== want) problems.push(`exit ${result.code}, expected ${want}`);
    if (!/^curvectl: \S.*\.$/.test(firstLine)) problems.push(`the first stderr line is not one sentence "curvectl: ... .": ${JSON.stringify(firstLine)}`);
    if (!c.message.test(firstLine)) problems.push(`the first stderr line does not match ${c.message}: ${JSON.stringify(firstLine)}`);
    if (result.stdout !== '') problems.push(`stdout is not empty: ${JSON.stringify(result.stdout.slice(0, 200))}`);
    if (JSON.stringify(after.view) !== JSON.stringify(before.view)) {
      const detail = after.raw !== before.raw ? ` (emulator services changed: ${changedServices(before.raw, after.raw).join(', ')})` : '';
      problems.push(`something changed${detail}: before ${JSON.stringify(before.view)}, after ${JSON.stringify(after.view)}`);
    }
    if (c.mustNotExist && (await exists(c.mustNotExist()))) problems.push(`${c.mustNotExist()} was created`);
    results.push({ name: c.name, code: result.code, firstLine, problems });
    expect(problems, `${args.join(' ')}\n${result.stderr}`).toEqual([]);
  });
});
