// EKS, as the eks and nodegroups gates (and the Kubernetes port) see it.

export interface EksClusterInfo {
  readonly name: string;
  /** CREATING | ACTIVE | DELETING | FAILED | UPDATING | PENDING */
  readonly status: string;
  readonly version: string;
  readonly endpoint?: string;
  readonly arn?: string;
  /** certificateAuthority.data: the base64 PEM the API server's certificate chains to. */
  readonly certificateAuthority?: string;
  /** Health issues EKS reports for the control plane, as "CODE: message". */
  readonly healthIssues: readonly string[];
}

export interface EksNodegroupInfo {
  readonly name: string;
  readonly status: string;
  readonly version?: string;
  readonly healthIssues: readonly string[];
}

export interface EksPort {
  /** undefined when the cluster does not exist. */
  describeCluster(name: string, signal?: AbortSignal): Promise<EksClusterInfo | undefined>;
  listNodegroups(clusterName: string, signal?: AbortSignal): Promise<EksNodegroupInfo[]>;
}
