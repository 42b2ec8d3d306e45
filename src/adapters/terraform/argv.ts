/**
 * Pure builders of Terraform (or OpenTofu) argument vectors, without the binary. Unit-tested;
 * the runner only ever executes what these return. Every command that can run non-interactively
 * gets `-input=false`; human output is asked for with `-no-color`, and machine output with `-json`
 * wherever Terraform offers it (plan, apply, destroy, show, output, version).
 */

/**
 * State-lock patience for commands that take the lock. After a crash (or `kill -9`) of curvectl,
 * the terraform it started runs on in its own process group and holds the state lock until its
 * apply ends; on a team's S3 backend another operator's run may hold it briefly. Waiting a while
 * turns both into a pause instead of a failed step.
 */
export const LOCK_TIMEOUT_ARG = '-lock-timeout=120s';

export interface InitArgsOptions {
  /** `-backend-config=key=value` pairs, in the given order. */
  readonly backendConfig?: Readonly<Record<string, string>>;
  /** `-reconfigure`: forget the previous backend (never migrates state). */
  readonly reconfigure?: boolean;
  /** `-upgrade`: pick the newest provider versions the constraints allow. */
  readonly upgrade?: boolean;
}

export function initArgs(options: InitArgsOptions = {}): string[] {
  const args = ['init', '-input=false', '-no-color'];
  if (options.reconfigure) args.push('-reconfigure');
  if (options.upgrade) args.push('-upgrade');
  for (const [key, value] of Object.entries(options.backendConfig ?? {})) {
    args.push(`-backend-config=${key}=${value}`);
  }
  return args;
}

/**
 * `workspace select`; with `orCreate` (Terraform >= 1.4) `select -or-create`. curvectl's runner
 * itself selects workspaces with TF_WORKSPACE instead (see runner.ts); this is for completeness
 * and for people reading --dry-run output who prefer the explicit form.
 */
export function workspaceSelectArgs(name: string, options: { orCreate?: boolean } = {}): string[] {
  return options.orCreate ? ['workspace', 'select', '-or-create', name] : ['workspace', 'select', name];
}

export function workspaceNewArgs(name: string): string[] {
  return ['workspace', 'new', name];
}

/** Without `force`, Terraform refuses to delete a workspace that still tracks resources: keep it so. */
export function workspaceDeleteArgs(name: string, options: { force?: boolean } = {}): string[] {
  return options.force ? ['workspace', 'delete', '-force', name] : ['workspace', 'delete', name];
}

export function workspaceListArgs(): string[] {
  return ['workspace', 'list'];
}

export interface PlanArgsOptions {
  /** Where to save the plan (`-out=`); relative to the stack directory or absolute. */
  readonly out: string;
  /** `-var-file=` arguments, in order (later files win). */
  readonly varFiles?: readonly string[];
  /** Plan the destruction of everything in the workspace. */
  readonly destroy?: boolean;
  /** Stream progress and diagnostics as JSON lines (default true). */
  readonly json?: boolean;
  /**
   * false: `-lock=false`, for dry runs, which take no lock (a plan persists no state, so reading it
   * without the lock is safe; with the S3 backend's lock file a locked plan would also write and
   * delete a .tflock object). Terraform docs, "Command: plan", -lock=false.
   */
  readonly lock?: boolean;
}

/** `plan -detailed-exitcode`: exit 0 = no changes, 2 = changes, 1 = error. */
export function planArgs(options: PlanArgsOptions): string[] {
  const args = ['plan'];
  if (options.json !== false) args.push('-json');
  args.push('-input=false', '-no-color', '-detailed-exitcode', options.lock === false ? '-lock=false' : LOCK_TIMEOUT_ARG, `-out=${options.out}`);
  if (options.destroy) args.push('-destroy');
  for (const file of options.varFiles ?? []) args.push(`-var-file=${file}`);
  return args;
}

/**
 * Applies a saved plan. A saved plan is applied without a prompt, so no `-auto-approve`; variables
 * are baked into the plan, so no `-var-file` either (Terraform refuses them with a saved plan).
 */
export function applyPlanArgs(planFile: string): string[] {
  return ['apply', '-json', '-input=false', LOCK_TIMEOUT_ARG, planFile];
}

export function outputJsonArgs(): string[] {
  return ['output', '-json', '-no-color'];
}

export function versionJsonArgs(): string[] {
  return ['version', '-json'];
}

export function destroyArgs(options: { varFiles?: readonly string[] } = {}): string[] {
  const args = ['destroy', '-json', '-auto-approve', '-input=false', LOCK_TIMEOUT_ARG];
  for (const file of options.varFiles ?? []) args.push(`-var-file=${file}`);
  return args;
}
