/**
 * `npm run demo`: the whole job, end to end, against a local AWS emulator (moto) and real Terraform:
 * init a workspace, create cluster-a (it gets all the traffic), create cluster-b, shift to it in
 * steps behind health gates, let cluster-a drain, retire it, print the status.
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
import { startEmulator, type Emulator } from '../test/_helpers/emulator.js';
import { findProviderMirror, terraformTestEnv } from '../test/_helpers/terraform-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'curvectl.js');
const keep = process.argv.includes('--keep');

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

async function main(): Promise<number> {
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    process.stderr.write(`The demo cannot run: it needs\n${missing.map((m) => `  - ${m}`).join('\n')}\nThen run "npm run demo" again.\n`);
    return 1;
  }

  const work = await mkdtemp(path.join(os.tmpdir(), 'curvectl-demo-'));
  let emulator: Emulator | undefined;
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
    await step(['init', work, '--zone', 'example.test', '--record', 'api.example.test', '--ttl', '5'], env, work);
    const configPath = path.join(work, 'curvectl.yaml');
    const doc = parseDocument(await readFile(configPath, 'utf8'));
    // The platform stack needs Helm and a reachable Kubernetes API, which an emulator has not got.
    doc.setIn(['platform', 'enabled'], false);
    // moto's node groups have no Auto Scaling groups to bind to the load balancer's target groups, and
    // its EKS has no add-on or access-entry API, gives every cluster the same OIDC issuer, and keeps neither access_config, upgrade_policy nor
    // update_config (terraform/README.md, "Emulators").
    doc.setIn(['cluster', 'variables'], {
      bind_ingress_to_nodes: false,
      cluster_addons: {},
      creator_admin_access_entry: false,
      create_oidc_provider: false,
      authentication_mode: null,
      upgrade_support_type: null,
      node_update_max_unavailable_percentage: null,
    });
    doc.setIn(['shift', 'bake'], '5s');
    doc.setIn(['shift', 'gateInterval'], '1s');
    await writeFile(configPath, doc.toString());
    process.stderr.write('curvectl.yaml: platform.enabled false, cluster.variables for the emulator (bind_ingress_to_nodes false, no add-ons or access entries), shift.bake 5s\n');

    say('Create cluster-a: the first cluster, so it gets all the traffic (about 2 minutes, most of it the load balancer)');
    await step(['cluster', 'create', 'cluster-a', '--yes'], env, work);
    say('Create cluster-b: registered at weight 0, ready for the shift');
    await step(['cluster', 'create', 'cluster-b', '--yes'], env, work);
    await step(['status'], env, work);

    say('Shift traffic to cluster-b in steps of 25 points, baking 5 s per step (the record TTL)');
    await step(['shift', '--to', 'cluster-b', '--step', '25', '--yes'], env, work);

    say('Retire cluster-a once it has drained (no weight for 10 s, twice the TTL)');
    const drainMs = 10_000;
    const first = await curvectl(['retire', 'cluster-a', '--drain', '10s', '--yes'], env, work);
    if (first === 2) {
      // Refused, nothing changed: it has not had weight 0 for the drain time yet. That is the safety
      // rule at work; wait it out and ask again.
      process.stderr.write(`(Refused, as it should be: waiting ${drainMs / 1000} s for cluster-a to drain, then retiring it.)\n`);
      await new Promise((r) => setTimeout(r, drainMs));
      await step(['retire', 'cluster-a', '--drain', '10s', '--yes'], env, work);
    } else if (first !== 0) {
      throw new Error(`curvectl retire cluster-a exited with ${first}`);
    }

    say('Final status');
    await step(['status'], env, work);
    await step(['history', '--limit', '12'], env, work);
    say(`Done in ${Math.round((Date.now() - started) / 1000)} s: traffic moved from cluster-a to cluster-b and cluster-a is gone.`);
    return 0;
  } catch (err) {
    process.stderr.write(`\nThe demo stopped: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await emulator?.stop();
    if (keep) process.stderr.write(`Workspace kept at ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
