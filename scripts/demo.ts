/**
 * `npm run demo`: the whole job, end to end, against a local AWS emulator (moto) and real Terraform:
 * init a workspace, create cluster-a (it gets all the traffic), create cluster-b, shift to it in
 * steps behind health gates, let cluster-a drain, retire it, print the status. From the moment
 * cluster-a exists, the client fleet (scripts/fleet) sends requests through DNS and keep-alive
 * pools like real clients, and the demo shows what they saw: requests per cluster, the share over
 * the last seconds, failures; it ends with the totals and the path of the shift report (an HTML
 * page written by `curvectl history --op <shift> --report <file>`).
 *
 * `npm run demo -- --rollback`: the second act. After the first step, the new cluster answers
 * errors; the metric gate fails and curvectl rolls back by itself; the demo prints how long the
 * errors lasted for clients.
 *
 * curvectl itself does not know it talks to an emulator: the demo only sets the standard
 * AWS_ENDPOINT_URL / AWS_* variables and a Terraform CLI configuration for the offline provider
 * mirror, exactly as a user's shell would.
 *
 * Before anything starts it checks what it needs (terraform 1.9 or later and moto_server on PATH)
 * and, if something is missing, says which and how to get it, and exits 1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { startEmulator, type Emulator } from './emulator/moto.js';
import { findProviderMirror, terraformTestEnv } from './emulator/terraform-mirror.js';
import { startFleet, type Fleet } from './fleet/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'curvectl.js');
const keep = process.argv.includes('--keep');
const rollbackAct = process.argv.includes('--rollback');
const TTL_S = 5;
/** How the fleet's clients behave: a quarter of them ignore the TTL (they keep answers 30 s). */
const LOAD = { clients: 20, ignoreTtlFraction: 0.25, ignoreTtlForMs: 30_000, pool: { idleMs: 4000, maxAgeMs: 5000 }, thinkMs: 200 } as const;
const n = (value: number) => value.toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stacks declare required_version >= 1.9.0. */
const MIN_TERRAFORM: readonly [number, number] = [1, 9];

/** Runs `program args`; resolves with its exit code and stdout, code -1 when it cannot be started (not on PATH). */
function probe(program: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('error', () => resolve({ code: -1, stdout: '' }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

/** What the demo needs and has not got, one line each, with how to get it. */
async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  const terraform = await probe('terraform', ['version', '-json']);
  if (terraform.code === -1) {
    missing.push('terraform is not on PATH: install Terraform 1.9 or later (https://developer.hashicorp.com/terraform/install).');
  } else {
    let version = '';
    try {
      version = String((JSON.parse(terraform.stdout) as { terraform_version?: unknown }).terraform_version ?? '');
    } catch {
      // too old for `version -json`
    }
    const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
    if (terraform.code !== 0 || major < MIN_TERRAFORM[0] || (major === MIN_TERRAFORM[0] && minor < MIN_TERRAFORM[1])) {
      missing.push(`terraform on PATH is ${version ? `version ${version}` : 'too old to report its version'}: the stacks need Terraform 1.9 or later.`);
    }
  }
  const moto = await probe('moto_server', ['--help']);
  if (moto.code === -1) {
    missing.push("moto_server is not on PATH: install the AWS emulator with pip install 'moto[server]'.");
  } else if (moto.code !== 0) {
    missing.push(`moto_server is on PATH but does not run (exit code ${moto.code}): reinstall it with pip install 'moto[server]'.`);
  }
  return missing;
}

/**
 * The environment of the curvectl runs: the user's, less what would send curvectl or Terraform
 * somewhere other than the emulator (a profile, per-service endpoints, a Terraform workspace or
 * variables, another curvectl configuration), plus the emulator's and Terraform's variables.
 */
function demoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|TF_|CURVECTL_)/.test(key) && key !== 'CURVECTL_TF_PROVIDER_MIRROR') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function say(text: string): void {
  process.stderr.write(`\n\u001b[1m==> ${text}\u001b[0m\n`);
}

/** Runs curvectl with its output on this terminal; resolves with its exit code. */
function curvectl(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  process.stderr.write(`$ curvectl ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs curvectl; the demo stops unless it exits 0. */
async function step(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const code = await curvectl(args, env, cwd);
  if (code !== 0) throw new Error(`curvectl ${args.join(' ')} exited with ${code}`);
}

/** The metric gate of the demo: the target's 5xx / requests from its ingress, over 10 s. */
const METRIC_GATE = {
  type: 'metric',
  namespace: 'Ingress',
  errors: { metricName: 'HTTPCode_5XX_Count', dimensions: { Cluster: '{cluster}' } },
  total: { metricName: 'RequestCount', dimensions: { Cluster: '{cluster}' } },
  maxRatio: 0.05,
  window: '10s',
  minTotal: 10,
};

/** One line every few seconds on stderr: what the clients saw. Returns a function that stops it. */
function showCounters(fleet: Fleet, everyMs = 3000): () => void {
  const line = () => {
    const totals = fleet.totals();
    const now = Date.now();
    const share = fleet.tally.shareBetween(now - 5000, now);
    const served = Object.entries(totals.served).map(([c, v]) => `${c} ${n(v)}`).join(', ');
    const shares = Object.entries(share).map(([c, v]) => `${c} ${Math.round(v * 100)}%`).join(' ');
    const failed = totals.failed === 0 ? '0 failed' : `\u001b[31m${n(totals.failed)} failed (${Object.entries(totals.failures).map(([r, v]) => `${v} ${r}`).join(', ')})\u001b[0m`;
    process.stderr.write(`\u001b[36m  [traffic] ${n(totals.requests)} requests (${served || 'none yet'}); last 5 s: ${shares || '-'}; ${failed}\u001b[0m\n`);
  };
  const timer = setInterval(line, everyMs);
  return () => clearInterval(timer);
}

/** The path of journal.jsonl in the demo's workspace, read for the operation ids and step events. */
async function journal(work: string): Promise<{ at: string; op: string; type: string; data?: Record<string, unknown> }[]> {
  try {
    const text = await readFile(path.join(work, '.curvectl', 'journal.jsonl'), 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { at: string; op: string; type: string; data?: Record<string, unknown> });
  } catch {
    return [];
  }
}

/**
 * The rollback act: step 1, then errors from cluster-b; curvectl rolls back; how long did clients see
 * errors? Returns that sentence (printed now, and again with the totals at the end).
 */
async function rollback(fleet: Fleet, env: NodeJS.ProcessEnv, work: string): Promise<string> {
  say('Shift to cluster-b in steps of 25, baking 30 s per step; after step 1, cluster-b starts answering 503');
  const before = (await journal(work)).length;
  let injectedAt = 0;
  const watcher = (async () => {
    for (;;) {
      const events = (await journal(work)).slice(before);
      if (events.some((e) => e.type === 'shift.step.done' && e.data?.index === 1)) break;
      if (events.some((e) => e.type === 'shift.completed' || e.type === 'shift.rolled-back')) return;
      await sleep(200);
    }
    fleet.inject('cluster-b', { errorRate: 1, status: 503 });
    injectedAt = Date.now();
    process.stderr.write('\u001b[33m  [demo] cluster-b now answers every request with 503\u001b[0m\n');
  })();
  const code = await curvectl(['shift', '--to', 'cluster-b', '--step', '25', '--bake', '30s', '--yes'], env, work);
  await watcher;
  if (code !== 3) throw new Error(`the shift should have been rolled back by its metric gate (exit 3), it exited ${code}`);
  const rolledBack = (await journal(work)).slice(before).find((e) => e.type === 'shift.rollback.dns-done');
  const rolledBackAt = rolledBack ? Date.parse(rolledBack.at) : Date.now();
  // The act shows a rollback caused by the injected errors; one decided before them (a gate that saw
  // no data on cluster-b yet, say) proves nothing, and its "errors lasted" figures would be nonsense.
  const decided = (await journal(work)).slice(before).find((e) => e.type === 'shift.rollback.started');
  if (injectedAt === 0 || (decided && Date.parse(decided.at) < injectedAt)) {
    throw new Error(`the shift rolled back before cluster-b's errors were injected (${String(decided?.data?.reason ?? 'no reason journaled')}), so this act shows nothing`);
  }
  say('Rolled back by the gate. Waiting for every client to leave cluster-b (TTL-ignoring ones keep it up to 30 s)');
  const b = fleet.loadBalancers().find((lb) => lb.cluster === 'cluster-b');
  await fleet.until(() => fleet.clients.every((c) => c.cachedAddress !== b?.address) && (fleet.loadBalancers().find((lb) => lb.cluster === 'cluster-b')?.openConnections ?? 0) === 0, 'every client to leave cluster-b', 90_000);
  fleet.inject('cluster-b', {});
  const failures = fleet.tally.failuresSince(injectedAt);
  const last = (honours: boolean) => Math.max(0, ...failures.filter((f) => f.honoursTtl === honours).map((f) => f.at - rolledBackAt));
  const first = failures[0]?.at ?? injectedAt;
  const lastAt = Math.max(...failures.map((f) => f.at), first);
  const lasted =
    `Errors lasted ${((lastAt - first) / 1000).toFixed(1)} s for clients (${n(failures.length)} failed requests): Route 53 was back at the starting weights ` +
    `${((rolledBackAt - injectedAt) / 1000).toFixed(1)} s after the first error; clients that honour the TTL stopped failing ${(last(true) / 1000).toFixed(1)} s after the rollback ` +
    `(TTL ${TTL_S} s + connection age ${LOAD.pool.maxAgeMs / 1000} s at most), those that ignore it ${(last(false) / 1000).toFixed(1)} s after (their 30 s hold + connection age).`;
  process.stderr.write(`${lasted}\n`);
  return lasted;
}

/**
 * The shift's change record as one HTML page, written by curvectl itself (`history --op <id>
 * --report <file>`) outside the workspace, which the demo deletes. Returns the file's path.
 */
async function writeShiftReport(env: NodeJS.ProcessEnv, work: string): Promise<string> {
  const planned = (await journal(work)).filter((e) => e.type === 'shift.planned').at(-1);
  if (!planned) throw new Error('the journal has no shift to report on');
  const file = path.join(os.tmpdir(), `curvectl-demo-${planned.op}.html`);
  await step(['history', '--op', planned.op, '--report', file], env, work);
  return file;
}

async function main(): Promise<number> {
  // The fleet's own SDK clients run in this process: no Node-version banner in the middle of the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`The demo cannot run: it needs\n${missing.map((m) => `  - ${m}`).join('\n')}\nThen run "npm run demo" again.\n`);
    return 1;
  }

  const work = await mkdtemp(path.join(os.tmpdir(), 'curvectl-demo-'));
  let emulator: Emulator | undefined;
  let fleet: Fleet | undefined;
  let stopCounters = () => {};
  const started = Date.now();
  try {
    say('Starting the AWS emulator (moto) on a free loopback port');
    emulator = await startEmulator();
    await emulator.createHostedZone('example.test');
    // Offline, Terraform installs the AWS provider from a local mirror (found, or CURVECTL_TF_PROVIDER_MIRROR);
    // without one it downloads it from the registry, which needs network access.
    const mirror = await findProviderMirror();
    if (!mirror) {
      process.stderr.write(
        'No offline Terraform AWS provider mirror found (a directory holding registry.terraform.io/hashicorp/aws; set ' +
          'CURVECTL_TF_PROVIDER_MIRROR to one): Terraform will download hashicorp/aws from the registry, which needs network access.\n',
      );
    }
    const env = demoEnv({ ...emulator.env, ...(mirror ? await terraformTestEnv(path.join(work, '.tf')) : { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' }) });
    process.stderr.write(`AWS_ENDPOINT_URL=${emulator.endpoint}; hosted zone example.test created; workspace ${work}\n`);

    say('curvectl init: configuration and Terraform stacks');
    await step(['init', work, '--zone', 'example.test', '--record', 'api.example.test', '--ttl', String(TTL_S)], env, work);
    const configPath = path.join(work, 'curvectl.yaml');
    const doc = parseDocument(await readFile(configPath, 'utf8'));
    // The platform stack needs Helm and a reachable Kubernetes API, which an emulator has not got.
    doc.setIn(['platform', 'enabled'], false);
    // moto's node groups have no Auto Scaling groups to bind to the load balancer's target groups, and
    // its EKS has no add-on or access-entry API, gives every cluster the same OIDC issuer, and keeps
    // neither access_config, upgrade_policy nor update_config (terraform/README.md, "Emulators").
    doc.setIn(['cluster', 'variables'], {
      bind_ingress_to_nodes: false,
      cluster_addons: {},
      creator_admin_access_entry: false,
      create_oidc_provider: false,
      authentication_mode: null,
      upgrade_support_type: null,
      node_update_max_unavailable_percentage: null,
    });
    doc.setIn(['shift', 'bake'], '10s');
    doc.setIn(['shift', 'gateInterval'], '1s');
    // The bake starts the moment Route 53 is INSYNC, and for its first seconds the new cluster has too
    // few requests for the metric gate (clients turn over within the 5 s TTL; the fleet publishes every
    // 2 s): each such poll is an error, fail closed. 10 in a row at 1 s cover the turnover.
    doc.setIn(['shift', 'gateErrorLimit'], 10);
    // The flow-verified drain looks at the last 10 s of the old load balancer's flows (the fleet
    // publishes them every 2 s), not the default 5 minutes, which would still hold the shift's traffic.
    doc.setIn(['retire', 'flowWindow'], '10s');
    // The observed share each bake shows (and the journal and the report keep) over the last 10 s,
    // inside a 10 s bake; the default 5 minutes would mostly show the traffic from before the step.
    doc.setIn(['observed', 'window'], '10s');
    // The target's error ratio, from the metrics its ingress puts to CloudWatch (the fleet does, here).
    doc.setIn(['gates'], [{ type: 'eks' }, { type: 'nodegroups' }, METRIC_GATE]);
    await writeFile(configPath, doc.toString());
    process.stderr.write('curvectl.yaml: platform.enabled false, cluster.variables for the emulator (bind_ingress_to_nodes false, no add-ons, access entries or OIDC provider), shift.bake 10s, shift.gateErrorLimit 10, retire.flowWindow 10s, observed.window 10s, gates eks + nodegroups + metric (5xx ratio <= 5% over 10 s)\n');

    say('Create cluster-a: the first cluster, so it gets all the traffic (about 2 minutes, most of it the load balancer)');
    await step(['cluster', 'create', 'cluster-a', '--yes'], env, work);

    say(`Starting the client fleet: ${LOAD.clients} clients resolving api.example.test through a local DNS server that answers from Route 53, keep-alive pools, a quarter ignoring the TTL`);
    fleet = await startFleet({
      aws: { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: emulator.env.AWS_ACCESS_KEY_ID, secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY } },
      zone: 'example.test',
      hostname: 'api.example.test',
      ...LOAD,
      log: (line) => process.stderr.write(`\u001b[36m  [fleet] ${line}\u001b[0m\n`),
    });
    stopCounters = showCounters(fleet);

    say('Create cluster-b: registered at weight 0, ready for the shift');
    await step(['cluster', 'create', 'cluster-b', '--yes'], env, work);
    await step(['status'], env, work);

    let lasted: string | undefined;
    if (rollbackAct) {
      lasted = await rollback(fleet, env, work);
      await step(['status'], env, work);
    } else {
      say('Shift traffic to cluster-b in steps of 25 points, baking 10 s per step (twice the record TTL)');
      await step(['shift', '--to', 'cluster-b', '--step', '25', '--yes'], env, work);

      // A time-only drain long enough for clients that ignore the TTL: their 30 s hold plus the
      // 5 s connection age, and a margin.
      const drain = '40s';
      say(`Retire cluster-a once it has drained (no weight for ${drain})`);
      const first = await curvectl(['retire', 'cluster-a', '--drain', drain, '--yes'], env, work);
      if (first === 2) {
        // Refused, nothing changed: it has not had weight 0 for the drain time yet. That is the safety
        // rule at work; wait it out and ask again.
        process.stderr.write(`(Refused, as it should be: waiting ${drain} for cluster-a to drain, then retiring it.)\n`);
        await sleep(40_000);
        await step(['retire', 'cluster-a', '--drain', drain, '--yes'], env, work);
      } else if (first !== 0) {
        throw new Error(`curvectl retire cluster-a exited with ${first}`);
      }
      await sleep(3000); // a few more seconds of traffic, all on cluster-b
    }

    stopCounters();
    const totals = await fleet.stop();
    say('Final status');
    await step(['status'], env, work);
    await step(['history', '--limit', '12'], env, work);
    say('The shift report: the change record as one HTML page');
    const report = await writeShiftReport(env, work);
    say(
      rollbackAct
        ? `Done in ${Math.round((Date.now() - started) / 1000)} s: the gate saw cluster-b's errors and traffic went back to cluster-a by itself.`
        : `Done in ${Math.round((Date.now() - started) / 1000)} s: traffic moved from cluster-a to cluster-b and cluster-a is gone.`,
    );
    // The last lines: what the clients saw, and where the report is.
    const served = Object.entries(totals.served).map(([c, v]) => `${c} ${n(v)}`).join(', ');
    process.stdout.write(`\n${n(totals.requests)} requests, ${n(totals.failed)} failed${totals.failed > 0 ? ` (${Object.entries(totals.failures).map(([r, v]) => `${v} ${r}`).join(', ')})` : ''}; served by ${served}\n`);
    if (lasted) process.stdout.write(`${lasted}\n`);
    process.stdout.write(`Shift report: ${report}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`\nThe demo stopped: ${(err as Error).message}\n`);
    return 1;
  } finally {
    stopCounters();
    await fleet?.stop();
    await emulator?.stop();
    if (keep) process.stderr.write(`Workspace kept at ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
