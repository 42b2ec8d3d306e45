// Route 53: the live truth of where traffic goes.

/** Cluster name -> weight. Percentages in practice (sum 100); Route 53 accepts 0-255 per record. */
export type Weights = Readonly<Record<string, number>>;

/** One weighted record under the fixed name, as Route 53 returns it. */
export interface WeightedRecord {
  /** The cluster name (curvectl uses the cluster name as the set identifier). */
  readonly setIdentifier: string;
  readonly weight: number;
  /** The CNAME target: the cluster's ingress load balancer DNS name. */
  readonly value: string;
  readonly ttl: number;
  readonly healthCheckId?: string;
}

export interface TrafficDns {
  /** The record name curvectl manages, for messages. */
  readonly recordName: string;
  /** Every weighted CNAME under the fixed record name. */
  readRecords(signal?: AbortSignal): Promise<WeightedRecord[]>;
  /**
   * One ChangeResourceRecordSets call that moves every record in `expected` to the weight in
   * `next`: a DELETE of the exact current record plus a CREATE of the new one for each, so that on
   * real Route 53 the batch is an all-or-nothing compare-and-swap (it fails if anyone changed a
   * record since `expected` was read). Returns the change id to wait on.
   */
  swapWeights(expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal): Promise<string>;
  /**
   * The ChangeResourceRecordSets request swapWeights would send (HostedZoneId and ChangeBatch, as
   * JSON), without sending it: for --dry-run.
   */
  describeSwap?(expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal): Promise<Record<string, unknown>>;
  /**
   * The ChangeResourceRecordSets request that deletes `record` exactly as read (HostedZoneId and
   * ChangeBatch, as JSON), without sending it: for retire --dry-run. It is what Terraform's AWS
   * provider sends when it destroys the record's aws_route53_record.
   */
  describeRemoval?(record: WeightedRecord, signal?: AbortSignal): Promise<Record<string, unknown>>;
  /** The hosted zone's id ("Z123..."), for scoping an IAM policy to it (iam-policy). */
  hostedZoneId?(signal?: AbortSignal): Promise<string>;
  /** Polls GetChange until INSYNC (gently: Route 53 is rate-limited per account). */
  waitInSync(changeId: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void>;
}
