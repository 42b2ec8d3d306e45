// The cluster and platform stacks, one Terraform workspace per cluster (create, retire).
import type { PlanResult, RunOptions } from './terraform-run.js';

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

/** The cluster and platform stacks, one workspace per cluster: what create and retire drive. */
export interface ClusterStacks {
  /** Cluster workspaces that hold state (not "default"). */
  listClusters(): Promise<string[]>;
  /** Outputs of the cluster stack in the cluster's workspace; undefined if it has none. */
  clusterOutputs(name: string, options?: RunOptions): Promise<ClusterOutputs | undefined>;
  planCluster(spec: ClusterSpec, options?: RunOptions): Promise<PlanResult>;
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
