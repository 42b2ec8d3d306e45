/**
 * The narrow interfaces the core needs from the outside world. Adapters (src/adapters/*) implement
 * them against Terraform, AWS and the local disk; tests implement them with fakes. The core imports
 * nothing else from outside: no SDK, no execa, no terminal library, no process.env.
 */

/** Cluster name -> weight. Percentages in practice (sum 100); Route 53 accepts 0-255 per record. */
export type Weights = Readonly<Record<string, number>>;

// ---------------------------------------------------------------------------------------------
// Route 53: the live truth of where traffic goes.

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
  /** Polls GetChange until INSYNC (gently: Route 53 is rate-limited per account). */
  waitInSync(changeId: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// EKS, ELBv2, CloudWatch: what health gates look at.

export interface EksClusterInfo {
  readonly name: string;
  /** CREATING | ACTIVE | DELETING | FAILED | UPDATING | PENDING */
  readonly status: string;
  readonly version: string;
  readonly endpoint?: string;
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

export interface TargetHealth {
  readonly targetGroupArn: string;
  readonly targetId: string;
  /** healthy | unhealthy | initial | draining | unused | unavailable */
  readonly state: string;
  readonly reason?: string;
}

export interface Elbv2Port {
  /** Health of every target of every target group behind the load balancer with this DNS name. */
  targetHealthForLoadBalancer(dnsName: string, signal?: AbortSignal): Promise<TargetHealth[]>;
}

export interface AlarmState {
  readonly name: string;
  /** OK | ALARM | INSUFFICIENT_DATA */
  readonly state: string;
  readonly reason?: string;
}

export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly start: Date;
  readonly end: Date;
}

export interface CloudWatchPort {
  /** States of the named alarms; a name that does not exist is absent from the result. */
  alarmStates(names: readonly string[], signal?: AbortSignal): Promise<AlarmState[]>;
  /** Sum of a metric over [start, end) (GetMetricStatistics, Sum). 0 when there are no data points. */
  sumMetric(query: MetricQuery, signal?: AbortSignal): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Terraform stacks (cluster, platform, traffic), as the core sees them.

/** Progress from a running terraform, parsed from its -json stream. */
export interface TerraformProgress {
  readonly stack: StackName;
  readonly workspace: string;
  /** e.g. "apply_start", "apply_complete", "change_summary", "diagnostic" */
  readonly type: string;
  readonly message: string;
  /** For change summaries: resources added / changed / removed so far. */
  readonly counts?: { add: number; change: number; remove: number };
}

export type StackName = 'cluster' | 'platform' | 'traffic';

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: TerraformProgress) => void;
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

export interface PlanResult {
  readonly changes: boolean;
  readonly summary: ChangeSummary;
  /** Addresses of resources that would change, for --dry-run and messages. */
  readonly resources: readonly string[];
  /** The exact terraform commands this plan corresponds to, for --dry-run. */
  readonly commands: readonly string[];
}

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

export interface Stacks {
  // traffic
  /**
   * The desired weights ({} when there are none yet): curvectl's JSON var file of the traffic stack,
   * or, with a team's DynamoDB state, the shared copy of which that file is a local mirror.
   */
  readDesiredWeights(): Promise<Weights>;
  /**
   * Writes the desired weights: the var file atomically (temp file + rename), after the shared copy
   * when there is one. Called only while holding the traffic lock.
   */
  writeDesiredWeights(weights: Weights): Promise<void>;
  planTraffic(options?: RunOptions): Promise<PlanResult>;
  applyTraffic(options?: RunOptions): Promise<ChangeSummary>;

  // cluster + platform, one workspace per cluster
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

// ---------------------------------------------------------------------------------------------
// Lock and journal.

export interface LockInfo {
  /** "traffic" for shifts, "cluster:<name>" for lifecycle. */
  readonly scope: string;
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly operation: string;
  /** ISO 8601 */
  readonly startedAt: string;
  /** ISO 8601; only for leased locks (DynamoDB). */
  readonly expiresAt?: string;
}

export interface LockStatus extends LockInfo {
  /** The holder is gone (local: pid not running on this host; DynamoDB: lease expired). */
  readonly stale: boolean;
}

export interface LockHandle {
  readonly info: LockInfo;
  release(): Promise<void>;
  /**
   * Whether the lock is still this process's. Only leased locks (DynamoDB) can be lost while held:
   * a lease that ran out before it was renewed may be taken over by another operator. Absent means
   * the lock cannot be lost (local lock files, fakes).
   */
  stillHeld?(): boolean;
}

export interface JournalEvent {
  /** ISO 8601, set by the store if absent. */
  readonly at: string;
  /** Operation id: every event of one shift / create / retire shares it. */
  readonly op: string;
  /** e.g. "shift.planned", "shift.step.intent", "shift.step.done", "shift.completed". */
  readonly type: string;
  readonly actor?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface StateStore {
  /** Takes the lock or throws CurvectlError LOCKED naming the holder. A stale lock is not taken over silently. */
  acquireLock(scope: string, operation: string): Promise<LockHandle>;
  readLock(scope: string): Promise<LockStatus | null>;
  /** Removes a lock only if it is stale (or `force`); returns what was removed. */
  clearLock(scope: string, options?: { force?: boolean }): Promise<LockStatus | null>;
  append(event: Omit<JournalEvent, 'at'> & { at?: string }): Promise<JournalEvent>;
  readJournal(filter?: { op?: string; typePrefix?: string }): Promise<JournalEvent[]>;
}

// ---------------------------------------------------------------------------------------------
// Time, so tests can run bakes instantly.

export interface Clock {
  now(): Date;
  /** Resolves after ms, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Probes used by the http and command gates (implemented with node:http and the process module).

export interface HttpProbePort {
  /** One GET; resolves with the status code, rejects on network errors and timeouts. */
  probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }): Promise<{ status: number }>;
}

/** One HTTP request with its answer read (prometheus and web gates; implemented with fetch). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  /** The body as text (bounded: a huge answer is cut, never read whole into memory). */
  readonly body: string;
}

export interface HttpClientPort {
  /** Resolves with any status code; rejects on network errors and timeouts (CurvectlError ENVIRONMENT). */
  request(request: HttpRequest): Promise<HttpAnswer>;
}

/** JSONPath over a parsed JSON answer (the web gate); every value the path matches, in order. */
export interface JsonPathPort {
  /** Throws when the expression cannot be evaluated. */
  evaluate(path: string, json: unknown): unknown[];
}

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

export interface CommandPort {
  /** Runs argv (never a shell). Resolves with the exit code; rejects only when it cannot start. */
  run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string }>;
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C, as the core sees it. The CLI turns the first SIGINT into a request (the core stops at the
// next safe point and asks what to do) and the second into an abort of `signal` (exit at once,
// leaving the journal for `shift resume`).

export interface Interrupts {
  /** True once the operator pressed Ctrl-C and the request has not been handled yet. */
  readonly requested: boolean;
  /** Marks the current request handled (after asking the operator). */
  acknowledge(): void;
  /** Called on the first Ctrl-C; returns an unsubscribe function. */
  onRequest(listener: () => void): () => void;
  /** Aborted on the second Ctrl-C. */
  readonly signal: AbortSignal;
}
