/**
 * `npm run bench`: the figures behind the README's Performance section, measured side by side in one
 * run against real Terraform and the emulator. Every figure is a median over several runs with min
 * and max. Prints a table and writes bench-results/bench.json.
 *
 *   npm run bench                 everything (about 15 minutes)
 *   npm run bench -- --quick      fewer repetitions (about 6 minutes)
 *   npm run bench -- startup      only some sections: startup, status, step, critical, shift, rollback, scaling
 *
 * `critical` and `shift` are issue 10's: a step's critical path against the same change made
 * directly with the SDK (test/bench/sdk-step.mjs), and a whole 4-step shift with 30 s bakes against
 * the sum of its bakes (Terraform's catch-up runs during the bake, off both).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createWorkspace, exited, waitFor, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import { repoRoot, tf } from '../_helpers/terraform-env.js';

interface Figure {
  readonly name: string;
  readonly unit: 'ms' | 'ratio' | 'count';
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  readonly note?: string;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sections = args.filter((a) => !a.startsWith('-'));
const wants = (s: string) => sections.length === 0 || sections.includes(s);
const figures: Figure[] = [];

function stats(name: string, samples: number[], note?: string, unit: Figure['unit'] = 'ms'): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const figure = { name, unit, median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: samples.length, ...(note ? { note } : {}) };
  figures.push(figure);
  process.stderr.write(`  ${name}: median ${fmt(figure.median, unit)} (min ${fmt(figure.min, unit)}, max ${fmt(figure.max, unit)}, ${samples.length} runs)\n`);
  return figure;
}

function fmt(value: number, unit: Figure['unit']): string {
  if (unit === 'ratio') return `${value.toFixed(2)}x`;
  if (unit === 'count') return String(value);
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const bin = path.join(repoRoot, 'bin', 'curvectl.js');

/** A workspace with a hosted zone of its own, so sections sharing one emulator never see each other's records. */
async function workspace(emulator: Emulator, section: string): Promise<Workspace> {
  const zone = `${section}.bench.test`;
  await emulator.createHostedZone(zone);
  return createWorkspace({ emulator, zone });
}

async function ok(ws: Workspace, argv: string[]): Promise<void> {
  const result = await ws.run(argv);
  if (result.code !== 0) throw new Error(`curvectl ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
}

/** A terraform that logs how long each real terraform call took, so curvectl's own share can be told apart. */
async function timedTerraform(dir: string): Promise<{ binary: string; log: string }> {
  const binary = path.join(dir, 'terraform-timed');
  const log = path.join(dir, 'terraform-times.log');
  await writeFile(
    binary,
    ['#!/bin/sh', 'start=$(date +%s%N)', 'terraform "$@"', 'rc=$?', 'end=$(date +%s%N)', `echo "$start $end $1" >> "${log}"`, 'exit $rc', ''].join('\n'),
  );
  await chmod(binary, 0o755);
  await writeFile(log, '');
  return { binary, log };
}

async function terraformMsBetween(log: string, from: number, to: number): Promise<number> {
  const lines = (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean);
  let total = 0;
  for (const line of lines) {
    const [s, e] = line.split(' ').map(Number) as [number, number];
    const start = s / 1e6;
    const end = e / 1e6;
    if (end <= from || start >= to) continue;
    total += Math.min(end, to) - Math.max(start, from);
  }
  return total;
}

async function rawApply(ws: Workspace, weights: Record<string, number>): Promise<number> {
  await writeFile(path.join(ws.stacks.traffic, 'cluster_weighting.auto.tfvars.json'), `${JSON.stringify({ cluster_weighting: weights }, null, 2)}\n`);
  let result: Awaited<ReturnType<typeof tf>> | undefined;
  const ms = await timeAsync(async () => {
    result = await tf(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: ws.stacks.traffic, env: ws.env });
  });
  if (result?.exitCode !== 0) throw new Error(`raw terraform apply failed: ${result?.stderr}`);
  return ms;
}

async function benchStartup(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== start-up\n');
  const runs = quick ? 11 : 21;
  const ws = await workspace(emulator, 'startup');
  try {
    await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
    await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
    const samples: Record<string, number[]> = { node: [], help: [], version: [], status: [] };
    const env = { ...ws.env };
    for (let i = 0; i < runs; i += 1) {
      // Interleaved, so load on the machine affects every command alike.
      samples.node!.push(time(() => spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' })));
      samples.help!.push(time(() => spawnSync(process.execPath, [bin, '--help'], { stdio: 'ignore' })));
      samples.version!.push(time(() => spawnSync(process.execPath, [bin, '--version'], { stdio: 'ignore' })));
      samples.status!.push(time(() => spawnSync(process.execPath, [bin, 'status'], { stdio: 'ignore', cwd: ws.dir, env })));
    }
    stats("node -e ''", samples.node!);
    stats('curvectl --help', samples.help!);
    stats('curvectl --version', samples.version!);
    stats('curvectl status (2 clusters)', samples.status!);
    const ratio = (xs: number[]) => xs.map((x, i) => x / samples.node![i]!);
    stats('--help / node', ratio(samples.help!), 'target <= 1.30', 'ratio');
    stats('--version / node', ratio(samples.version!), 'target <= 1.30', 'ratio');
  } finally {
    await ws.cleanup();
  }
}

/** The AWS CLI v2 (Debian's awscli, Python): it ignores AWS_ENDPOINT_URL, so the endpoint is passed. */
const AWS_CLI = '/usr/bin/aws';

/**
 * `status` side by side with `node -e ''` and with the AWS CLI v2 listing the same record sets
 * (one list-resource-record-sets call with the zone id known), interleaved; then where status
 * spends its time, from a preload that timestamps every request and subprocess.
 */
async function benchStatus(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== status against node and the AWS CLI v2\n');
  const runs = quick ? 11 : 21;
  const ws = await workspace(emulator, 'status');
  try {
    await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
    await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
    const env = { ...ws.env };
    const zone = spawnSync(AWS_CLI, ['route53', 'list-hosted-zones-by-name', '--dns-name', ws.zone, '--endpoint-url', emulator.endpoint, '--query', 'HostedZones[0].Id', '--output', 'text'], { env, encoding: 'utf8' });
    if (zone.status !== 0) throw new Error(`${AWS_CLI} is needed for this section (apt-get install -y awscli): ${zone.stderr ?? zone.error}`);
    const zoneId = zone.stdout.trim();
    const awsArgs = ['route53', 'list-resource-record-sets', '--hosted-zone-id', zoneId, '--endpoint-url', emulator.endpoint];
    const listed = spawnSync(AWS_CLI, awsArgs, { env, encoding: 'utf8' });
    if (listed.status !== 0 || !listed.stdout.includes('cluster-a')) throw new Error(`aws route53 list-resource-record-sets: ${listed.stderr}`);
    const profile = path.join(repoRoot, 'test', 'bench', 'status-profile.mjs');
    // Warm-up: moto loads each service on first use, the compile cache fills.
    for (let i = 0; i < 2; i += 1) {
      spawnSync(process.execPath, [bin, 'status'], { stdio: 'ignore', cwd: ws.dir, env });
      spawnSync(AWS_CLI, awsArgs, { stdio: 'ignore', env });
    }
    const samples = { node: [] as number[], status: [] as number[], aws: [] as number[] };
    for (let i = 0; i < runs; i += 1) {
      samples.node.push(time(() => spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' })));
      samples.status.push(time(() => spawnSync(process.execPath, [bin, 'status'], { stdio: 'ignore', cwd: ws.dir, env })));
      samples.aws.push(time(() => spawnSync(AWS_CLI, awsArgs, { stdio: 'ignore', env })));
    }
    stats("node -e '' (status section)", samples.node);
    stats('curvectl status (2 clusters)', samples.status);
    stats('aws route53 list-resource-record-sets (AWS CLI v2)', samples.aws);
    stats('status / AWS CLI', samples.status.map((x, i) => x / samples.aws[i]!), 'target <= 1.00', 'ratio');
    stats("status / node -e ''", samples.status.map((x, i) => x / samples.node[i]!), undefined, 'ratio');

    // Where the time goes.
    type Ev = { what: string; start: number; end?: number };
    const parts: Record<string, number[]> = {};
    const add = (k: string, v: number) => (parts[k] ??= []).push(v);
    for (let i = 0; i < runs; i += 1) {
      const r = spawnSync(process.execPath, ['--import', profile, bin, 'status'], { cwd: ws.dir, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
      const ev = JSON.parse(String(r.output[3]).trim().split('\n').pop()!) as { preload: number; exit: number; requests: Ev[]; spawns: Ev[] };
      const first = ev.requests[0]?.start ?? ev.exit;
      add('status: Node start-up until curvectl runs', ev.preload);
      add('status: loading modules and config until the first AWS request', first - ev.preload);
      for (const q of ev.requests) add(`status: AWS call ${q.what}`, (q.end ?? ev.exit) - q.start);
      const last = Math.max(...ev.requests.map((q) => q.end ?? ev.exit), first);
      add('status: AWS calls, first request to last response', last - first);
      add('status: after the last response until exit', ev.exit - last);
      add('status: Terraform processes started', ev.spawns.filter((s) => /terraform/.test(s.what)).length);
    }
    for (const [name, xs] of Object.entries(parts)) stats(name, xs, undefined, name.endsWith('started') ? 'count' : 'ms');
    // What status used to start on every run (issue 15): the same two Terraform processes, timed here.
    const before: number[] = [];
    for (let i = 0; i < Math.min(runs, 7); i += 1) {
      before.push(
        await timeAsync(async () => {
          await tf(['version', '-json'], { cwd: ws.stacks.cluster, env });
          await tf(['workspace', 'list'], { cwd: ws.stacks.cluster, env });
        }),
      );
    }
    stats('terraform version -json + workspace list (no longer on the status path)', before);
  } finally {
    await ws.cleanup();
  }
}

async function benchStep(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== one shift step: curvectl against raw terraform apply of the same weights\n');
  // One shift of many small steps, then the same maps through raw terraform apply. (Within one
  // emulator curvectl never sends a record back to a weight it CREATEd before: moto refuses that.)
  const step = quick ? 25 : 10;
  const ws = await workspace(emulator, 'step');
  const timed = await timedTerraform(ws.dir);
  try {
    await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
    await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
    await ws.configure([[['terraform', 'binary'], timed.binary]]);
    const stepMs: number[] = [];
    const overheadMs: number[] = [];
    const before = (await ws.journal()).length;
    await ok(ws, ['shift', '--to', 'cluster-b', '--step', String(step), '--bake', '0s', '--allow-short-bake', '--yes']);
    const events = (await ws.journal()).slice(before);
    const intents = events.filter((e) => e.type === 'shift.step.intent');
    const dones = events.filter((e) => e.type === 'shift.step.done');
    const maps: Record<string, number>[] = [];
    for (let i = 0; i < intents.length; i += 1) {
      const from = Date.parse(intents[i]!.at);
      const end = Date.parse(dones[i]!.at);
      stepMs.push(end - from);
      overheadMs.push(end - from - (await terraformMsBetween(timed.log, from, end)));
      maps.push(dones[i]!.data!.weights as Record<string, number>);
    }
    // The same maps, in reverse, through raw terraform apply (it changes each record separately).
    const rawMs: number[] = [];
    for (const w of [...maps].reverse().slice(1)) rawMs.push(await rawApply(ws, w));
    rawMs.push(await rawApply(ws, { 'cluster-a': 100, 'cluster-b': 0 }));
    const curvectl = stats('shift step via curvectl (var file, one Route 53 change, terraform catch-up, verify)', stepMs);
    const raw = stats('same weights via raw terraform apply', rawMs);
    stats("curvectl's own time per step (outside terraform)", overheadMs);
    figures.push({ name: 'step / raw terraform apply', unit: 'ratio', median: curvectl.median / raw.median, min: curvectl.min / raw.max, max: curvectl.max / raw.min, runs: stepMs.length, note: 'target <= 1.10' });
    process.stderr.write(`  step / raw terraform apply: ${(curvectl.median / raw.median).toFixed(2)}x\n`);
  } finally {
    await ws.cleanup();
  }
}

/** Runs test/bench/sdk-step.mjs: `rounds` changes of two weighted records, each timed to INSYNC. */
async function sdkSteps(emulator: Emulator, zone: string, record: string, rounds: number, readBack = false): Promise<number[]> {
  const zoneId = await emulator.createHostedZone(zone);
  const argv = [path.join(repoRoot, 'test', 'bench', 'sdk-step.mjs'), emulator.endpoint, zoneId, record, String(rounds), ...(readBack ? ['--read-back'] : [])];
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: repoRoot });
  if (r.status !== 0) throw new Error(`sdk-step.mjs exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { samples: number[] }).samples;
}

type PairSamples = Record<'alone' | 'list' | 'together' | 'sequence', number[]>;

/** Runs test/bench/route53-pair.mjs: a GetChange alone, a ListResourceRecordSets alone, both together, both in sequence. */
async function routePair(endpoint: string, zoneId: string, record: string, rounds: number): Promise<PairSamples> {
  const argv = [path.join(repoRoot, 'test', 'bench', 'route53-pair.mjs'), endpoint, zoneId, record, String(rounds)];
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`route53-pair.mjs exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PairSamples;
}

/** The pair against route53-standin.mjs, which answers concurrently: the measurement's negative control. */
async function routePairControl(rounds: number): Promise<PairSamples> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'test', 'bench', 'route53-standin.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`route53-standin.mjs exited ${code} before listening`)));
    });
    return await new Promise<PairSamples>((resolve, reject) => {
      // Not spawnSync: the stand-in lives in this process's children and must keep answering.
      const argv = [path.join(repoRoot, 'test', 'bench', 'route53-pair.mjs'), `http://127.0.0.1:${port}`, 'ZSTANDIN', 'api.standin.test', String(rounds)];
      const pair = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      pair.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      pair.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as PairSamples) : reject(new Error(`route53-pair.mjs exited ${code} against the stand-in`))));
    });
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * (a) A step's critical path, from the decision to move to Route 53 INSYNC and read back: the
 * journal's `shift.step.baked.route53Ms` (measured inside curvectl, like the SDK's own timing), against
 * one ChangeResourceRecordSets + GetChange made directly with the SDK, before and after the shift.
 */
async function benchCriticalPath(emulator: Emulator): Promise<void> {
  process.stderr.write("\n== a step's critical path: curvectl against the same Route 53 change made directly with the SDK\n");
  const step = quick ? 25 : 10;
  const rounds = Math.ceil(100 / step);
  const ws = await workspace(emulator, 'critical');
  try {
    await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
    await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
    const sdk = await sdkSteps(emulator, 'sdk-before.bench.test', 'api.sdk-before.bench.test', rounds);
    const floor = await sdkSteps(emulator, 'sdk-read-before.bench.test', 'api.sdk-read-before.bench.test', rounds, true);
    const before = (await ws.journal()).length;
    await ok(ws, ['shift', '--to', 'cluster-b', '--step', String(step), '--bake', '0s', '--allow-short-bake', '--yes']);
    const baked = (await ws.journal()).slice(before).filter((e) => e.type === 'shift.step.baked');
    const curvectl = baked.map((e) => Number(e.data?.route53Ms));
    const catchUp = baked.map((e) => Number(e.data?.catchUpMs));
    if (curvectl.length !== rounds || curvectl.some((ms) => !Number.isFinite(ms))) throw new Error(`expected ${rounds} steps with route53Ms: ${JSON.stringify(baked.map((e) => e.data))}`);
    sdk.push(...(await sdkSteps(emulator, 'sdk-after.bench.test', 'api.sdk-after.bench.test', rounds)));
    floor.push(...(await sdkSteps(emulator, 'sdk-read-after.bench.test', 'api.sdk-read-after.bench.test', rounds, true)));
    const c = stats("step critical path via curvectl (decision to Route 53 INSYNC and read back)", curvectl);
    const d = stats('the same change directly with the SDK (ChangeResourceRecordSets + GetChange)', sdk);
    // The floor: the calls a step cannot do without (the change, INSYNC, the read-back alongside), nothing local.
    const f = stats('the same change plus the read-back, directly with the SDK (ChangeResourceRecordSets, then GetChange alongside ListResourceRecordSets)', floor);
    stats("the step's Terraform catch-up (during the bake, off the critical path)", catchUp);
    figures.push({ name: 'step critical path / SDK with the read-back', unit: 'ratio', median: c.median / f.median, min: c.min / f.max, max: c.max / f.min, runs: curvectl.length });
    figures.push({ name: 'SDK with the read-back / SDK', unit: 'ratio', median: f.median / d.median, min: f.min / d.max, max: f.max / d.min, runs: floor.length });
    figures.push({ name: 'step critical path / SDK', unit: 'ratio', median: c.median / d.median, min: c.min / d.max, max: c.max / d.min, runs: curvectl.length, note: 'target <= 1.50' });
    process.stderr.write(`  step critical path / SDK: ${(c.median / d.median).toFixed(2)}x; / SDK with the read-back: ${(c.median / f.median).toFixed(2)}x; SDK with the read-back / SDK: ${(f.median / d.median).toFixed(2)}x\n`);
    // Why the read-back is not free here: what a second request in flight costs on this endpoint.
    const pairRounds = quick ? 30 : 150;
    const pair = await routePair(emulator.endpoint, await emulator.createHostedZone('pair.bench.test'), 'api.pair.bench.test', pairRounds);
    const alone = stats('one GetChange alone (route53-pair.mjs)', pair.alone);
    stats('one ListResourceRecordSets alone', pair.list);
    const together = stats('GetChange and ListResourceRecordSets started together, as a step does', pair.together);
    const sequence = stats('the same two one after the other', pair.sequence);
    figures.push({ name: 'the two together / GetChange alone', unit: 'ratio', median: together.median / alone.median, min: together.min / alone.max, max: together.max / alone.min, runs: pair.together.length });
    process.stderr.write(`  two requests together: ${(together.median / alone.median).toFixed(2)}x one alone, ${(together.median / sequence.median).toFixed(2)}x the two in sequence\n`);
    const control = await routePairControl(pairRounds);
    const controlAlone = stats('negative control, a stand-in answering concurrently after 5 ms (route53-standin.mjs): GetChange alone', control.alone);
    const controlTogether = stats('negative control: the two together', control.together);
    const controlSequence = stats('negative control: the two in sequence', control.sequence);
    figures.push({ name: 'negative control: the two together / GetChange alone', unit: 'ratio', median: controlTogether.median / controlAlone.median, min: controlTogether.min / controlAlone.max, max: controlTogether.max / controlAlone.min, runs: control.together.length });
    process.stderr.write(`  negative control: together ${(controlTogether.median / controlAlone.median).toFixed(2)}x one alone, ${(controlTogether.median / controlSequence.median).toFixed(2)}x the two in sequence\n`);
  } finally {
    await ws.cleanup();
  }
}

/** (b) A whole 4-step shift with 30 s bakes, from the command's start to its exit, against the sum of its bakes. */
async function benchShift(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== a whole 4-step shift with 30 s bakes against the sum of its bakes\n');
  const runs = quick ? 1 : 2;
  const bakeMs = 30_000;
  const wall: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    // A zone of its own per run: moto refuses a CREATE of a weight it has seen before (README, emulator notes).
    const ws = await workspace(emulator, `shift-${r}`);
    try {
      await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
      await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
      const ms = await timeAsync(() => ok(ws, ['shift', '--to', 'cluster-b', '--step', '25', '--bake', '30s', '--yes']));
      wall.push(ms);
      ratios.push(ms / (4 * bakeMs));
    } finally {
      await ws.cleanup();
    }
  }
  stats('4-step shift, 30 s bakes, start to exit', wall);
  stats('4-step shift / sum of its bakes (4 x 30 s)', ratios, 'target <= 1.10', 'ratio');
}

async function benchRollback(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== rollback: gate failure to Route 53 accepting the change, against the same change through Terraform\n');
  const rounds = quick ? 2 : 3;
  const ws = await workspace(emulator, 'rollback');
  const flag = path.join(ws.dir, 'gate-fails');
  try {
    await ok(ws, ['cluster', 'create', 'cluster-a', '--yes']);
    await ok(ws, ['cluster', 'create', 'cluster-b', '--yes']);
    // A command gate that fails once the flag file exists: the failure is injected between two polls.
    await ws.configure([[['gates'], [{ type: 'command', argv: ['test', '!', '-e', flag], timeout: '5s' }]]]);
    const dnsMs: number[] = [];
    const viaTerraformMs: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      await rm(flag, { force: true });
      // A different W0 each round: the rollback CREATEs W0 again, and moto refuses a CREATE it has seen.
      const w0 = { 'cluster-a': 100 - r, 'cluster-b': r };
      if (r > 0) await rawApply(ws, w0);
      const before = (await ws.journal()).length;
      const child = ws.spawn(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '60s', '--yes']);
      await waitFor(async () => (await ws.journal()).slice(before).some((e) => e.type === 'shift.step.done'), 'step 1 done', 300_000);
      await writeFile(flag, 'fail');
      const code = await exited(child);
      if (code !== 3) throw new Error(`expected exit 3 from the rolled-back shift, got ${code}: ${child.output().stderr}`);
      const done = (await ws.journal()).slice(before).find((e) => e.type === 'shift.rollback.dns-done');
      dnsMs.push(Number(done?.data?.ms));
      await rm(flag, { force: true });
      // The same change (step 1 back to W0) through Terraform: set step 1 first, then time the way back.
      const step1 = (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.done')!.data!.weights as Record<string, number>;
      await rawApply(ws, step1);
      viaTerraformMs.push(await rawApply(ws, w0));
    }
    stats('rollback: gate failure to Route 53 accepting (one atomic change)', dnsMs, 'target <= 1000 ms');
    stats('the same change through terraform apply', viaTerraformMs);
  } finally {
    await ws.cleanup();
  }
}

async function benchScaling(emulator: Emulator): Promise<void> {
  process.stderr.write('\n== scaling with the number of clusters\n');
  const runs = quick ? 3 : 5;
  for (const n of [2, 5, 10]) {
    // A zone of its own per size: moto remembers every CREATE per zone (see README, emulator notes).
    const ws = await workspace(emulator, `scaling-${n}`);
    try {
      const init = await tf(['init', '-input=false', '-no-color'], { cwd: ws.stacks.cluster, env: ws.env });
      if (init.exitCode !== 0) throw new Error(`terraform init of the cluster stub: ${init.stdout}${init.stderr}`);
      const names = Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
      // The first cluster through curvectl (which also prepares the traffic stack), the rest straight
      // through Terraform (the stub makes no AWS resources), one workspace each.
      await ok(ws, ['cluster', 'create', names[0]!, '--yes']);
      for (const name of names.slice(1)) {
        const env = { ...ws.env, TF_WORKSPACE: name };
        const made = await tf(['workspace', 'new', name], { cwd: ws.stacks.cluster, env });
        if (made.exitCode !== 0) throw new Error(`workspace ${name}: ${made.stdout}${made.stderr}`);
        const applied = await tf(['apply', '-auto-approve', '-input=false', '-no-color', `-var=cluster_name=${name}`, '-var=kubernetes_version=1.35'], { cwd: ws.stacks.cluster, env });
        if (applied.exitCode !== 0) throw new Error(`stub cluster ${name}: ${applied.stdout}${applied.stderr}`);
      }
      // Register the others all at once.
      await rawApply(ws, Object.fromEntries(names.map((name, i) => [name, i === 0 ? 100 : 0])));
      const statusMs: number[] = [];
      for (let i = 0; i < runs; i += 1) statusMs.push(await timeAsync(() => ok(ws, ['status'])));
      stats(`status, ${n} clusters`, statusMs);
      const stepMs = await timeAsync(() => ok(ws, ['shift', '--to', 'c02', '--step', '10', '--until', '10', '--bake', '0s', '--allow-short-bake', '--yes']));
      stats(`one shift step, ${n} clusters (whole command)`, [stepMs]);
    } finally {
      await ws.cleanup();
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startEmulator();
  try {
    if (wants('startup')) await benchStartup(emulator);
    if (wants('status')) await benchStatus(emulator);
    if (wants('step')) await benchStep(emulator);
    if (wants('critical')) await benchCriticalPath(emulator);
    if (wants('shift')) await benchShift(emulator);
    if (wants('rollback')) await benchRollback(emulator);
    if (wants('scaling')) await benchScaling(emulator);
  } finally {
    await emulator.stop();
  }
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memGiB: Math.round(os.totalmem() / 2 ** 30), terraform: terraformVersion() };
  const out = path.join(repoRoot, 'bench-results');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'bench.json'), `${JSON.stringify({ at: new Date().toISOString(), quick, machine, figures }, null, 2)}\n`);
  const rows = figures.map((f) => `| ${f.name} | ${fmt(f.median, f.unit)} | ${fmt(f.min, f.unit)} | ${fmt(f.max, f.unit)} | ${f.runs} | ${f.note ?? ''} |`);
  process.stdout.write(['| figure | median | min | max | runs | note |', '|---|---|---|---|---|---|', ...rows, ''].join('\n'));
  process.stderr.write(`\nbench-results/bench.json written; ${Math.round((Date.now() - started) / 1000)} s in all (${machine.cpus} CPUs, ${machine.node}, ${machine.terraform}).\n`);
}

function terraformVersion(): string {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  try {
    return `terraform ${(JSON.parse(r.stdout) as { terraform_version: string }).terraform_version}`;
  } catch {
    return 'terraform ?';
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
