/**
 * Cluster leftovers: AWS resources tagged for a cluster that its Terraform stack did not make and
 * does not know, such as load balancers and security groups of `type: LoadBalancer` Services (the
 * AWS Load Balancer Controller tags them elbv2.k8s.aws/cluster, the in-tree controller
 * kubernetes.io/cluster/<name>), EBS volumes of PersistentVolumes (kubernetes.io/cluster/<name>)
 * and network interfaces the VPC CNI left. They keep the VPC from being deleted
 * (DependencyViolation), so retire looks for them before it destroys the cluster stack.
 */

export type LeftoverKind = 'load-balancer' | 'target-group' | 'security-group' | 'volume' | 'network-interface';

export interface Leftover {
  readonly kind: LeftoverKind;
  /** The id AWS deletes it by: an ARN (load balancers, target groups) or an EC2 id. */
  readonly id: string;
  /** Its name, when it has one (load balancer and target group names, the Name tag). */
  readonly name?: string;
  /** The tag that ties it to the cluster, as key=value. */
  readonly tag: string;
}

export interface LeftoversPort {
  /**
   * Resources tagged kubernetes.io/cluster/<cluster> or elbv2.k8s.aws/cluster=<cluster>, except what
   * the cluster stack manages (tagged curvectl/cluster) and what EKS deletes with the cluster
   * (tagged aws:eks:cluster-name), and except network interfaces that are attached or managed by
   * another service (they go with their instance or load balancer).
   */
  find(cluster: string, signal?: AbortSignal): Promise<readonly Leftover[]>;
  /** Deletes them in dependency order (load balancers first, security groups last) and waits until they are gone. */
  delete(leftovers: readonly Leftover[], signal?: AbortSignal): Promise<void>;
}
