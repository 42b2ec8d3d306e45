/**
 * Real Terraform in tests, offline: a CLI configuration that installs hashicorp providers from a
 * local filesystem mirror, a private copy of the repository's stacks per suite, and a small runner.
 */
import { spawn } from 'node:child_process';
import { access, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above test/_helpers). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository's Terraform directory (modules/ and stacks/). */
export const terraformDir = join(repoRoot, 'terraform');
/** A contract-conforming cluster stack that creates nothing (see its main.tf). */
export const clusterStubDir = join(repoRoot, 'test', 'fixtures', 'stacks', 'cluster-stub');

export { findProviderMirror, terraformTestEnv, type TerraformTestEnv } from '../../scripts/emulator/terraform-mirror.js';

export interface CopiedStacks {
  /** destDir/terraform */
  root: string;
  cluster: string;
  platform: string;
  traffic: string;
}

export interface CopyStacksOptions {
  /** Put the cluster stub (no AWS resources) in place of stacks/cluster. Default false. */
  clusterStub?: boolean;
}

/** Never copied: provider installs, state, var files curvectl writes, backend overrides, plans. */
function copied(source: string): boolean {
  const name = basename(source);
  if (name === '.terraform' || name === 'terraform.tfstate.d' || name === '.terraform.lock.hcl') return false;
  if (name.startsWith('terraform.tfstate')) return false;
  if (name.endsWith('.auto.tfvars.json') || name === 'curvectl_override.tf' || name.endsWith('.tfplan')) return false;
  return true;
}

/**
 * Copies the repository's terraform/ (modules + stacks) to destDir/terraform so a suite applies in
 * isolation; the stacks keep their relative layout (../cluster beside ../traffic).
 */
export async function copyStacks(destDir: string, options: CopyStacksOptions = {}): Promise<CopiedStacks> {
  const root = join(destDir, 'terraform');
  await mkdir(destDir, { recursive: true });
  await cp(terraformDir, root, { recursive: true, filter: copied });
  const cluster = join(root, 'stacks', 'cluster');
  if (options.clusterStub) {
    await rm(cluster, { recursive: true, force: true });
    await cp(clusterStubDir, cluster, { recursive: true, filter: copied });
  }
  return { root, cluster, platform: join(root, 'stacks', 'platform'), traffic: join(root, 'stacks', 'traffic') };
}

export interface TfResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time in ms. */
  durationMs: number;
}

export interface TfOptions {
  cwd: string;
  /** Added over process.env (without the TF_WORKSPACE/TF_DATA_DIR/TF_VAR_ a developer may have set). */
  env?: Record<string, string | undefined>;
  /** Default 15 minutes. */
  timeoutMs?: number;
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key === 'TF_WORKSPACE' || key === 'TF_DATA_DIR' || key.startsWith('TF_VAR_') || key === 'AWS_PROFILE') continue;
    env[key] = value;
  }
  return env;
}

/** Runs terraform with an argv array; resolves with the exit code (never rejects on a non-zero exit). */
export function tf(args: readonly string[], options: TfOptions): Promise<TfResult> {
  const started = Date.now();
  const env = { ...baseEnv() };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', [...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), options.timeoutMs ?? 15 * 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** Like tf, but rejects with Terraform's output when the exit code is not in okCodes (default [0]). */
export async function tfOk(args: readonly string[], options: TfOptions, okCodes: readonly number[] = [0]): Promise<TfResult> {
  const result = await tf(args, options);
  if (!okCodes.includes(result.exitCode)) {
    throw new Error(
      `terraform ${args.join(' ')} (in ${options.cwd}) exited ${result.exitCode}\n--- stderr ---\n${result.stderr}\n--- stdout (tail) ---\n${result.stdout.slice(-4000)}`,
    );
  }
  return result;
}

/** `terraform output -json` as an object of output name => value. */
export async function tfOutputs(options: TfOptions): Promise<Record<string, unknown>> {
  const result = await tfOk(['output', '-json', '-no-color'], options);
  const parsed = JSON.parse(result.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
}

/** Writes a JSON var file (e.g. cluster_weighting.auto.tfvars.json) the way curvectl does. */
export async function writeVarFile(dir: string, name: string, value: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** True when path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
