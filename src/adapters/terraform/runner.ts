/**
 * Runs Terraform (or OpenTofu) for curvectl: argv from argv.ts, the subprocess from process.ts,
 * progress and errors from json-stream.ts.
 *
 * Rules this class keeps:
 * - Environment: TF_IN_AUTOMATION=1, TF_INPUT=0, CHECKPOINT_DISABLE=1 on top of the inherited one.
 * - Version: checked once per instance (>= MIN_TERRAFORM_VERSION, or what the caller asks for:
 *   minimumTerraformVersion in stacks.ts), with a clear ENVIRONMENT error when the binary is
 *   missing or too old.
 * - Workspaces are chosen with TF_WORKSPACE on every call, never with `workspace select`: the
 *   selected workspace lives in `.terraform/environment`, shared by every process using the
 *   directory, while TF_WORKSPACE is per process. A workspace is created explicitly
 *   (`workspace new`) before the first run in it; reads (`outputs`) never create one.
 * - Runs in one stack directory are serialized within this process (a mutex per directory):
 *   two terraform processes in one directory race on `.terraform` (plugins, lock file, modules).
 * - init runs once per stack and is skipped while a stamp says it is up to date (see `init`).
 * - Plans are saved to a file under `.terraform/curvectl/`, summarised from the plan's own -json
 *   stream (its planned_change and change_summary messages), and exactly that file is applied.
 * - Failures are CurvectlError 'TERRAFORM' whose message is the error diagnostic Terraform reported
 *   in its -json output (summary + detail), never a regex over human text.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compare as semverCompare, valid as semverValid } from 'semver';
import { CurvectlError, isCurvectlError } from '../../core/errors.js';
import type { ChangeSummary, StackName, TerraformProgress } from '../../core/ports.js';
import { formatCommandLine, isProcessError, quoteForDisplay, runProcess, type ProcessRunner } from '../process.js';
import {
  applyPlanArgs,
  destroyArgs,
  initArgs,
  outputJsonArgs,
  planArgs,
  versionJsonArgs,
  workspaceDeleteArgs,
  workspaceListArgs,
  workspaceNewArgs,
} from './argv.js';
import { TerraformJsonStream, terraformError, type PlannedChange } from './json-stream.js';

/**
 * The oldest Terraform the stacks accept: their `required_version` (terraform/stacks/<stack>/versions.tf;
 * a unit test keeps the two equal). The S3 backend's lock file needs more (S3_LOCKFILE_TERRAFORM_VERSION).
 */
export const MIN_TERRAFORM_VERSION = '1.9.0';
/** `use_lockfile` of the S3 backend arrived in Terraform 1.10 (Terraform docs, "Backend Type: s3", State Locking). */
export const S3_LOCKFILE_TERRAFORM_VERSION = '1.10.0';

/** Variables curvectl sets for every terraform run. */
export const TERRAFORM_ENV: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
  CHECKPOINT_DISABLE: '1',
};

/** Where curvectl keeps its own files inside a stack's (git-ignored) .terraform directory. */
export const CURVECTL_DATA_DIR = path.join('.terraform', 'curvectl');
/** The init stamp; see Terraform.init. */
export const INIT_STAMP_FILE = path.join('.terraform', 'curvectl-init.json');

export interface TerraformOptions {
  /** terraform, tofu, or a path to either. Default "terraform". */
  readonly binary?: string;
  /** Default: runProcess. Tests pass a fake. */
  readonly run?: ProcessRunner;
  /**
   * Extra environment for every run, on top of the inherited one (the inherited one is always
   * there: passing process.env is allowed and changes nothing). TF_WORKSPACE in here is ignored.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default MIN_TERRAFORM_VERSION. */
  readonly minVersion?: string;
  /**
   * How long terraform gets to stop after SIGINT (cancellation) before SIGKILL. Terraform finishes
   * the provider calls in flight and writes state on SIGINT; killing it earlier can lose state.
   * Default 60 s.
   */
  readonly graceMs?: number;
}

export interface TerraformVersion {
  readonly version: string;
  readonly platform?: string;
}

export interface TerraformCallOptions {
  readonly signal?: AbortSignal;
}

export interface TerraformRunOptions extends TerraformCallOptions {
  /** For progress events and messages. */
  readonly stack: StackName;
  /** The workspace to run in (TF_WORKSPACE). Default "default". */
  readonly workspace?: string;
  readonly onProgress?: (event: TerraformProgress) => void;
}

export interface TerraformPlanOptions extends TerraformRunOptions {
  /** Relative to the stack directory (or absolute). */
  readonly varFiles?: readonly string[];
  readonly destroy?: boolean;
  /** Where to save the plan; default a new file under .terraform/curvectl/. */
  readonly planFile?: string;
  /** false: plan without the state lock (dry runs; see planArgs). */
  readonly lock?: boolean;
}

export interface TerraformPlan {
  /**
   * `plan -detailed-exitcode` returned 2: resources or outputs would change. Outputs alone change
   * after curvectl's DNS-only rollback (the records already hold the weights, the state's outputs do
   * not); applying such a plan touches no infrastructure but brings the state up to date.
   */
  readonly changes: boolean;
  /** Some resource would be created, updated or deleted (not only outputs). */
  readonly resourceChanges: boolean;
  readonly summary: ChangeSummary;
  /** Addresses of the resources that would change. */
  readonly resources: readonly string[];
  /** The resources it would replace, with their types (for refusals such as a replaced EKS cluster). */
  readonly replaced: readonly PlannedReplacement[];
  /** The saved plan, relative to the stack directory; apply it with `apply`. */
  readonly planFile: string;
  /** The plan command as run, for display. */
  readonly command: string;
}

export interface TerraformOutput {
  readonly value: unknown;
  readonly type?: unknown;
  readonly sensitive?: boolean;
}

// One mutex per stack directory, shared by every Terraform instance in this process.
const dirQueues = new Map<string, Promise<unknown>>();

/** Runs fn when every earlier fn for the same directory has settled. */
export function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(dir);
  const previous = dirQueues.get(key) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  dirQueues.set(key, settled);
  void settled.then(() => {
    if (dirQueues.get(key) === settled) dirQueues.delete(key);
  });
  return next;
}

/**
 * Semantic-version order (semver): a pre-release comes before its release, so 1.10.0-beta1 does not
 * satisfy a minimum of 1.10.0. Throws on a string that is not a version.
 */
export function compareVersions(a: string, b: string): number {
  return semverCompare(a, b, { loose: true });
}

/** Parses `terraform workspace list` (one name a line, the current one marked "* "). */
export function parseWorkspaceList(stdout: string): string[] {
  const names: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^[* ] (\S+)\s*$/.exec(line);
    if (m?.[1]) names.push(m[1]);
  }
  return names;
}

/** A resource a plan replaces (destroys and creates, in either order). */
export interface PlannedReplacement {
  readonly address: string;
  readonly type: string;
}

/** The actions that change a resource: what a plan's "N to add, N to change, N to destroy" counts. */
const CHANGING_ACTIONS = new Set(['create', 'update', 'delete', 'replace']);

/**
 * The addresses a plan would change and those it would replace, from its `planned_change` messages.
 * Terraform emits one for every resource instance whose action is not a no-op (a replace is one
 * message with action "replace"; a move or an import without a change is not counted, nor is a data
 * source read), and counts the same instances in its `change_summary` (a replace as one add and one
 * remove): Terraform's machine-readable UI, views/json/change.go and OperationJSON.Plan.
 */
export function summarisePlannedChanges(changes: readonly PlannedChange[]): { resources: string[]; replaced: PlannedReplacement[] } {
  const resources: string[] = [];
  const replaced: PlannedReplacement[] = [];
  for (const change of changes) {
    if (!CHANGING_ACTIONS.has(change.action)) continue;
    resources.push(change.address);
    if (change.action === 'replace') replaced.push({ address: change.address, type: change.type });
  }
  return { resources, replaced };
}

export class Terraform {
  readonly binary: string;
  private readonly run: ProcessRunner;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly minVersion: string;
  private readonly graceMs: number;
  private versionPromise: Promise<TerraformVersion> | undefined;
  private readonly workspaceCache = new Map<string, Set<string>>();

  constructor(options: TerraformOptions = {}) {
    this.binary = options.binary ?? 'terraform';
    this.run = options.run ?? runProcess;
    const { TF_WORKSPACE: _ignored, ...env } = options.env ?? {};
    this.env = env;
    this.minVersion = options.minVersion ?? MIN_TERRAFORM_VERSION;
    this.graceMs = options.graceMs ?? 60_000;
  }

  /** The environment of one run. */
  envFor(workspace: string): Record<string, string | undefined> {
    return { ...this.env, ...TERRAFORM_ENV, TF_WORKSPACE: workspace };
  }

  /** A display form of a command as curvectl runs it: `TF_WORKSPACE=w terraform -chdir=<dir> <args>`. */
  commandLine(dir: string, args: readonly string[], workspace?: string): string {
    const prefix = workspace === undefined ? '' : `TF_WORKSPACE=${quoteForDisplay(workspace)} `;
    return `${prefix}${formatCommandLine(this.binary, [`-chdir=${dir}`, ...args])}`;
  }

  /** The installed version; checked against the minimum once per instance. */
  version(options: TerraformCallOptions = {}): Promise<TerraformVersion> {
    this.versionPromise ??= this.checkVersion(options.signal).catch((err: unknown) => {
      // An interruption says nothing about the binary: ask again next time.
      if (isCurvectlError(err) && err.code === 'INTERRUPTED') this.versionPromise = undefined;
      throw err;
    });
    return this.versionPromise;
  }

  private async checkVersion(signal?: AbortSignal): Promise<TerraformVersion> {
    const hint = `Install Terraform ${this.minVersion} or later (or OpenTofu), or set terraform.binary in curvectl.yaml.`;
    let stdout: string;
    try {
      ({ stdout } = await this.run(this.binary, versionJsonArgs(), {
        env: this.envFor('default'),
        signal,
        timeoutMs: 60_000,
        errorCode: 'ENVIRONMENT',
        detached: false,
      }));
    } catch (err) {
      if (isCurvectlError(err) && err.code === 'ENVIRONMENT' && !isProcessError(err)) {
        throw new CurvectlError('ENVIRONMENT', `${this.binary} was not found on PATH.`, { hint, cause: err });
      }
      if (isProcessError(err) && err.code !== 'INTERRUPTED') {
        throw new CurvectlError('ENVIRONMENT', `${this.binary} version -json failed; it is probably older than ${this.minVersion}.`, {
          hint,
          cause: err,
          details: err.details,
        });
      }
      throw err;
    }
    let parsed: { terraform_version?: unknown; platform?: unknown };
    try {
      parsed = JSON.parse(stdout) as typeof parsed;
    } catch (err) {
      throw new CurvectlError('ENVIRONMENT', `${this.binary} did not report its version as JSON; it is probably older than ${this.minVersion}.`, {
        hint,
        cause: err,
      });
    }
    const version = typeof parsed.terraform_version === 'string' ? parsed.terraform_version : '';
    if (!version) {
      throw new CurvectlError('ENVIRONMENT', `${this.binary} did not report its version.`, { hint });
    }
    if (!semverValid(version, { loose: true })) {
      throw new CurvectlError('ENVIRONMENT', `${this.binary} reported the version "${version}", which is not a version number.`, { hint });
    }
    if (compareVersions(version, this.minVersion) < 0) {
      throw new CurvectlError('ENVIRONMENT', `${this.binary} is version ${version}; curvectl needs ${this.minVersion} or later.`, {
        hint,
        details: { version, minimum: this.minVersion },
      });
    }
    return { version, ...(typeof parsed.platform === 'string' ? { platform: parsed.platform } : {}) };
  }

  /**
   * `terraform init`, skipped when up to date. The rule: init runs unless `.terraform/` holds a
   * stamp (INIT_STAMP_FILE) whose hash matches a hash, taken now, of: the terraform version; the
   * backend configuration passed here; the name and content of every *.tf and *.tf.json file and
   * of .terraform.lock.hcl in the stack directory; and the *.tf / *.tf.json files of every module
   * directory init recorded in .terraform/modules/modules.json. So a new provider, module or
   * backend setting (including curvectl_override.tf) triggers init; a changed variable file does
   * not. The stamp is written after a successful init. Deleting .terraform forces init.
   */
  async init(
    dir: string,
    options: TerraformCallOptions & { backendConfig?: Readonly<Record<string, string>>; stack?: StackName } = {},
  ): Promise<{ skipped: boolean }> {
    const version = await this.version(options);
    return withDirLock(dir, async () => {
      const before = await initHash(dir, version.version, options.backendConfig);
      const stamp = await readStamp(dir);
      if (stamp === before) return { skipped: true };
      const args = initArgs({ ...(options.backendConfig ? { backendConfig: options.backendConfig } : {}) });
      try {
        await this.run(this.binary, args, {
          cwd: dir,
          env: this.envFor('default'),
          signal: options.signal,
          errorCode: 'TERRAFORM',
          graceMs: this.graceMs,
        });
      } catch (err) {
        if (isProcessError(err) && err.code === 'TERRAFORM') {
          throw terraformError({
            stack: options.stack ?? path.basename(dir),
            command: this.commandLine(dir, args),
            diagnostics: [],
            stderrTail: err.stderrTail,
            ...(err.processExitCode === undefined ? {} : { exitCode: err.processExitCode }),
            hint: `Run "${this.commandLine(dir, ['init'])}" to see the whole output; if the backend changed, migrate the state with "terraform init -migrate-state" first.`,
            cause: err,
          });
        }
        throw err;
      }
      const after = await initHash(dir, version.version, options.backendConfig);
      await mkdir(path.join(dir, '.terraform'), { recursive: true });
      await writeFile(path.join(dir, INIT_STAMP_FILE), `${JSON.stringify({ hash: after, version: version.version })}\n`);
      this.workspaceCache.delete(path.resolve(dir));
      return { skipped: false };
    });
  }

  /** Workspaces of the stack (including "default"). */
  async workspaces(dir: string, options: TerraformCallOptions = {}): Promise<string[]> {
    await this.version(options);
    return withDirLock(dir, () => this.listUnlocked(dir, options.signal));
  }

  private async listUnlocked(dir: string, signal?: AbortSignal): Promise<string[]> {
    const key = path.resolve(dir);
    const cached = this.workspaceCache.get(key);
    if (cached) return [...cached];
    const args = workspaceListArgs();
    const { stdout } = await this.runSimple(dir, args, 'default', signal, path.basename(dir));
    const names = parseWorkspaceList(stdout);
    this.workspaceCache.set(key, new Set(names));
    return names;
  }

  /** Creates the workspace unless it exists. */
  async ensureWorkspace(dir: string, name: string, options: TerraformCallOptions = {}): Promise<{ created: boolean }> {
    await this.version(options);
    return withDirLock(dir, async () => {
      const existing = await this.listUnlocked(dir, options.signal);
      if (existing.includes(name)) return { created: false };
      // TF_WORKSPACE must equal the new name, or terraform refuses `workspace new`.
      await this.runSimple(dir, workspaceNewArgs(name), name, options.signal, path.basename(dir));
      this.workspaceCache.get(path.resolve(dir))?.add(name);
      return { created: true };
    });
  }

  /** Deletes a workspace; without `force`, terraform refuses one that still tracks resources. No-op when absent. */
  async deleteWorkspace(dir: string, name: string, options: TerraformCallOptions & { force?: boolean } = {}): Promise<{ deleted: boolean }> {
    await this.version(options);
    return withDirLock(dir, async () => {
      const existing = await this.listUnlocked(dir, options.signal);
      if (!existing.includes(name)) return { deleted: false };
      // TF_WORKSPACE=default: terraform will not delete the workspace it considers selected.
      await this.runSimple(dir, workspaceDeleteArgs(name, { force: options.force ?? false }), 'default', options.signal, path.basename(dir));
      this.workspaceCache.get(path.resolve(dir))?.delete(name);
      return { deleted: true };
    });
  }

  /** `plan -json -detailed-exitcode -out=FILE`, summarised from its stream. */
  async plan(dir: string, options: TerraformPlanOptions): Promise<TerraformPlan> {
    await this.version(options);
    const workspace = options.workspace ?? 'default';
    return withDirLock(dir, async () => {
      const planFile = options.planFile ?? path.join(CURVECTL_DATA_DIR, `${safeFilePart(workspace)}-${randomBytes(4).toString('hex')}.tfplan`);
      await mkdir(path.dirname(path.resolve(dir, planFile)), { recursive: true });
      const args = planArgs({
        out: planFile,
        ...(options.varFiles ? { varFiles: options.varFiles } : {}),
        ...(options.destroy ? { destroy: true } : {}),
        ...(options.lock === false ? { lock: false } : {}),
      });
      // The plan's own -json stream says what it would change: no `show -json` of the saved plan,
      // which loads every provider's schema again (2-3 s with the AWS provider) to say the same.
      const { exitCode, stream } = await this.runJson(dir, args, options, workspace, [0, 2]);
      const summary = stream.summary;
      if (!summary) {
        // Fail closed: a plan whose changes are unknown is not a plan that changes nothing.
        await this.discardPlan(dir, planFile);
        throw new CurvectlError('TERRAFORM', `Could not read the plan of the ${options.stack} stack: terraform plan -json printed no change summary.`, {
          hint: `Run "${this.commandLine(dir, args, workspace)}" to see what it prints; curvectl needs Terraform ${this.minVersion} or later.`,
        });
      }
      const { resources, replaced } = summarisePlannedChanges(stream.plannedChanges);
      return {
        changes: exitCode === 2,
        resourceChanges: resources.length > 0,
        summary,
        resources,
        replaced,
        planFile,
        command: this.commandLine(dir, args, workspace),
      };
    });
  }

  /** Applies a saved plan (then deletes the plan file: a saved plan can be applied only once). */
  async apply(dir: string, planFile: string, options: TerraformRunOptions): Promise<ChangeSummary> {
    await this.version(options);
    const workspace = options.workspace ?? 'default';
    return withDirLock(dir, async () => {
      try {
        const { stream } = await this.runJson(dir, applyPlanArgs(planFile), options, workspace, [0]);
        return stream.summary ?? { add: 0, change: 0, remove: 0 };
      } finally {
        await rm(path.resolve(dir, planFile), { force: true });
      }
    });
  }

  /** Deletes a saved plan that will not be applied (plans hold variable values: do not leave them around). */
  async discardPlan(dir: string, planFile: string): Promise<void> {
    await rm(path.resolve(dir, planFile), { force: true });
  }

  /** `destroy -auto-approve` in the workspace. */
  async destroy(dir: string, options: TerraformRunOptions & { varFiles?: readonly string[] }): Promise<ChangeSummary> {
    await this.version(options);
    const workspace = options.workspace ?? 'default';
    return withDirLock(dir, async () => {
      const args = destroyArgs({ ...(options.varFiles ? { varFiles: options.varFiles } : {}) });
      const { stream } = await this.runJson(dir, args, options, workspace, [0]);
      return stream.summary ?? { add: 0, change: 0, remove: 0 };
    });
  }

  /** `output -json` in the workspace ({} when it has no state). Does not create the workspace: check first. */
  async outputs(dir: string, workspace: string, options: TerraformCallOptions & { stack?: StackName } = {}): Promise<Record<string, TerraformOutput>> {
    await this.version(options);
    return withDirLock(dir, async () => {
      const { stdout } = await this.runSimple(dir, outputJsonArgs(), workspace, options.signal, options.stack ?? path.basename(dir));
      let parsed: unknown;
      let cause: unknown;
      try {
        parsed = JSON.parse(stdout.trim() === '' ? '{}' : stdout);
      } catch (err) {
        cause = err;
      }
      if (cause !== undefined || !parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new CurvectlError('TERRAFORM', `terraform output -json printed something that is not a JSON object in ${dir}.`, {
          ...(cause === undefined ? {} : { cause }),
          hint: `Run "${this.commandLine(dir, outputJsonArgs(), workspace)}" to see what it prints.`,
        });
      }
      return parsed as Record<string, TerraformOutput>;
    });
  }

  /** A command without -json output: failures carry the stderr tail. */
  private async runSimple(dir: string, args: string[], workspace: string, signal: AbortSignal | undefined, stack: string) {
    try {
      return await this.run(this.binary, args, {
        cwd: dir,
        env: this.envFor(workspace),
        signal,
        errorCode: 'TERRAFORM',
        graceMs: this.graceMs,
      });
    } catch (err) {
      if (isProcessError(err) && err.code === 'TERRAFORM') {
        const command = this.commandLine(dir, args, workspace);
        throw terraformError({
          stack,
          workspace,
          command,
          diagnostics: [],
          stderrTail: err.stderrTail,
          ...(err.processExitCode === undefined ? {} : { exitCode: err.processExitCode }),
          hint: `Run "${command}" to see the whole output.`,
          cause: err,
        });
      }
      throw err;
    }
  }

  /** A -json command: progress streamed, diagnostics collected, error diagnostics become the error. */
  private async runJson(
    dir: string,
    args: string[],
    options: TerraformRunOptions,
    workspace: string,
    okExitCodes: readonly number[],
  ): Promise<{ exitCode: number; stream: TerraformJsonStream }> {
    const stream = new TerraformJsonStream({ stack: options.stack, workspace }, options.onProgress);
    const result = await this.run(this.binary, args, {
      cwd: dir,
      env: this.envFor(workspace),
      signal: options.signal,
      errorCode: 'TERRAFORM',
      graceMs: this.graceMs,
      reject: false,
      onStdoutLine: stream.push,
      onStderrLine: stream.push,
    });
    if (okExitCodes.includes(result.exitCode) && stream.errors.length === 0) return { exitCode: result.exitCode, stream };
    const command = this.commandLine(dir, args, workspace);
    throw terraformError({
      stack: options.stack,
      workspace,
      command,
      diagnostics: stream.diagnostics,
      stderrTail: stream.otherLines.slice(-20).join('\n'),
      exitCode: result.exitCode,
      hint: `Fix what Terraform reports, then run curvectl again (to reproduce by hand: ${command}).`,
    });
  }
}

function safeFilePart(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function readStamp(dir: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, INIT_STAMP_FILE), 'utf8')) as { hash?: unknown };
    return typeof parsed.hash === 'string' ? parsed.hash : undefined;
  } catch {
    return undefined;
  }
}

const TF_FILE = /\.tf(\.json)?$/;

async function initHash(dir: string, version: string, backendConfig?: Readonly<Record<string, string>>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`version\0${version}\0`);
  hash.update(`backend\0${JSON.stringify(Object.entries(backendConfig ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}\0`);
  await hashTfFiles(hash, dir, '.', true);
  // Module directories init installed or linked: their provider requirements matter too.
  let modules: Array<{ Dir?: unknown }> = [];
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, '.terraform', 'modules', 'modules.json'), 'utf8')) as { Modules?: Array<{ Dir?: unknown }> };
    modules = manifest.Modules ?? [];
    hash.update('modules.json\0');
  } catch {
    hash.update('no-modules.json\0');
  }
  const seen = new Set<string>([path.resolve(dir)]);
  for (const m of modules) {
    if (typeof m.Dir !== 'string') continue;
    const abs = path.resolve(dir, m.Dir);
    if (seen.has(abs)) continue;
    seen.add(abs);
    await hashTfFiles(hash, abs, m.Dir, false);
  }
  return hash.digest('hex');
}

async function hashTfFiles(hash: ReturnType<typeof createHash>, dir: string, label: string, withLockFile: boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    hash.update(`missing\0${label}\0`);
    return;
  }
  for (const name of names.sort()) {
    if (!(TF_FILE.test(name) || (withLockFile && name === '.terraform.lock.hcl'))) continue;
    let content: Buffer;
    try {
      content = await readFile(path.join(dir, name));
    } catch {
      continue;
    }
    hash.update(`${label}/${name}\0`);
    hash.update(createHash('sha256').update(content).digest('hex'));
    hash.update('\0');
  }
}
