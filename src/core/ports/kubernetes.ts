// A cluster's Kubernetes API, for the flux gate.

/** Which cluster-wide list to read: GET /apis/{group}/{version}/{plural}. */
export interface KubernetesList {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/**
 * A cluster's Kubernetes API, reached as EKS describes it (endpoint and CA from DescribeCluster, an
 * EKS token from the caller's AWS credentials), or at `apiServer` when configured (a tunnel, a proxy).
 */
export interface KubernetesPort {
  /** The items of each list, in order. Rejects with a CurvectlError naming what failed (unreachable, 401, 404...). */
  listObjects(
    cluster: string,
    lists: readonly KubernetesList[],
    options: { readonly apiServer?: string; readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<unknown[][]>;
}
