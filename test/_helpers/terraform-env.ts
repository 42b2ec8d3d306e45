/**
 * Real Terraform in tests, offline: a CLI configuration that installs hashicorp providers from a
 * local filesystem mirror, a private copy of the repository's stacks per suite, and a small runner.
 */
import { spawn } from 'node:child_process';
import { access, cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above test/_helpers). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The repository's Terraform directory (modules/ and stacks/). */
export const terraformDir = join(repoRoot, 'terraform');
/** A contract-conforming cluster stack that creates nothing (see its main.tf). */
export const clusterStubDir = join(repoRoot, 'test', 'fixtures', 'stacks', 'cluster-stub');

const MIRROR_MARKER = join('registry.terraform.io', 'hashicorp', 'aws');
const MAX_DEPTH = 4;
const MAX_DIRS_PER_ROOT = 20_000;
const SKIP = new Set(['node_modules', '.git', 'proc', 'sys', 'dev', '__pycache__']);

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Breadth-first, at most MAX_DEPTH levels below root and a bounded number of directories. */
async function searchMirror(root: string): Promise<string | undefined> {
  let level = [root];
  let seen = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth += 1) {
    const next: string[] = [];
    for (const dir of level) {
      if (await isDir(join(dir, MIRROR_MARKER))) return dir;
      if (depth === MAX_DEPTH) continue;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
        next.push(join(dir, entry.name));
        seen += 1;
        if (seen > MAX_DIRS_PER_ROOT) return undefined;
      }
    }
    level = next;
  }
  return undefined;
}

let mirrorCache: Promise<string | undefined> | undefined;

/**
 * The offline provider mirror: a directory holding registry.terraform.io/hashicorp/aws/...
 * CURVECTL_TF_PROVIDER_MIRROR wins; otherwise a bounded search of the usual places.
 */
export function findProviderMirror(): Promise<string | undefined> {
  mirrorCache ??= (async () => {
    const fromEnv = process.env.CURVECTL_TF_PROVIDER_MIRROR;
    if (fromEnv) return (await isDir(join(fromEnv, MIRROR_MARKER))) ? fromEnv : undefined;
    const home = homedir();
    const roots = ['/opt', '/usr/local/share', '/usr/share', join(home, '.terraform.d'), join(home, '.local', 'share', 'terraform')];
    for (const root of roots) {
      if (!(await isDir(root))) continue;
      const found = await searchMirror(root);
      if (found) return found;
    }
    return undefined;
  })();
  return mirrorCache;
}

export interface TerraformTestEnv {
  TF_CLI_CONFIG_FILE: string;
  TF_IN_AUTOMATION: string;
  CHECKPOINT_DISABLE: string;
  [key: string]: string;
}

/**
 * Writes a Terraform CLI configuration into dir (hashicorp providers from the mirror, the rest
 * direct) and returns the variables that make Terraform use it.
 */
export async function terraformTestEnv(dir: string): Promise<TerraformTestEnv> {
  const mirror = await findProviderMirror();
  if (!mirror) {
    throw new Error(
      'No offline Terraform provider mirror found (a directory holding registry.terraform.io/hashicorp/aws). ' +
        'Set CURVECTL_TF_PROVIDER_MIRROR to it.',
    );
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'terraform.rc');
  await writeFile(
    file,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { TF_CLI_CONFIG_FILE: file, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
}

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
