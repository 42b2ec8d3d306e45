// The cluster and platform stacks, one Terraform workspace per cluster (create, retire).
import type { ChangeSummary, PlanResult, RunOptions, StackName } from './terraform-run.js';

export interface ClusterOutputs {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly ingressDnsName: string;
}

export interface ClusterSpec {
  readonly name: string;
  readonly kubernetesVersion: string;
  /** Extra variables from configuration (sizing, VPC...). */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** What retire would destroy, planned without changing anything (retire --dry-run). */
export interface DestroyPlan {
  /** One `terraform plan -destroy` per stack that has the cluster's workspace, in the order retire destroys them. */
  readonly plans: readonly { readonly stack: StackName; readonly workspace: string; readonly summary: ChangeSummary; readonly resources: readonly string[] }[];
  /** The terraform command lines retire runs (destroys, then workspace deletes); lines starting with "#" say what curvectl does in between. */
  readonly commands: readonly string[];
}

/** The cluster and platform stacks, one workspace per cluster: what create and retire drive. */
export interface ClusterStacks {
  /** Cluster workspaces that hold state (not "default"). */
  listClusters(): Promise<string[]>;
  /** Outputs of the cluster stack in the cluster's workspace; undefined if it has none. */
  clusterOutputs(name: string, options?: RunOptions): Promise<ClusterOutputs | undefined>;
  /**
   * For --dry-run: plans the cluster stack as applyCluster would, changing nothing (no var file
   * written, no plan file or workspace left behind); `commands` are the lines applyCluster runs.
   */
  planCluster(spec: ClusterSpec, options?: RunOptions): Promise<PlanResult>;
  /** For --dry-run: the terraform command lines applyPlatform runs (the platform cannot be planned before its cluster exists). */
  platformApplyCommands?(name: string): Promise<readonly string[]>;
  /** For --dry-run: plans the destroys retire runs (platform unless `platform` is false, then cluster), changing nothing. */
  planDestroy?(name: string, options?: RunOptions & { platform?: boolean }): Promise<DestroyPlan>;
  applyCluster(spec: ClusterSpec, options?: RunOptions): Promise<ClusterOutputs>;
  destroyCluster(name: string, options?: RunOptions): Promise<void>;
  applyPlatform(name: string, options?: RunOptions): Promise<void>;
  destroyPlatform(name: string, options?: RunOptions): Promise<void>;
  /**
   * Removes the cluster's (empty) workspaces: the cluster stack's, and the platform stack's unless
   * `platform` is false (a platform never applied needs no init, which needs Helm providers).
   */
  deleteWorkspaces(name: string, options?: RunOptions & { platform?: boolean }): Promise<void>;
}
