/**
 * The Stacks port over the three Terraform root modules in `<stacksDir>/{cluster,platform,traffic}`.
 *
 * Files curvectl writes in the stack directories:
 * - traffic/curvectl.auto.tfvars.json: zone_name, record_name, ttl, cluster_state_backend and
 *   cluster_state_config, from configuration; rewritten (when different) before every traffic run.
 * - traffic/cluster_weighting.auto.tfvars.json: {"cluster_weighting": {...}}, the desired weights;
 *   read and written atomically by readDesiredWeights / writeDesiredWeights. With a shared
 *   DesiredWeightsStore (a team's DynamoDB table) the store holds the truth and this file is this
 *   checkout's copy of it: writes go to the store first, then to the file; reads come from the
 *   store; and the file is rewritten from the store before every terraform run of the traffic stack,
 *   so a checkout that is fresh, or whose last write was cut short between the two, applies what the
 *   team decided. Until the store holds anything (first use) the file, if any, is the truth, and
 *   the first write under the traffic lock seeds the store with what was checked against Route 53.
 * - {cluster,platform}/.terraform/curvectl/<stack>-<cluster>.tfvars.json: the variables of one run,
 *   passed with -var-file: for cluster, the configured variables + cluster_name + kubernetes_version;
 *   for platform, the configured variables + cluster_name + cluster_state_backend/config.
 * - {stack}/.terraform/curvectl/*.tfplan: saved plans, deleted once applied or shown. The cluster and
 *   platform stacks save theirs as <stack>-<cluster>.tfplan (one run per cluster at a time: the
 *   cluster lock), so a --dry-run can print the exact lines; the traffic stack's have a random part.
 * - Dry runs (planCluster, planDestroy, planTrafficWeights) write none of these: when a run's var
 *   file does not already hold what the run would write, the plan reads a temporary copy
 *   (.terraform/curvectl/dry-run-*.tfvars.json), deleted afterwards, and the printed lines name the
 *   real file after a "# curvectl writes ..." line.
 * - {stack}/curvectl_override.tf: only with the S3 backend (see "S3 backend" below).
 *
 * Workspaces: "default" for traffic; the cluster name for cluster and platform, chosen per run with
 * TF_WORKSPACE (see runner.ts) and created explicitly before the first plan.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { terraformBackendSchema } from '../../config/schema.js';
import { CurvectlError, refused } from '../../core/errors.js';
import { assertClusterName } from '../../core/names.js';
import { isRecordWeight } from '../../core/weights.js';
import type {
  ChangeSummary,
  ClusterOutputs,
  ClusterSpec,
  DestroyPlan,
  PlanResult,
  RunOptions,
  StackName,
  Stacks,
  TrafficApplyOptions,
  Weights,
} from '../../core/ports.js';
import type { DesiredWeightsStore } from '../../core/ports/desired-weights-store.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { applyPlanArgs, destroyArgs, planArgs, workspaceDeleteArgs, workspaceNewArgs } from './argv.js';
import { CURVECTL_DATA_DIR, MIN_TERRAFORM_VERSION, S3_LOCKFILE_TERRAFORM_VERSION, type Terraform } from './runner.js';
import { localWorkspaces, s3WorkspacesFromKeys, type ListObjectKeys } from './workspace-listing.js';
import { definedOnly } from '../../core/defined-only.js';

export type TerraformBackend = z.infer<typeof terraformBackendSchema>;

export const TRAFFIC_SETTINGS_FILE = 'curvectl.auto.tfvars.json';
export const WEIGHTS_FILE = 'cluster_weighting.auto.tfvars.json';
export const OVERRIDE_FILE = 'curvectl_override.tf';
const OVERRIDE_MARKER = '# Written by curvectl';

/** The oldest Terraform that can drive the stacks with this backend (an S3 lock file needs 1.10). */
export function minimumTerraformVersion(backend: TerraformBackend): string {
  return backend.type === 's3' && backend.useLockfile ? S3_LOCKFILE_TERRAFORM_VERSION : MIN_TERRAFORM_VERSION;
}

export interface TerraformStacksOptions {
  readonly terraform: Terraform;
  /** Absolute directory holding cluster/, platform/ and traffic/. */
  readonly stacksDir: string;
  readonly dns: { readonly zone: string; readonly record: string; readonly ttl: number };
  /** config.terraform.backend */
  readonly backend: TerraformBackend;
  readonly clusterDefaults: { readonly kubernetesVersion: string; readonly variables: Readonly<Record<string, unknown>> };
  readonly platformVariables: Readonly<Record<string, unknown>>;
  /** config.region: the S3 backend's region when backend.region is not set. */
  readonly region?: string;
  /** The team's shared desired weights (state.backend dynamodb); absent: the var file is the truth. */
  readonly desiredWeights?: DesiredWeightsStore;
  /** Lists S3 object keys, to read the S3 backend's workspaces without Terraform; absent: `terraform workspace list`. */
  readonly listObjectKeys?: ListObjectKeys;
}

const ZERO: ChangeSummary = { add: 0, change: 0, remove: 0 };

export class TerraformStacks implements Stacks {
  private readonly tf: Terraform;
  private readonly stacksDir: string;

  constructor(private readonly options: TerraformStacksOptions) {
    this.tf = options.terraform;
    this.stacksDir = path.resolve(options.stacksDir);
  }

  dirOf(stack: StackName): string {
    return path.join(this.stacksDir, stack);
  }

  // -------------------------------------------------------------------------------------------
  // traffic

  get weightsFile(): string {
    return path.join(this.dirOf('traffic'), WEIGHTS_FILE);
  }

  async readDesiredWeights(): Promise<Weights> {
    const shared = await this.options.desiredWeights?.read();
    return shared ?? this.readWeightsFile();
  }

  async writeDesiredWeights(weights: Weights): Promise<void> {
    const sorted = sortedWeights(weights);
    // Shared first: if that write fails (lock lost, someone else wrote) the local copy is untouched,
    // and a crash between the two leaves only the copy behind, which the next traffic run refreshes.
    await this.options.desiredWeights?.write(sorted);
    await writeFileAtomic(this.weightsFile, weightsFileContent(sorted));
  }

  /** This checkout's var file ({} when absent). */
  async readWeightsFile(): Promise<Weights> {
    const file = this.weightsFile;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new CurvectlError('ENVIRONMENT', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const bad = (what: string, cause?: unknown) =>
      new CurvectlError('BAD_CONFIG', `${file} is not a valid weights file: ${what}.`, {
        hint: `It must look like {"cluster_weighting": {"cluster-a": 100}}; fix it, or restore it from the live weights shown by curvectl status.`,
        cause,
      });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw bad('it is not JSON', err);
    }
    if (!isPlainObject(parsed)) throw bad('expected a JSON object');
    const weighting = parsed.cluster_weighting;
    if (weighting === undefined) return {};
    if (!isPlainObject(weighting)) throw bad('"cluster_weighting" must be an object of cluster name to weight');
    const weights: Record<string, number> = {};
    for (const [name, weight] of Object.entries(weighting)) {
      if (!isRecordWeight(weight)) {
        throw bad(`the weight of "${name}" must be an integer from 0 to 255`);
      }
      weights[name] = weight;
    }
    return weights;
  }


  /** The content of traffic/curvectl.auto.tfvars.json. */
  trafficSettings(): Record<string, unknown> {
    const state = this.clusterStateReference();
    return {
      zone_name: this.options.dns.zone,
      record_name: this.options.dns.record,
      ttl: this.options.dns.ttl,
      cluster_state_backend: state.backend,
      cluster_state_config: state.config,
    };
  }

  async planTraffic(options: RunOptions = {}): Promise<PlanResult> {
    const dir = await this.prepareTraffic(options);
    const plan = await this.tf.plan(dir, { stack: 'traffic', workspace: 'default', ...runOpts(options) });
    await this.tf.discardPlan(dir, plan.planFile);
    return {
      // Resource changes only: an outputs-only difference (after a DNS-only rollback) is no change.
      changes: plan.resourceChanges,
      summary: plan.summary,
      resources: plan.resources,
      commands: [plan.command, this.tf.commandLine(dir, applyPlanArgs(plan.planFile), 'default')],
    };
  }

  /**
   * Plans and applies the saved plan when Terraform reports any difference, outputs included (after
   * a DNS-only rollback only the state's outputs lag: applying fixes the state and changes nothing
   * in AWS, so the summary is all zeros).
   */
  async applyTraffic(options: TrafficApplyOptions = {}): Promise<ChangeSummary> {
    const dir = await this.prepareTraffic(options);
    const plan = await this.tf.plan(dir, { stack: 'traffic', workspace: 'default', ...runOpts(options) });
    if (!plan.changes) {
      await this.tf.discardPlan(dir, plan.planFile);
      return ZERO;
    }
    // Changes to outputs only (the records' weights in state lag Route 53, which curvectl just
    // changed) are what a catch-up is for: applying them changes no real infrastructure.
    const resourceChanges = plan.summary.add + plan.summary.change + plan.summary.remove;
    if (options.onlyIfUnchanged && resourceChanges > 0) {
      // The saved plan was made from Route 53 as refreshed now; applying it would write curvectl's
      // weights back over whatever differs (see TrafficApplyOptions).
      await this.tf.discardPlan(dir, plan.planFile);
      return { ...plan.summary, withheld: true };
    }
    return this.tf.apply(dir, plan.planFile, { stack: 'traffic', workspace: 'default', ...runOpts(options) });
  }

  trafficApplyCommands(): readonly string[] {
    const dir = this.dirOf('traffic');
    const planFile = path.join(CURVECTL_DATA_DIR, 'default-traffic.tfplan');
    return [this.tf.commandLine(dir, planArgs({ out: planFile }), 'default'), this.tf.commandLine(dir, applyPlanArgs(planFile), 'default')];
  }

  async planTrafficWeights(weights: Weights, options: RunOptions = {}): Promise<PlanResult> {
    const dir = this.dirOf('traffic');
    const sorted = sortedWeights(weights);
    // Only init: prepareTraffic would rewrite the var files. Command-line -var-file values win over
    // *.auto.tfvars.json (Terraform docs, "Input Variables", Variable Definition Precedence), so the
    // plan sees these weights, and the configured settings, with both files left as they are.
    await this.prepare('traffic', options);
    const temporary = new DryRunFiles(dir);
    try {
      const varFiles = [await temporary.write('weights', weightsFileContent(sorted))];
      const settings = `${JSON.stringify(this.trafficSettings(), null, 2)}\n`;
      const settingsStale = (await readOrUndefined(path.join(dir, TRAFFIC_SETTINGS_FILE))) !== settings;
      if (settingsStale) varFiles.push(await temporary.write('settings', settings));
      const plan = await this.tf.plan(dir, { stack: 'traffic', workspace: 'default', varFiles, lock: false, ...runOpts(options) });
      await this.tf.discardPlan(dir, plan.planFile);
      return {
        changes: plan.resourceChanges,
        summary: plan.summary,
        resources: plan.resources,
        commands: [
          `# curvectl writes ${this.weightsFile}: ${JSON.stringify({ cluster_weighting: sorted })}`,
          ...(settingsStale ? [`# and ${path.join(dir, TRAFFIC_SETTINGS_FILE)} from curvectl.yaml (dns and the cluster state backend)`] : []),
          ...this.trafficApplyCommands(),
        ],
      };
    } finally {
      await temporary.removeAll();
    }
  }

  private async prepareTraffic(options: RunOptions): Promise<string> {
    const dir = this.dirOf('traffic');
    await writeIfChanged(path.join(dir, TRAFFIC_SETTINGS_FILE), `${JSON.stringify(this.trafficSettings(), null, 2)}\n`);
    // Terraform reads the var file: make this checkout's copy the team's weights first.
    const shared = await this.options.desiredWeights?.read();
    if (shared !== undefined) await writeIfChanged(this.weightsFile, weightsFileContent(sortedWeights(shared)));
    await this.prepare('traffic', options);
    return dir;
  }

  // -------------------------------------------------------------------------------------------
  // cluster + platform

  /**
   * The cluster stack's workspaces, read from the backend's own storage (no Terraform process, no
   * init): this is on the path of `status`, the command run most (workspace-listing.ts).
   */
  async listClusters(): Promise<string[]> {
    const names = await this.readWorkspaces('cluster');
    return names.filter((n) => n !== 'default').sort();
  }

  private async readWorkspaces(stack: StackName): Promise<string[]> {
    const backend = this.options.backend;
    if (backend.type === 'local') return localWorkspaces(this.dirOf(stack));
    const list = this.options.listObjectKeys;
    if (!list) {
      // No lister wired (tests of the Terraform side only): ask Terraform.
      const dir = await this.prepare(stack, {});
      return this.tf.workspaces(dir);
    }
    const layout = this.s3Layout(stack);
    const region = backend.region ?? this.options.region;
    const keys = await list({ bucket: backend.bucket, prefix: `${layout.workspaceKeyPrefix}/`, ...(region ? { region } : {}) });
    return s3WorkspacesFromKeys(keys, layout);
  }

  async clusterOutputs(name: string, options: RunOptions = {}): Promise<ClusterOutputs | undefined> {
    assertClusterName(name);
    const dir = await this.prepare('cluster', options);
    // Reading in a workspace that does not exist would create it: check first.
    if (!(await this.tf.workspaces(dir, runOpts(options))).includes(name)) return undefined;
    const outputs = await this.tf.outputs(dir, name, { stack: 'cluster', ...runOpts(options) });
    return mapClusterOutputs(outputs);
  }

  /**
   * A dry run of applyCluster. Terraform plans in a workspace only by having it (with TF_WORKSPACE,
   * the local backend creates a missing one's directory, the S3 backend its state object), and the
   * stacks refuse any other workspace than the cluster's own (cluster_name must equal it). So a new
   * cluster's workspace exists for the length of its plan and is deleted right after, also after an
   * error or Ctrl-C; only a `kill -9` in between leaves it (empty: `cluster list` shows it, and
   * `curvectl retire <name>` removes it). Nothing else is written (see DryRunFiles), the plan takes
   * no lock, and its file is deleted: a saved plan applied by hand would skip curvectl's gates,
   * registration and journal, it is stale as soon as anything changes, and it holds variable values.
   * The printed lines are those applyCluster runs, in order, so every file one of them reads exists
   * or is written by an earlier line.
   */
  async planCluster(spec: ClusterSpec, options: RunOptions = {}): Promise<PlanResult> {
    assertClusterName(spec.name);
    const dir = await this.prepare('cluster', options);
    const temporary = new DryRunFiles(dir);
    const vars = await this.dryRunVars(temporary, 'cluster', spec.name, this.clusterVariables(spec));
    const { created } = await this.tf.ensureWorkspace(dir, spec.name, runOpts(options));
    try {
      const plan = await this.tf.plan(dir, { stack: 'cluster', workspace: spec.name, varFiles: [vars.file], lock: false, ...runOpts(options) });
      await this.tf.discardPlan(dir, plan.planFile);
      return {
        changes: plan.resourceChanges,
        summary: plan.summary,
        resources: plan.resources,
        commands: [...vars.notes, ...(created ? [this.tf.commandLine(dir, workspaceNewArgs(spec.name), spec.name)] : []), ...this.applyLines('cluster', spec.name)],
      };
    } finally {
      // A plan must not leave a workspace behind: it would list as a cluster.
      try {
        if (created) await this.tf.deleteWorkspace(dir, spec.name);
      } finally {
        await temporary.removeAll();
      }
    }
  }

  async platformApplyCommands(name: string): Promise<readonly string[]> {
    assertClusterName(name);
    const dir = this.dirOf('platform');
    const relative = runVarsPath('platform', name);
    const wanted = `${JSON.stringify(this.platformVariables(name), null, 2)}\n`;
    const exists = (await this.readWorkspaces('platform')).includes(name);
    return [
      ...((await readOrUndefined(path.join(dir, relative))) === wanted ? [] : [varsNote(dir, relative, this.platformVariables(name))]),
      ...(exists ? [] : [this.tf.commandLine(dir, workspaceNewArgs(name), name)]),
      ...this.applyLines('platform', name),
    ];
  }

  /** A dry run of retire's destroys: `plan -destroy` of each stack that has the workspace, nothing written (as planCluster). */
  async planDestroy(name: string, options: RunOptions & { platform?: boolean } = {}): Promise<DestroyPlan> {
    assertClusterName(name);
    const plans: DestroyPlan['plans'][number][] = [];
    const commands: string[] = [];
    const deletes: string[] = [];
    const stacks = options.platform === false ? (['cluster'] as const) : (['platform', 'cluster'] as const);
    for (const stack of stacks) {
      const dir = await this.prepare(stack, options);
      // destroyPlatform / destroyCluster skip a stack without the workspace, and so does this.
      if (!(await this.tf.workspaces(dir, runOpts(options))).includes(name)) continue;
      const temporary = new DryRunFiles(dir);
      try {
        const variables = stack === 'cluster' ? this.destroyClusterVariables(name) : this.platformVariables(name);
        const vars = await this.dryRunVars(temporary, stack, name, variables);
        const plan = await this.tf.plan(dir, { stack, workspace: name, varFiles: [vars.file], destroy: true, lock: false, ...runOpts(options) });
        await this.tf.discardPlan(dir, plan.planFile);
        plans.push({ stack, workspace: name, summary: plan.summary, resources: plan.resources });
        commands.push(...vars.notes, this.tf.commandLine(dir, destroyArgs({ varFiles: [runVarsPath(stack, name)] }), name));
        // deleteWorkspace runs with TF_WORKSPACE=default: Terraform will not delete the selected one.
        deletes.push(this.tf.commandLine(dir, workspaceDeleteArgs(name), 'default'));
      } finally {
        await temporary.removeAll();
      }
    }
    // deleteWorkspaces goes platform first, like the destroys.
    return { plans, commands: [...commands, ...deletes] };
  }

  /** The plan and apply lines applyCluster / applyPlatform run for `name`. */
  private applyLines(stack: 'cluster' | 'platform', name: string): string[] {
    const dir = this.dirOf(stack);
    const planFile = runPlanPath(stack, name);
    return [
      this.tf.commandLine(dir, planArgs({ out: planFile, varFiles: [runVarsPath(stack, name)] }), name),
      this.tf.commandLine(dir, applyPlanArgs(planFile), name),
    ];
  }

  /**
   * The var file a dry run's plan reads: the run's own when it already holds `variables` (nothing to
   * write), else a temporary copy, with a line saying that the real run writes its file first.
   */
  private async dryRunVars(temporary: DryRunFiles, stack: StackName, name: string, variables: Record<string, unknown>): Promise<{ file: string; notes: string[] }> {
    const relative = runVarsPath(stack, name);
    const content = `${JSON.stringify(variables, null, 2)}\n`;
    if ((await readOrUndefined(path.join(this.dirOf(stack), relative))) === content) return { file: relative, notes: [] };
    return { file: await temporary.write(`${stack}-${name}`, content), notes: [varsNote(this.dirOf(stack), relative, variables)] };
  }

  private destroyClusterVariables(name: string): Record<string, unknown> {
    return this.clusterVariables({ name, kubernetesVersion: this.options.clusterDefaults.kubernetesVersion });
  }

  async applyCluster(spec: ClusterSpec, options: RunOptions = {}): Promise<ClusterOutputs> {
    assertClusterName(spec.name);
    const dir = await this.prepare('cluster', options);
    const varFile = await this.writeRunVars('cluster', spec.name, this.clusterVariables(spec));
    await this.tf.ensureWorkspace(dir, spec.name, runOpts(options));
    const run = { stack: 'cluster' as const, workspace: spec.name, ...runOpts(options) };
    const plan = await this.tf.plan(dir, { ...run, varFiles: [varFile], planFile: runPlanPath('cluster', spec.name) });
    const replacedClusters = plan.replaced.filter((r) => r.type === 'aws_eks_cluster');
    if (replacedClusters.length > 0) {
      // Never replace a live cluster in place. In the stacks here the node group's create_before_destroy
      // is forced onto everything it depends on, the cluster too (Terraform language docs, "lifecycle
      // meta-argument": create_before_destroy propagates to dependencies), so Terraform would first
      // create a second cluster of the same name, which EKS refuses; without it, it would destroy the
      // cluster serving traffic first. Either way the answer is a new cluster and a shift.
      await this.tf.discardPlan(dir, plan.planFile);
      throw refused(
        `The cluster stack's plan for ${spec.name} replaces its EKS cluster (${replacedClusters.map((r) => r.address).join(', ')}); nothing was applied.`,
        `A setting EKS cannot change in place (subnets, the secrets key, the creator's admin bootstrap, ...) changed. curvectl replaces a cluster by creating a new one and shifting its traffic ("curvectl cycle --from ${spec.name} --to <new-name>"): set it back for ${spec.name}, and give the new value to the new cluster.`,
        { replaced: replacedClusters.map((r) => r.address) },
      );
    }
    if (plan.changes) await this.tf.apply(dir, plan.planFile, run);
    else await this.tf.discardPlan(dir, plan.planFile);
    const outputs = mapClusterOutputs(await this.tf.outputs(dir, spec.name, { stack: 'cluster', ...runOpts(options) }));
    if (!outputs) {
      throw new CurvectlError('INCONSISTENT', `The cluster stack applied in workspace ${spec.name} but has no cluster_name / ingress_dns_name outputs.`, {
        hint: `The cluster stack must output cluster_name, kubernetes_version and ingress_dns_name (see the README); check ${dir}.`,
      });
    }
    return outputs;
  }

  async destroyCluster(name: string, options: RunOptions = {}): Promise<void> {
    assertClusterName(name);
    const dir = await this.prepare('cluster', options);
    if (!(await this.tf.workspaces(dir, runOpts(options))).includes(name)) return;
    const varFile = await this.writeRunVars('cluster', name, this.destroyClusterVariables(name));
    await this.tf.destroy(dir, { stack: 'cluster', workspace: name, varFiles: [varFile], ...runOpts(options) });
  }

  async applyPlatform(name: string, options: RunOptions = {}): Promise<void> {
    assertClusterName(name);
    const dir = await this.prepare('platform', options);
    const varFile = await this.writeRunVars('platform', name, this.platformVariables(name));
    await this.tf.ensureWorkspace(dir, name, runOpts(options));
    const run = { stack: 'platform' as const, workspace: name, ...runOpts(options) };
    const plan = await this.tf.plan(dir, { ...run, varFiles: [varFile], planFile: runPlanPath('platform', name) });
    if (plan.changes) await this.tf.apply(dir, plan.planFile, run);
    else await this.tf.discardPlan(dir, plan.planFile);
  }

  async destroyPlatform(name: string, options: RunOptions = {}): Promise<void> {
    assertClusterName(name);
    const dir = await this.prepare('platform', options);
    if (!(await this.tf.workspaces(dir, runOpts(options))).includes(name)) return;
    const varFile = await this.writeRunVars('platform', name, this.platformVariables(name));
    await this.tf.destroy(dir, { stack: 'platform', workspace: name, varFiles: [varFile], ...runOpts(options) });
  }

  async deleteWorkspaces(name: string, options: RunOptions & { platform?: boolean } = {}): Promise<void> {
    assertClusterName(name);
    // Platform first: it depends on the cluster. Terraform refuses to delete a workspace that still
    // tracks resources (no -force), which is the safety we want.
    const stacks = options.platform === false ? (['cluster'] as const) : (['platform', 'cluster'] as const);
    for (const stack of stacks) {
      const dir = await this.prepare(stack, options);
      await this.tf.deleteWorkspace(dir, name, runOpts(options));
    }
  }

  // -------------------------------------------------------------------------------------------
  // variables and backend

  clusterVariables(spec: ClusterSpec): Record<string, unknown> {
    return {
      ...this.options.clusterDefaults.variables,
      ...(spec.variables ?? {}),
      cluster_name: spec.name,
      kubernetes_version: spec.kubernetesVersion,
    };
  }

  /** The platform stack reads the cluster's outputs from its state, like the traffic stack. */
  platformVariables(name: string): Record<string, unknown> {
    const state = this.clusterStateReference();
    return {
      ...this.options.platformVariables,
      cluster_name: name,
      cluster_state_backend: state.backend,
      cluster_state_config: state.config,
    };
  }

  /** Writes the variables of one run to .terraform/curvectl/<stack>-<name>.tfvars.json; returns the path relative to the stack. */
  private async writeRunVars(stack: StackName, name: string, variables: Record<string, unknown>): Promise<string> {
    const relative = runVarsPath(stack, name);
    const file = path.join(this.dirOf(stack), relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(variables, null, 2)}\n`);
    return relative;
  }

  /** Makes the backend files match configuration, then init (skipped when up to date). */
  private async prepare(stack: StackName, options: RunOptions): Promise<string> {
    const dir = this.dirOf(stack);
    const { overrideFile, backendConfig } = this.backendFiles(stack);
    await syncOverrideFile(path.join(dir, OVERRIDE_FILE), overrideFile);
    await this.tf.init(dir, { stack, ...runOpts(options), ...(backendConfig ? { backendConfig } : {}) });
    return dir;
  }

  // ----- S3 backend -----
  // The stacks declare `backend "local" {}`. With backend.type = s3, curvectl writes
  // curvectl_override.tf (`terraform { backend "s3" {} }`, which overrides the backend block) and
  // passes bucket / key / region / locking as -backend-config, so switching needs configuration
  // only. Layout in the bucket (s3Layout):
  //   <keyPrefix>/traffic.tfstate                          traffic (one state, workspace "default")
  //   <keyPrefix>/env:/<cluster>/<keyPrefix>/cluster.tfstate   cluster, one workspace per cluster
  //   <keyPrefix>/env:/<cluster>/<keyPrefix>/platform.tfstate  platform, likewise
  // (<keyPrefix>/cluster.tfstate itself is the unused "default" workspace.) Every stack locks its
  // state while it runs: a `.tflock` object beside it (useLockfile, Terraform >= 1.10) and/or a
  // DynamoDB lock table (dynamodbTable); curvectl passes -lock-timeout so a teammate's run is waited
  // for instead of failing. The cluster and platform stacks share the workspace prefix but not the
  // key, so `workspace list` in one never shows the other's workspaces.

  /** Key and workspace prefix of a stack's state; the configured prefix without stray slashes. */
  s3Layout(stack: StackName): { key: string; workspaceKeyPrefix: string } {
    const backend = this.options.backend;
    // Terraform refuses a key or workspace_key_prefix that starts or ends with "/".
    const prefix = backend.type === 's3' ? backend.keyPrefix.replace(/^\/+|\/+$/g, '') : '';
    return prefix === ''
      ? { key: `${stack}.tfstate`, workspaceKeyPrefix: 'env:' }
      : { key: `${prefix}/${stack}.tfstate`, workspaceKeyPrefix: `${prefix}/env:` };
  }

  backendFiles(stack: StackName): { overrideFile: string | undefined; backendConfig: Record<string, string> | undefined } {
    const backend = this.options.backend;
    if (backend.type === 'local') return { overrideFile: undefined, backendConfig: undefined };
    const region = backend.region ?? this.options.region;
    const layout = this.s3Layout(stack);
    const backendConfig: Record<string, string> = {
      bucket: backend.bucket,
      key: layout.key,
      workspace_key_prefix: layout.workspaceKeyPrefix,
      ...(region ? { region } : {}),
      ...(backend.useLockfile ? { use_lockfile: 'true' } : {}),
      ...(backend.dynamodbTable ? { dynamodb_table: backend.dynamodbTable } : {}),
    };
    const overrideFile = `${OVERRIDE_MARKER} because curvectl.yaml sets terraform.backend.type: s3. Do not edit; it is\n# rewritten on every run and removed when the backend is local again.\nterraform {\n  backend "s3" {}\n}\n`;
    return { overrideFile, backendConfig };
  }

  /** How the traffic stack finds each cluster's state (terraform_remote_state, workspace = cluster). */
  clusterStateReference(): { backend: 'local' | 's3'; config: Record<string, string> } {
    const backend = this.options.backend;
    if (backend.type === 'local') {
      // Absolute, so the traffic stack finds it whatever its working directory.
      const clusterDir = this.dirOf('cluster');
      return {
        backend: 'local',
        config: { path: path.join(clusterDir, 'terraform.tfstate'), workspace_dir: path.join(clusterDir, 'terraform.tfstate.d') },
      };
    }
    // The same bucket, key and workspace prefix the cluster stack itself uses (reads take no lock).
    const region = backend.region ?? this.options.region;
    const layout = this.s3Layout('cluster');
    return {
      backend: 's3',
      config: {
        bucket: backend.bucket,
        key: layout.key,
        workspace_key_prefix: layout.workspaceKeyPrefix,
        ...(region ? { region } : {}),
      },
    };
  }
}

export function mapClusterOutputs(outputs: Record<string, { value?: unknown }>): ClusterOutputs | undefined {
  const clusterName = outputs.cluster_name?.value;
  const ingressDnsName = outputs.ingress_dns_name?.value;
  const kubernetesVersion = outputs.kubernetes_version?.value;
  if (typeof clusterName !== 'string' || typeof ingressDnsName !== 'string' || clusterName === '' || ingressDnsName === '') return undefined;
  return { clusterName, ingressDnsName, kubernetesVersion: typeof kubernetesVersion === 'string' ? kubernetesVersion : '' };
}

/** The part of a port call's options that a Terraform run takes (a wider options object has more). */
function runOpts(options: RunOptions): { signal?: AbortSignal; onProgress?: RunOptions['onProgress'] } {
  return definedOnly({ signal: options.signal, onProgress: options.onProgress });
}

/** The weights in name order, each checked: an integer from 0 to 255. */
function sortedWeights(weights: Weights): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const name of Object.keys(weights).sort()) {
    const weight = weights[name];
    if (!isRecordWeight(weight)) {
      throw new CurvectlError('INTERNAL', `Refusing to write weight ${String(weight)} for "${name}": weights are integers from 0 to 255.`);
    }
    sorted[name] = weight;
  }
  return sorted;
}

function weightsFileContent(sorted: Weights): string {
  return `${JSON.stringify({ cluster_weighting: sorted }, null, 2)}\n`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  try {
    if ((await readFile(file, 'utf8')) === content) return;
  } catch {
    // missing: write it
  }
  await writeFileAtomic(file, content);
}

/** Writes the override file, or removes it when none is wanted, but only a file curvectl wrote. */
async function syncOverrideFile(file: string, content: string | undefined): Promise<void> {
  if (content !== undefined) {
    await writeIfChanged(file, content);
    return;
  }
  let existing: string;
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    return;
  }
  if (existing.startsWith(OVERRIDE_MARKER)) await rm(file, { force: true });
}

/** A run's var file, relative to its stack directory. */
function runVarsPath(stack: StackName, name: string): string {
  return path.join(CURVECTL_DATA_DIR, `${stack}-${name}.tfvars.json`);
}

/** The saved plan of a cluster or platform run, relative to its stack directory. */
function runPlanPath(stack: 'cluster' | 'platform', name: string): string {
  return path.join(CURVECTL_DATA_DIR, `${stack}-${name}.tfplan`);
}

/** Names the variables, never their values (the platform's may hold a license key). */
function varsNote(dir: string, relative: string, variables: Record<string, unknown>): string {
  return `# curvectl writes ${path.join(dir, relative)} first (${Object.keys(variables).sort().join(', ')})`;
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Temporary var files of one dry run, under the stack's .terraform/curvectl/, all removed by removeAll. */
class DryRunFiles {
  private readonly files: string[] = [];
  constructor(private readonly dir: string) {}

  /** Writes a temporary file; returns its path relative to the stack directory (for -var-file). */
  async write(label: string, content: string): Promise<string> {
    const relative = path.join(CURVECTL_DATA_DIR, `dry-run-${randomBytes(4).toString('hex')}-${label}.tfvars.json`);
    const file = path.join(this.dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    this.files.push(file);
    await writeFileAtomic(file, content);
    return relative;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.files.map((f) => rm(f, { force: true })));
  }
}
