/**
 * Drives the real binary (bin/curvectl.js, built by `npm test` before vitest runs) in a workspace
 * made by `curvectl init`, against an emulator, the way an operator's shell would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ChangeResourceRecordSetsCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { Emulator } from './emulator.js';
import { clusterStubDir, repoRoot, terraformTestEnv, tf, type TfResult } from './terraform-env.js';

export const binPath = path.join(repoRoot, 'bin', 'curvectl.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Workspace {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly stacks: { cluster: string; platform: string; traffic: string };
  readonly zone: string;
  readonly record: string;
  /** Runs curvectl to completion (never rejects on a non-zero exit). */
  run(args: readonly string[], options?: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** Starts curvectl and returns the child, for tests that interrupt or kill it. */
  spawn(args: readonly string[], options?: { env?: Record<string, string | undefined>; detached?: boolean }): ChildProcess & { output: () => CliResult };
  /** Edits curvectl.yaml: each entry is a path (["shift", "bake"]) and a value. */
  configure(entries: readonly [readonly (string | number)[], unknown][]): Promise<void>;
  /** Live weights of the weighted records, straight from Route 53 (SDK, not curvectl). */
  liveWeights(): Promise<Record<string, number>>;
  /** Sets a record's weight behind curvectl's back (UPSERT). */
  setLiveWeight(cluster: string, weight: number): Promise<void>;
  /** The var file curvectl owns, as written on disk. */
  desiredWeights(): Promise<Record<string, number>>;
  /** The journal, as written on disk. */
  journal(): Promise<{ at: string; op: string; type: string; data?: Record<string, unknown> }[]>;
  /** `terraform plan -detailed-exitcode` in the traffic stack: 0 clean, 2 changes. */
  planTraffic(): Promise<TfResult>;
  cleanup(): Promise<void>;
}

export interface WorkspaceOptions {
  readonly emulator: Emulator;
  /** Use the cluster stub (no AWS resources, instant) instead of the real cluster stack. Default true. */
  readonly clusterStub?: boolean;
  readonly zone?: string;
  readonly record?: string;
  readonly ttl?: number;
  /** Gates in curvectl.yaml; default none (the stub creates no EKS cluster to check). */
  readonly gates?: unknown[];
  /** Extra curvectl.yaml edits. */
  readonly config?: readonly [readonly (string | number)[], unknown][];
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    // What a developer's shell may carry that would change what the binary does.
    if (k === 'AWS_PROFILE' || k.startsWith('TF_VAR_') || k === 'TF_WORKSPACE' || k === 'CURVECTL_CONFIG' || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runCli(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const child = spawn(process.execPath, [binPath, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), stdout, stderr });
    });
  });
}

export async function createWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curvectl-it-'));
  const zone = options.zone ?? 'example.test';
  const record = options.record ?? `api.${zone}`;
  const tfEnv = await terraformTestEnv(path.join(dir, '.tf'));
  const env = cleanEnv({ ...options.emulator.env, ...tfEnv });
  const init = await runCli(['init', dir, '--zone', zone, '--record', record, '--ttl', String(options.ttl ?? 5)], { cwd: dir, env });
  if (init.code !== 0) throw new Error(`curvectl init failed (${init.code}): ${init.stderr}`);
  const stacks = {
    cluster: path.join(dir, 'terraform', 'stacks', 'cluster'),
    platform: path.join(dir, 'terraform', 'stacks', 'platform'),
    traffic: path.join(dir, 'terraform', 'stacks', 'traffic'),
  };
  if (options.clusterStub ?? true) {
    await rm(stacks.cluster, { recursive: true, force: true });
    await cp(clusterStubDir, stacks.cluster, { recursive: true });
  }
  const configPath = path.join(dir, 'curvectl.yaml');
  const configure = async (entries: readonly [readonly (string | number)[], unknown][]) => {
    const doc = parseDocument(await readFile(configPath, 'utf8'));
    for (const [key, value] of entries) doc.setIn(key, value);
    await writeFile(configPath, doc.toString());
  };
  // The platform stack needs Helm and a real Kubernetes API; gates default to none for the stub.
  await configure([
    [['platform', 'enabled'], false],
    [['gates'], options.gates ?? []],
    [['shift', 'gateInterval'], '1s'],
    ...(options.config ?? []),
  ]);

  const route53 = new Route53Client({ endpoint: options.emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const zoneId = async () => {
    const out = await route53.send(new ListHostedZonesByNameCommand({ DNSName: zone }));
    const found = out.HostedZones?.find((z) => z.Name === `${zone}.`);
    if (!found?.Id) throw new Error(`no hosted zone ${zone} in the emulator`);
    return found.Id;
  };
  const records = async () => {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: await zoneId() }));
    return (out.ResourceRecordSets ?? []).filter((r) => r.Name === `${record}.` && r.Type === 'CNAME' && r.SetIdentifier);
  };

  const spawned: ChildProcess[] = [];
  return {
    dir,
    env,
    stacks,
    zone,
    record,
    run: (args, o = {}) => runCli(args, { cwd: dir, env: { ...env, ...(o.env ?? {}) }, ...(o.input === undefined ? {} : { input: o.input }), ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }) }),
    spawn: (args, o = {}) => {
      const merged = Object.fromEntries(Object.entries({ ...env, ...(o.env ?? {}) }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const child = spawn(process.execPath, [binPath, ...args], { cwd: dir, env: merged, stdio: ['pipe', 'pipe', 'pipe'], detached: o.detached ?? false });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdin?.end();
      spawned.push(child);
      return Object.assign(child, { output: () => ({ code: child.exitCode ?? -1, stdout, stderr }) });
    },
    configure,
    liveWeights: async () => Object.fromEntries((await records()).map((r) => [r.SetIdentifier!, r.Weight ?? 0])),
    setLiveWeight: async (cluster, weight) => {
      const current = (await records()).find((r) => r.SetIdentifier === cluster);
      if (!current) throw new Error(`no record for ${cluster}`);
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: await zoneId(),
          ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...current, Weight: weight } }] },
        }),
      );
    },
    desiredWeights: async () => {
      const text = await readFile(path.join(stacks.traffic, 'cluster_weighting.auto.tfvars.json'), 'utf8');
      return (JSON.parse(text) as { cluster_weighting: Record<string, number> }).cluster_weighting;
    },
    journal: async () => {
      try {
        const text = await readFile(path.join(dir, '.curvectl', 'journal.jsonl'), 'utf8');
        return text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .flatMap((l) => {
            try {
              return [JSON.parse(l)];
            } catch {
              return [];
            }
          });
      } catch {
        return [];
      }
    },
    planTraffic: () => tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock-timeout=60s'], { cwd: stacks.traffic, env }),
    cleanup: async () => {
      for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
      route53.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value (or throws after timeoutMs). */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 300_000, intervalMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves when the child exits, with its exit code. */
export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128)));
  });
}

/** Creates clusters in order with `cluster create --yes` (the first gets 100, the rest 0). */
export async function createClusters(ws: Workspace, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const created = await ws.run(['cluster', 'create', name, '--yes']);
    if (created.code !== 0) throw new Error(`curvectl cluster create ${name} failed (${created.code}):\n${created.stderr}`);
  }
}

/**
 * Puts the workspace at `weights` without a shift: the var file (as curvectl writes it) and the
 * live records (UPSERT each), so desired and live agree. Terraform's state catches up on its next
 * refresh, so a plan afterwards is clean.
 */
export async function setStartingWeights(ws: Workspace, weights: Record<string, number>): Promise<void> {
  const sorted = Object.fromEntries(Object.keys(weights).sort().map((k) => [k, weights[k]]));
  await writeFile(path.join(ws.stacks.traffic, 'cluster_weighting.auto.tfvars.json'), `${JSON.stringify({ cluster_weighting: sorted }, null, 2)}\n`);
  for (const [cluster, weight] of Object.entries(weights)) await ws.setLiveWeight(cluster, weight);
}
