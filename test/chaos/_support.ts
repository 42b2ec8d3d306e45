/**
 * What the chaos suites share: the mode (short in CI, full for `npm run test:chaos`), a seeded RNG,
 * a sampler that reads Route 53 straight from the emulator (never through curvectl or the faulty
 * proxy) and judges every sample against the planned weight maps, a fault injector for the
 * recording proxy (test/_helpers/aws-proxy.ts), small terraform wrappers, orphan-process handling,
 * and the figures file chaos-results/chaos.json with its summary table.
 */
import { chmod, mkdir, readdir, readFile, readlink, realpath, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InterceptAction, Interceptor, RecordedRequest } from '../_helpers/aws-proxy.js';
import { setStartingWeights, type Workspace } from '../_helpers/cli.js';
import { repoRoot, tf } from '../_helpers/terraform-env.js';
import { whichProgram } from '../_helpers/terraform-wrapper.js';

// ---------------------------------------------------------------------------------------------
// Mode, knobs and randomness.

/** short (default, runs inside `npm test`) or full (CURVECTL_CHAOS=full, `npm run test:chaos`). */
export const MODE: 'short' | 'full' = process.env.CURVECTL_CHAOS === 'full' ? 'full' : 'short';

/** A whole-number knob from the environment, or the mode's default. */
export function knob(name: string, short: number, full: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw.trim() !== '') {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw} is not a number`);
    return value;
  }
  return MODE === 'full' ? full : short;
}

/** The seed of a suite: CURVECTL_CHAOS_SEED, or a fresh one. Printed so a run can be repeated. */
export function chaosSeed(scenario: string): number {
  const fromEnv = process.env.CURVECTL_CHAOS_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : (Date.now() ^ (process.pid << 8)) >>> 0;
  console.log(`[chaos] ${scenario}: seed ${seed} (mode ${MODE}); repeat with CURVECTL_CHAOS_SEED=${seed}`);
  return seed;
}

/** mulberry32: a small, good-enough seeded PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Weights and the sampler.

export type Weights = Record<string, number>;

export function weightsKey(w: Weights): string {
  return JSON.stringify(Object.keys(w).sort().map((k) => [k, w[k]]));
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return weightsKey(a) === weightsKey(b);
}

export function showWeights(w: Weights): string {
  return Object.keys(w)
    .sort()
    .map((k) => `${k}=${w[k]}`)
    .join(' ');
}

export interface Sample {
  readonly at: number;
  readonly weights?: Weights;
  readonly error?: string;
}

/**
 * Reads the live weights every intervalMs (SDK straight to the emulator) from start() to stop().
 * A read takes a few ms, so samples come about every intervalMs.
 */
export class WeightSampler {
  readonly samples: Sample[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly read: () => Promise<Weights>,
    private readonly intervalMs = 200,
  ) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        try {
          this.samples.push({ at, weights: await this.read() });
        } catch (error) {
          this.samples.push({ at, error: (error as Error).message });
        }
        await sleep(Math.max(0, this.intervalMs - (Date.now() - at)));
      }
    })();
    return this;
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}

export interface SampleVerdict {
  readonly samples: number;
  /** How many samples showed each weight map. */
  readonly seen: Record<string, number>;
  /** Samples outside the planned maps: each one is an inconsistency. */
  readonly violations: { at: number; weights: Weights }[];
  /**
   * Samples taken while the emulator was inside one multi-change batch: a weighted record missing
   * for an instant, or some records already at the next map's weight and the rest still at the
   * previous one's, with the next sample planned again. moto applies a batch change by change
   * (shared/design/emulator.md); real Route 53 applies it atomically, so these cannot happen there.
   */
  readonly emulatorArtefacts: { at: number; weights: Weights }[];
  readonly readErrors: number;
}

/** Judges samples against the planned maps W0..Wn. */
export function judgeSamples(samples: readonly Sample[], planned: readonly Weights[]): SampleVerdict {
  const allowed = new Set(planned.map(weightsKey));
  const names = new Set(planned.flatMap((w) => Object.keys(w)));
  const seen: Record<string, number> = {};
  const violations: { at: number; weights: Weights }[] = [];
  const emulatorArtefacts: { at: number; weights: Weights }[] = [];
  let readErrors = 0;
  samples.forEach((sample, i) => {
    if (!sample.weights) {
      readErrors += 1;
      return;
    }
    const key = showWeights(sample.weights);
    seen[key] = (seen[key] ?? 0) + 1;
    if (allowed.has(weightsKey(sample.weights))) return;
    const next = samples.slice(i + 1).find((s) => s.weights);
    const recordMissing = [...names].some((n) => !(n in sample.weights!));
    const extra = Object.keys(sample.weights).some((n) => !names.has(n));
    // Half-way through one batch, moto shows some records already at the next map's weight and the
    // others still at the previous one's: every weight is that record's weight in one of two planned maps.
    const halfApplied = !extra && planned.some((from) => planned.some((to) => from !== to && [...names].every((n) => !(n in sample.weights!) || sample.weights![n] === from[n] || sample.weights![n] === to[n])));
    if ((recordMissing || halfApplied) && !extra && next?.weights && allowed.has(weightsKey(next.weights))) {
      emulatorArtefacts.push({ at: sample.at, weights: sample.weights });
    } else {
      violations.push({ at: sample.at, weights: sample.weights });
    }
  });
  return { samples: samples.length, seen, violations, emulatorArtefacts, readErrors };
}

/** The plan of an operation from its `shift.planned` event: [W0, W1..Wn]. */
export function plannedStates(events: readonly { type: string; op: string; data?: Record<string, unknown> }[], op?: string): Weights[] | undefined {
  const planned = events.find((e) => e.type === 'shift.planned' && (op === undefined || e.op === op));
  if (!planned?.data) return undefined;
  return [planned.data.from as Weights, ...(planned.data.steps as Weights[])];
}

/**
 * Fresh weight maps for the trials of one workspace (one hosted zone).
 *
 * moto refuses a CREATE identical to one it has already seen in a zone while the name has records,
 * even inside a DELETE+CREATE batch that real Route 53 accepts (README, emulator notes). curvectl's
 * Route 53 changes (every step, every rollback) are such batches, so a zone can receive a given
 * cluster=weight only once through them. Trial k therefore starts at W0 = {a: 100-k, b: k}, put in
 * place with UPSERTs (which moto does not remember that way), and shifts to b in steps of 40 until
 * k+80: W1 = {a: 60-k, b: 40+k}, W2 = {a: 20-k, b: 80+k}. Over k = 1..20 every cluster=weight of
 * every map is used once.
 */
export class FreshTrials {
  private k = 0;
  constructor(
    readonly from = 'cluster-a',
    readonly to = 'cluster-b',
  ) {}

  /** The next trial: its starting weights, the planned maps and the shift's arguments. */
  next(): { k: number; from: string; to: string; w0: Weights; planned: Weights[]; shiftArgs: string[] } {
    this.k += 1;
    const k = this.k;
    if (k > 20) throw new Error('FreshTrials: at most 20 trials per workspace (use more lanes)');
    const map = (b: number): Weights => ({ [this.from]: 100 - b, [this.to]: b });
    return {
      k,
      from: this.from,
      to: this.to,
      w0: map(k),
      planned: [map(k), map(k + 40), map(k + 80)],
      shiftArgs: ['shift', '--to', this.to, '--step', '40', '--until', String(k + 80)],
    };
  }
}

/**
 * Puts the workspace at `weights` before a trial, the way an operator's earlier work would have
 * left it: the var file, the records (UPSERT, SDK) and Terraform's state (an apply that finds the
 * records as declared, so only the state's outputs change). A plan afterwards is clean.
 */
export async function seedWeights(ws: Workspace, weights: Weights): Promise<void> {
  await setStartingWeights(ws, weights);
  const applied = await tf(['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=120s'], { cwd: ws.stacks.traffic, env: ws.env });
  if (applied.exitCode !== 0) throw new Error(`seeding ${showWeights(weights)}: terraform apply exited ${applied.exitCode}\n${applied.stderr}`);
  const live = await ws.liveWeights();
  if (!sameWeights(live, weights)) throw new Error(`seeding ${showWeights(weights)}: Route 53 has ${showWeights(live)}`);
}

// ---------------------------------------------------------------------------------------------
// Faults for the recording proxy.

export type FaultKind = 'throttling' | 'prior-request-not-complete' | 'server-error' | 'latency';

export interface FaultPlan {
  /** Share of requests that get a fault, 0..1. */
  readonly rate: number;
  /** Relative weights of the kinds of fault. */
  readonly mix: Readonly<Record<FaultKind, number>>;
  /** Added latency, uniformly in [min, max] ms. */
  readonly latencyMs: readonly [number, number];
  readonly seed: number;
}

export interface FaultStats {
  requests: number;
  byService: Record<string, number>;
  faults: Record<FaultKind, number>;
  faultsByService: Record<string, number>;
}

export interface FaultInjector {
  readonly interceptor: Interceptor;
  readonly stats: FaultStats;
  /** Stops injecting (requests are still counted). */
  pause(paused: boolean): void;
}

/** The AWS service a request was signed for (SigV4 credential scope): route53, monitoring, eks... */
export function serviceOf(request: Pick<RecordedRequest, 'headers'>): string {
  const auth = request.headers.authorization;
  const text = Array.isArray(auth) ? auth[0] : auth;
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(text ?? '')?.[1] ?? 'unknown';
}

const randomId = (random: () => number) =>
  Array.from({ length: 36 }, (_, i) => ([8, 13, 18, 23].includes(i) ? '-' : Math.floor(random() * 16).toString(16))).join('');

/** An error answer shaped like the service's protocol, so the SDK classifies it as AWS would. */
export function awsErrorResponse(
  request: Pick<RecordedRequest, 'headers'>,
  status: number,
  code: string,
  message: string,
  requestId: string,
): { status: number; headers: Record<string, string>; body: string } {
  const service = serviceOf(request);
  const contentType = String(request.headers['content-type'] ?? '');
  if (service === 'route53' || contentType.includes('x-www-form-urlencoded') || contentType.includes('xml') || contentType === '') {
    // Route 53 (REST-XML) and the query protocols answer with an ErrorResponse document.
    const ns = service === 'route53' ? ' xmlns="https://route53.amazonaws.com/doc/2013-04-01/"' : '';
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<?xml version="1.0"?>\n<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  // JSON protocols (CloudWatch speaks JSON 1.0 with query-compatible error codes; EKS REST-JSON).
  return {
    status,
    headers: {
      'content-type': contentType.includes('amz-json') ? contentType : 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
      'x-amzn-query-error': `${code};${status >= 500 ? 'Receiver' : 'Sender'}`,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

/**
 * Faults at a chosen rate, as Route 53 and CloudWatch send them: 400 Throttling, 400
 * PriorRequestNotComplete (Route 53 only; elsewhere a Throttling), 500/503, or latency before
 * forwarding. An error answer is sent INSTEAD of forwarding: the emulator never sees that request.
 */
export function faultInjector(plan: FaultPlan): FaultInjector {
  const random = seededRandom(plan.seed);
  const stats: FaultStats = {
    requests: 0,
    byService: {},
    faults: { throttling: 0, 'prior-request-not-complete': 0, 'server-error': 0, latency: 0 },
    faultsByService: {},
  };
  const kinds = Object.entries(plan.mix).filter(([, w]) => w > 0) as [FaultKind, number][];
  const total = kinds.reduce((s, [, w]) => s + w, 0);
  let paused = false;
  const pick = (): FaultKind => {
    let r = random() * total;
    for (const [kind, w] of kinds) {
      if ((r -= w) < 0) return kind;
    }
    return kinds[kinds.length - 1]![0];
  };
  const interceptor: Interceptor = (request): InterceptAction | undefined => {
    const service = serviceOf(request);
    stats.requests += 1;
    stats.byService[service] = (stats.byService[service] ?? 0) + 1;
    if (paused || random() >= plan.rate) return undefined;
    let kind = pick();
    if (kind === 'prior-request-not-complete' && service !== 'route53') kind = 'throttling';
    stats.faults[kind] += 1;
    stats.faultsByService[service] = (stats.faultsByService[service] ?? 0) + 1;
    const id = randomId(random);
    switch (kind) {
      case 'throttling':
        return { respond: awsErrorResponse(request, 400, 'Throttling', 'Rate exceeded', id) };
      case 'prior-request-not-complete':
        return {
          respond: awsErrorResponse(request, 400, 'PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.', id),
        };
      case 'server-error':
        return random() < 0.5
          ? { respond: awsErrorResponse(request, 500, 'InternalFailure', 'The request processing has failed because of an unknown error.', id) }
          : { respond: awsErrorResponse(request, 503, 'ServiceUnavailable', 'Service is unavailable. Try again later.', id) };
      case 'latency': {
        const [min, max] = plan.latencyMs;
        return { forward: true, delayMs: Math.round(min + random() * (max - min)) };
      }
      default:
        return undefined;
    }
  };
  return { interceptor, stats, pause: (p) => (paused = p) };
}

// ---------------------------------------------------------------------------------------------
// Terraform wrappers.

/**
 * A terraform binary (for terraform.binary) that drops the given variables before running the real
 * terraform: the Terraform AWS provider honours AWS_ENDPOINT_URL_ROUTE_53 like the SDK does, so
 * without this it would follow curvectl through the faulty proxy.
 */
export async function terraformWithout(dir: string, variables: readonly string[]): Promise<string> {
  const real = await whichProgram('terraform');
  if (!real) throw new Error('terraform is not on PATH');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'terraform');
  await writeFile(file, ['#!/bin/sh', `unset ${variables.join(' ')}`, `exec '${real.replace(/'/g, `'\\''`)}' "$@"`, ''].join('\n'));
  await chmod(file, 0o755);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Processes left behind by kill -9.

/** Processes (not this one) whose working directory is inside dir, with their argv. */
export async function processesIn(dir: string): Promise<{ pid: number; argv: string[] }[]> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return [];
  }
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

const isTerraformCore = (argv: readonly string[]): boolean =>
  argv.some((a, i) => i < 3 && path.basename(a) === 'terraform') && !argv.some((a) => a.includes('terraform-provider-'));

/**
 * Waits until no terraform runs inside dir (an orphaned apply finishing, or dying on its closed
 * pipe), then kills what is left there: provider plugins whose terraform died without stopping them
 * (a terraform killed by SIGPIPE leaves its provider running forever). Returns how long it waited
 * and how many leaked plugins it killed.
 */
export async function settleProcesses(dir: string, timeoutMs = 240_000): Promise<{ waitedMs: number; leakedPlugins: number }> {
  const started = Date.now();
  for (;;) {
    const running = await processesIn(dir);
    if (!running.some((p) => isTerraformCore(p.argv))) {
      for (const p of running) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      return { waitedMs: Date.now() - started, leakedPlugins: running.length };
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`terraform still running in ${dir} after ${timeoutMs} ms: ${JSON.stringify(running)}`);
    }
    await sleep(250);
  }
}

/** Kills (by pid) every process still running inside dir: our own orphans, at the end of a suite. */
export async function killProcessesIn(dir: string): Promise<void> {
  for (const p of await processesIn(dir)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the scenarios.

/** Whether the workspace is at rest at `expected`: Route 53 = var file = expected, clean plan, no operation, no lock, no drift. */
export async function restingProblems(ws: Workspace, expected: Weights): Promise<string[]> {
  const problems: string[] = [];
  const [live, desired] = await Promise.all([ws.liveWeights(), ws.desiredWeights()]);
  if (!sameWeights(live, expected)) problems.push(`Route 53 has ${showWeights(live)}, expected ${showWeights(expected)}`);
  if (!sameWeights(desired, expected)) problems.push(`the var file has ${showWeights(desired)}, expected ${showWeights(expected)}`);
  const plan = await ws.planTraffic();
  if (plan.exitCode !== 0) problems.push(`terraform plan of the traffic stack exited ${plan.exitCode} (0 = clean): ${(plan.stdout + plan.stderr).slice(-1500)}`);
  const status = await ws.run(['status', '-o', 'json']);
  if (status.code !== 0) {
    problems.push(`status exited ${status.code}: ${status.stderr}`);
  } else {
    const report = JSON.parse(status.stdout) as { operation: unknown; lock: unknown; drift: unknown[] };
    if (report.operation !== null) problems.push(`status still shows an operation: ${JSON.stringify(report.operation)}`);
    if (report.lock !== null) problems.push(`status still shows a lock: ${JSON.stringify(report.lock)}`);
    if (report.drift.length > 0) problems.push(`status shows drift: ${JSON.stringify(report.drift)}`);
  }
  return problems;
}

/** Runs tasks over `lanes` workers (each with its own workspace), in order within a lane. */
export async function inLanes<L, T>(lanes: readonly L[], tasks: readonly T[], run: (lane: L, task: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (;;) {
        const index = next++;
        if (index >= tasks.length) return;
        await run(lane, tasks[index]!, index);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Figures: chaos-results/chaos.json and the summary table.

export const resultsDir = path.join(repoRoot, 'chaos-results');
const partsDir = path.join(resultsDir, 'parts');
const resultsFile = path.join(resultsDir, 'chaos.json');

export interface ScenarioFigures {
  readonly title: string;
  readonly mode: 'short' | 'full';
  readonly seed?: number;
  readonly trials: number;
  readonly outcomes: Record<string, number>;
  readonly faultsInjected: number | Record<string, number>;
  readonly inconsistencies: number;
  readonly wallTimeMs: number;
  readonly [key: string]: unknown;
}

interface ChaosFile {
  readonly mode: string;
  readonly runId: string;
  readonly updatedAt: string;
  readonly machine: { cpus: number; node: string; platform: string };
  readonly scenarios: Record<string, ScenarioFigures & { finishedAt: string }>;
}

/** Files of one `vitest run` share the main process (their parent): that is the run. */
const runId = String(process.ppid);

async function withResultsLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(resultsDir, '.lock');
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another file is merging; a lock older than 30 s is left over from a crash.
      try {
        if (Date.now() - (await stat(lock)).mtimeMs > 30_000) await rmdir(lock);
      } catch {
        // gone meanwhile
      }
      if (Date.now() - started > 60_000) break;
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Records one scenario's figures and rebuilds chaos.json from every scenario of this run. */
export async function recordScenario(name: string, figures: ScenarioFigures): Promise<void> {
  await mkdir(partsDir, { recursive: true });
  const part = { runId, finishedAt: new Date().toISOString(), name, figures };
  await writeFile(path.join(partsDir, `${name}.json`), `${JSON.stringify(part, null, 2)}\n`);
  await withResultsLock(async () => {
    const scenarios: ChaosFile['scenarios'] = {};
    for (const file of (await readdir(partsDir)).filter((f) => f.endsWith('.json')).sort()) {
      try {
        const p = JSON.parse(await readFile(path.join(partsDir, file), 'utf8')) as typeof part;
        if (p.runId === runId) scenarios[p.name] = { ...p.figures, finishedAt: p.finishedAt };
        else await rm(path.join(partsDir, file), { force: true });
      } catch {
        // torn or foreign: ignore
      }
    }
    const os = await import('node:os');
    const doc: ChaosFile = {
      mode: [...new Set(Object.values(scenarios).map((s) => s.mode))].join('+') || MODE,
      runId,
      updatedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
      scenarios,
    };
    const tmp = `${resultsFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`);
    await rename(tmp, resultsFile);
  });
  console.log(summaryTable({ [name]: figures }));
}

const faultsText = (f: ScenarioFigures['faultsInjected']): string =>
  typeof f === 'number'
    ? String(f)
    : `${Object.values(f).reduce((s, n) => s + n, 0)} (${Object.entries(f)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`;

/** A plain-text table of scenario figures. */
export function summaryTable(scenarios: Record<string, ScenarioFigures>): string {
  const rows = [['scenario', 'mode', 'trials', 'faults injected', 'outcomes', 'inconsistencies', 'wall time']];
  for (const [name, s] of Object.entries(scenarios)) {
    rows.push([
      name,
      s.mode,
      String(s.trials),
      faultsText(s.faultsInjected),
      Object.entries(s.outcomes)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
      String(s.inconsistencies),
      `${(s.wallTimeMs / 1000).toFixed(0)} s`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

/** Counts occurrences into a record. */
export function tally(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}
