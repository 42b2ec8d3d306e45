/**
 * `npm run demo`: the whole job, end to end, against a local AWS emulator (moto) and real Terraform:
 * init a workspace, create cluster-a (it gets all the traffic), create cluster-b, shift to it in
 * steps behind health gates, let cluster-a drain, retire it, print the status.
 *
 * curvectl itself does not know it talks to an emulator: the demo only sets the standard
 * AWS_ENDPOINT_URL / AWS_* variables and a Terraform CLI configuration for the offline provider
 * mirror, exactly as a user's shell would.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { startEmulator, type Emulator } from '../test/_helpers/emulator.js';
import { terraformTestEnv } from '../test/_helpers/terraform-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'curvectl.js');
const keep = process.argv.includes('--keep');

function onPath(program: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(program, ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(true));
  });
}

function say(text: string): void {
  process.stderr.write(`\n\u001b[1m==> ${text}\u001b[0m\n`);
}

function curvectl(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  process.stderr.write(`$ curvectl ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curvectl ${args.join(' ')} exited with ${code}`))));
  });
}

async function main(): Promise<number> {
  const missing: string[] = [];
  if (!(await onPath('terraform'))) missing.push('terraform (1.5 or later: https://developer.hashicorp.com/terraform/install)');
  if (!(await onPath('moto_server'))) missing.push(`moto_server (the AWS emulator: pip install 'moto[server]')`);
  if (missing.length > 0) {
    process.stderr.write(`The demo needs ${missing.join(' and ')} on PATH; install ${missing.length > 1 ? 'them' : 'it'} and run "npm run demo" again.\n`);
    return 1;
  }

  const work = await mkdtemp(path.join(os.tmpdir(), 'curvectl-demo-'));
  let emulator: Emulator | undefined;
  const started = Date.now();
  try {
    say('Starting the AWS emulator (moto) on a free loopback port');
    emulator = await startEmulator();
    await emulator.createHostedZone('example.test');
    const tf = await terraformTestEnv(work);
    const env: NodeJS.ProcessEnv = { ...process.env, ...emulator.env, ...tf };
    process.stderr.write(`AWS_ENDPOINT_URL=${emulator.endpoint}; hosted zone example.test created; workspace ${work}\n`);

    say('curvectl init: configuration and Terraform stacks');
    await curvectl(['init', work, '--zone', 'example.test', '--record', 'api.example.test', '--ttl', '5'], env, work);
    // The platform stack needs Helm and a reachable Kubernetes API, which an emulator has not got.
    const configPath = path.join(work, 'curvectl.yaml');
    const doc = parseDocument(await readFile(configPath, 'utf8'));
    doc.setIn(['platform', 'enabled'], false);
    doc.setIn(['shift', 'bake'], '5s');
    doc.setIn(['shift', 'gateInterval'], '1s');
    await writeFile(configPath, doc.toString());

    say('Create cluster-a: it is the first cluster, so it gets all the traffic');
    await curvectl(['cluster', 'create', 'cluster-a', '--yes'], env, work);
    say('Create cluster-b: registered at weight 0, ready for the shift');
    await curvectl(['cluster', 'create', 'cluster-b', '--yes'], env, work);
    await curvectl(['status'], env, work);

    say('Shift traffic to cluster-b in steps of 25 points, baking 5 s per step (the record TTL)');
    await curvectl(['shift', '--to', 'cluster-b', '--step', '25', '--yes'], env, work);

    say('Retire cluster-a once it has drained (twice the TTL)');
    await curvectl(['retire', 'cluster-a', '--drain', '10s', '--yes'], env, work).catch(async () => {
      // Refused because it has not drained long enough yet: wait the drain out and try once more.
      process.stderr.write('Waiting 10s for cluster-a to drain...\n');
      await new Promise((r) => setTimeout(r, 10_000));
      await curvectl(['retire', 'cluster-a', '--drain', '10s', '--yes'], env, work);
    });

    say('Final status');
    await curvectl(['status'], env, work);
    await curvectl(['history', '--limit', '12'], env, work);
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
