/**
 * In-memory fakes of the core's ports, for unit tests of the core. They behave like the real
 * adapters where the core relies on it (Route 53 compare-and-swap, atomic var file, lock held
 * until released, sleep rejecting on abort) and record what was asked of them.
 */
import { CurvectlError } from '../../src/core/errors.js';
import type {
  Choice,
  IoHost,
  Message,
  Progress,
  View,
} from '../../src/core/io-host.js';
import type {
  AlarmState,
  ChangeSummary,
  Clock,
  CloudWatchPort,
  ClusterOutputs,
  ClusterSpec,
  DestroyPlan,
  EksClusterInfo,
  EksNodegroupInfo,
  EksPort,
  Elbv2Port,
  Interrupts,
  JournalEvent,
  LockHandle,
  LockInfo,
  LockStatus,
  MetricQuery,
  PlanResult,
  RunOptions,
  TrafficApplyOptions,
  Stacks,
  StateStore,
  TargetHealth,
  TrafficDns,
  WeightedRecord,
  Weights,
  LockIdentity,
} from '../../src/core/ports.js';
import { sameLock } from '../../src/core/lock-scope.js';
import { normaliseDnsName } from '../../src/core/names.js';
import { isRecordWeight } from '../../src/core/weights.js';
import type { DesiredWeightsStore } from '../../src/core/ports/desired-weights-store.js';
import type { GateCheck, GateChecker, GateTarget } from '../../src/core/gates/types.js';
import { abortError, throwIfAborted } from './fake-waits.js';

// The fakes of the ports that wait on a process or a server have files of their own.
export { abortError } from './fake-waits.js';
export { FakeCommand } from './fake-command.js';
export { FakeHttp, FakeHttpClient } from './fake-http.js';

export function ingressOf(name: string): string {
  return `${name}-ingress-0123456789.elb.eu-west-1.amazonaws.com`;
}

// ---------------------------------------------------------------------------------------------
// Time.

export class FakeClock implements Clock {
  private time: number;
  readonly sleeps: number[] = [];
  /** Called after each sleep has advanced the time (e.g. to press Ctrl-C mid-bake). */
  onSleep: ((ms: number, clock: FakeClock) => void) | undefined;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.time = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  advance(ms: number): void {
    this.time += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.sleeps.push(ms);
    this.time += ms;
    this.onSleep?.(ms, this);
    await Promise.resolve();
    throwIfAborted(signal);
  }

  get slept(): number {
    return this.sleeps.reduce((a, b) => a + b, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Route 53.

export interface SwapCall {
  readonly expected: readonly WeightedRecord[];
  readonly next: Weights;
}

export class FakeDns implements TrafficDns {
  readonly recordName = 'api-origin.example.test';
  records: WeightedRecord[];
  readonly swaps: SwapCall[] = [];
  readonly waits: string[] = [];
  reads = 0;
  /** Makes the next swapWeights calls throw this. */
  failSwap: Error | undefined;
  /** Fails only the Nth swapWeights call (1-based), as Route 53 refusing a batch would. */
  failSwapOn: number | undefined;
  /** Called at the start of each swapWeights with its 1-based number (e.g. to crash before Route 53 changes). */
  onSwap: ((n: number) => void) | undefined;
  /** Makes readRecords throw this (once per set). */
  failRead: Error | undefined;
  /** The Nth swapWeights call (1-based) is applied, then its answer is lost (a 500 after Route 53 accepted it). */
  loseAnswerOn: number | undefined;
  /** Called after each readRecords with its 1-based number (e.g. someone else changing the weights mid-bake). */
  onRead: ((n: number) => void) | undefined;
  /** Called at the start of each waitInSync with its 1-based number (e.g. to crash after Route 53 accepted a change). */
  onWaitInSync: ((n: number) => void) | undefined;
  private changes = 0;

  constructor(weights: Weights = {}, ttl = 60) {
    this.records = Object.entries(weights).map(([name, weight]) => ({
      setIdentifier: name,
      weight,
      value: ingressOf(name),
      ttl,
    }));
  }

  get weights(): Weights {
    return Object.fromEntries(this.records.map((r) => [r.setIdentifier, r.weight]));
  }

  /** Sets weights behind curvectl's back (what Terraform or a person would do). */
  setWeights(weights: Weights): void {
    for (const [name, weight] of Object.entries(weights)) {
      const existing = this.records.find((r) => r.setIdentifier === name);
      if (existing) this.records = this.records.map((r) => (r.setIdentifier === name ? { ...r, weight } : r));
      else this.records = [...this.records, { setIdentifier: name, weight, value: ingressOf(name), ttl: 60 }];
    }
  }

  async readRecords(signal?: AbortSignal): Promise<WeightedRecord[]> {
    throwIfAborted(signal);
    this.reads += 1;
    if (this.failRead) {
      const err = this.failRead;
      this.failRead = undefined;
      throw err;
    }
    const records = this.records.map((r) => ({ ...r }));
    this.onRead?.(this.reads);
    return records;
  }

  async swapWeights(expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal): Promise<string> {
    this.onSwap?.(this.swaps.length + 1);
    throwIfAborted(signal);
    // As the adapter: a swap names every record once, each a 0-255 integer, not all 0 (a bug otherwise).
    const ids = expected.map((r) => r.setIdentifier);
    const nextIds = Object.keys(next);
    if (ids.length === 0 || new Set(ids).size !== ids.length || ids.length !== nextIds.length || !ids.every((id) => Object.hasOwn(next, id))) {
      throw new CurvectlError('INTERNAL', 'swapWeights needs the full set of records and one new weight for each.', { details: { expected: ids, next: nextIds } });
    }
    if (!nextIds.every((id) => isRecordWeight(next[id])) || nextIds.every((id) => next[id] === 0)) {
      throw new CurvectlError('INTERNAL', `swapWeights was given weights Route 53 cannot take: ${JSON.stringify(next)}.`);
    }
    this.swaps.push({ expected: expected.map((r) => ({ ...r })), next: { ...next } });
    if (this.failSwap) throw this.failSwap;
    if (this.swaps.length === this.failSwapOn) throw new CurvectlError('AWS', 'Route 53 ChangeResourceRecordSets failed: PriorRequestNotComplete');
    // Real Route 53: the batch fails as a whole if any DELETE does not match the record exactly.
    for (const e of expected) {
      const current = this.records.find((r) => r.setIdentifier === e.setIdentifier);
      if (!current || current.weight !== e.weight || current.value !== e.value) {
        // As the real adapter reports Route 53's InvalidChangeBatch (src/adapters/aws/route53.ts).
        throw new CurvectlError('INCONSISTENT', `Route 53 records changed since they were read; nothing was changed (record ${e.setIdentifier}).`);
      }
    }
    this.records = this.records.map((r) =>
      Object.hasOwn(next, r.setIdentifier) ? { ...r, weight: next[r.setIdentifier] ?? r.weight } : r,
    );
    this.changes += 1;
    if (this.swaps.length === this.loseAnswerOn) throw new CurvectlError('AWS', 'Route 53 ChangeResourceRecordSets failed: InternalError (HTTP 500)');
    return `/change/C${this.changes}`;
  }

  async describeSwap(expected: readonly WeightedRecord[], next: Weights): Promise<Record<string, unknown>> {
    return {
      HostedZoneId: 'ZFAKE',
      ChangeBatch: {
        Changes: expected.flatMap((r) => [
          { Action: 'DELETE', SetIdentifier: r.setIdentifier, Weight: r.weight },
          { Action: 'CREATE', SetIdentifier: r.setIdentifier, Weight: next[r.setIdentifier] },
        ]),
      },
    };
  }

  async describeRemoval(record: WeightedRecord): Promise<Record<string, unknown>> {
    return { HostedZoneId: 'ZFAKE', ChangeBatch: { Changes: [{ Action: 'DELETE', SetIdentifier: record.setIdentifier, Weight: record.weight }] } };
  }

  async waitInSync(changeId: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
    this.onWaitInSync?.(this.waits.length + 1);
    throwIfAborted(options?.signal);
    this.waits.push(changeId);
  }
}

// ---------------------------------------------------------------------------------------------
// Terraform stacks.

export class FakeStacks implements Stacks {
  /** The traffic var file. */
  desired: Weights;
  writes: Weights[] = [];
  applies = 0;
  plans = 0;
  /** Fail the Nth call of applyTraffic (1-based), or every call from `failApplyFrom` on. */
  failApplyOn: number | undefined;
  failApplyFrom: number | undefined;
  /** What a failing apply throws. */
  applyError: () => Error = () => new CurvectlError('TERRAFORM', 'terraform apply failed: Error: creating Route 53 record: Throttling');
  /** Write the var file, but make Route 53 end up with these weights instead (a misbehaving module). */
  applyResult: Weights | undefined;
  /** Called at the start of each applyTraffic (e.g. to press Ctrl-C in the middle of one). */
  onApply: ((n: number) => void) | undefined;
  /** When true, planTraffic reports changes even when desired == live. */
  planAlwaysDirty = false;
  clusters: string[] = [];
  outputs = new Map<string, ClusterOutputs>();
  readonly calls: string[] = [];

  constructor(
    private readonly dns: FakeDns,
    desired?: Weights,
  ) {
    this.desired = desired ?? dns.weights;
  }

  async readDesiredWeights(): Promise<Weights> {
    this.calls.push('readDesiredWeights');
    return { ...this.desired };
  }

  async writeDesiredWeights(weights: Weights): Promise<void> {
    this.calls.push('writeDesiredWeights');
    // As TerraformStacks: a weight Route 53 cannot take is a bug, refused before anything is written.
    const bad = Object.entries(weights).filter(([, w]) => !isRecordWeight(w));
    if (bad.length > 0) throw new CurvectlError('INTERNAL', `Refusing to write desired weights Route 53 cannot take: ${JSON.stringify(Object.fromEntries(bad))}.`);
    this.desired = { ...weights };
    this.writes.push({ ...weights });
  }

  async planTraffic(options?: RunOptions): Promise<PlanResult> {
    throwIfAborted(options?.signal);
    this.calls.push('planTraffic');
    this.plans += 1;
    const live = this.dns.weights;
    const changed = Object.keys({ ...live, ...this.desired }).filter((k) => live[k] !== this.desired[k]);
    const changes = this.planAlwaysDirty || changed.length > 0;
    return {
      changes,
      summary: { add: 0, change: changes ? Math.max(1, changed.length) : 0, remove: 0 },
      resources: changed.map((k) => `aws_route53_record.weighted["${k}"]`),
      commands: ['terraform plan -input=false -no-color -out=traffic.tfplan'],
    };
  }

  trafficApplyCommands(): readonly string[] {
    return ['terraform plan -out=traffic.tfplan', 'terraform apply traffic.tfplan'];
  }

  /** A dry run's plan of the traffic stack with other weights: records that would go or change. */
  async planTrafficWeights(weights: Weights): Promise<PlanResult> {
    this.calls.push(`planTrafficWeights:${JSON.stringify(weights)}`);
    const live = this.dns.weights;
    const removed = Object.keys(live).filter((k) => !(k in weights));
    const changed = Object.keys(weights).filter((k) => live[k] !== weights[k]);
    return {
      changes: removed.length + changed.length > 0,
      summary: { add: 0, change: changed.length, remove: removed.length },
      resources: [...removed, ...changed].map((k) => `aws_route53_record.weighted["${k}"]`),
      commands: [`# curvectl writes the var file: ${JSON.stringify(weights)}`, ...this.trafficApplyCommands()],
    };
  }

  async applyTraffic(options?: TrafficApplyOptions): Promise<ChangeSummary> {
    throwIfAborted(options?.signal);
    this.calls.push('applyTraffic');
    this.applies += 1;
    this.onApply?.(this.applies);
    throwIfAborted(options?.signal);
    options?.onProgress?.({ stack: 'traffic', workspace: 'default', type: 'apply_start', message: 'aws_route53_record.weighted: Modifying...' });
    if (this.applies === this.failApplyOn || (this.failApplyFrom !== undefined && this.applies >= this.failApplyFrom)) {
      throw this.applyError();
    }
    const before = this.dns.weights;
    const result = this.applyResult ?? this.desired;
    // As TerraformStacks: a plan that would change a record is discarded, not applied.
    const wouldChange = Object.keys({ ...before, ...result }).filter((k) => before[k] !== result[k]).length;
    if (options?.onlyIfUnchanged && wouldChange > 0) return { add: 0, change: wouldChange, remove: 0, withheld: true };
    // Terraform owns the record set: a cluster no longer in the var file loses its record.
    this.dns.records = this.dns.records.filter((r) => Object.hasOwn(result, r.setIdentifier));
    this.dns.setWeights(result);
    const changed = Object.keys(this.desired).filter((k) => before[k] !== this.dns.weights[k]).length;
    options?.onProgress?.({ stack: 'traffic', workspace: 'default', type: 'apply_complete', message: 'Apply complete!' });
    return { add: 0, change: changed, remove: 0 };
  }

  async listClusters(): Promise<string[]> {
    return [...this.clusters];
  }

  async clusterOutputs(name: string): Promise<ClusterOutputs | undefined> {
    this.calls.push(`clusterOutputs:${name}`);
    return this.outputs.get(name);
  }

  /** Fail the cluster-stack apply (e.g. a Terraform error half-way through a create). */
  failClusterApply: Error | undefined;
  failPlatformApply: Error | undefined;
  failClusterDestroy: Error | undefined;
  /** EKS fake to keep in step with cluster applies and destroys (a real apply creates the EKS cluster). */
  eks: FakeEks | undefined;

  async planCluster(spec: ClusterSpec): Promise<PlanResult> {
    this.calls.push(`planCluster:${spec.name}`);
    const exists = this.outputs.has(spec.name);
    return {
      changes: !exists,
      summary: { add: exists ? 0 : 30, change: 0, remove: 0 },
      resources: exists ? [] : ['module.cluster.aws_eks_cluster.this', 'module.cluster.aws_lb.ingress'],
      commands: [`TF_WORKSPACE=${spec.name} terraform plan -input=false -out=cluster.tfplan`],
    };
  }

  async platformApplyCommands(name: string): Promise<readonly string[]> {
    return [`TF_WORKSPACE=${name} terraform plan -out=platform.tfplan`, `TF_WORKSPACE=${name} terraform apply platform.tfplan`];
  }

  async planDestroy(name: string, options?: { platform?: boolean }): Promise<DestroyPlan> {
    this.calls.push(`planDestroy:${name}${options?.platform === false ? ' (no platform)' : ''}`);
    if (!this.clusters.includes(name)) return { plans: [], commands: [] };
    const platform = options?.platform !== false;
    return {
      plans: [
        ...(platform ? [{ stack: 'platform' as const, workspace: name, summary: { add: 0, change: 0, remove: 5 }, resources: ['helm_release.istio'] }] : []),
        { stack: 'cluster' as const, workspace: name, summary: { add: 0, change: 0, remove: 30 }, resources: ['module.cluster.aws_eks_cluster.this'] },
      ],
      commands: [...(platform ? [`TF_WORKSPACE=${name} terraform destroy (platform)`] : []), `TF_WORKSPACE=${name} terraform destroy (cluster)`, `terraform workspace delete ${name}`],
    };
  }

  async applyCluster(spec: ClusterSpec, options?: RunOptions): Promise<ClusterOutputs> {
    throwIfAborted(options?.signal);
    this.calls.push(`applyCluster:${spec.name}`);
    options?.onProgress?.({ stack: 'cluster', workspace: spec.name, type: 'apply_start', message: 'aws_eks_cluster.this: Creating...', counts: { add: 0, change: 0, remove: 0 } });
    if (!this.clusters.includes(spec.name)) this.clusters.push(spec.name);
    if (this.failClusterApply) throw this.failClusterApply;
    const outputs: ClusterOutputs = {
      clusterName: spec.name,
      kubernetesVersion: spec.kubernetesVersion,
      ingressDnsName: ingressOf(spec.name),
    };
    this.outputs.set(spec.name, outputs);
    this.eks?.addCluster(spec.name, { version: spec.kubernetesVersion });
    return outputs;
  }

  async destroyCluster(name: string, options?: RunOptions): Promise<void> {
    throwIfAborted(options?.signal);
    this.calls.push(`destroyCluster:${name}`);
    if (this.failClusterDestroy) throw this.failClusterDestroy;
    this.outputs.delete(name);
    this.eks?.removeCluster(name);
  }

  async applyPlatform(name: string, options?: RunOptions): Promise<void> {
    throwIfAborted(options?.signal);
    this.calls.push(`applyPlatform:${name}`);
    if (this.failPlatformApply) throw this.failPlatformApply;
  }

  async destroyPlatform(name: string): Promise<void> {
    this.calls.push(`destroyPlatform:${name}`);
  }

  async deleteWorkspaces(name: string, options?: { platform?: boolean }): Promise<void> {
    this.calls.push(`deleteWorkspaces:${name}${options?.platform === false ? ' (no platform)' : ''}`);
    this.clusters = this.clusters.filter((c) => c !== name);
  }
}

// ---------------------------------------------------------------------------------------------
// The team's shared desired weights.

/** The one shared item (DynamoDB's desired#traffic): weights and a version, 0 before the first write. */
export class SharedWeightsItem {
  weights: Weights | undefined;
  version = 0;
  constructor(weights?: Weights) {
    if (weights) {
      this.weights = { ...weights };
      this.version = 1;
    }
  }
}

/**
 * DesiredWeightsStore in memory, with the adapter's rules (src/adapters/state/dynamodb-desired-weights.ts):
 * a write needs the traffic lock (`holdsLock`; default: held) and fails INCONSISTENT over an update
 * made since this instance last read. Two operators share one `item`. `failWrites` makes writes fail
 * (e.g. like a lost lease); `log` records the calls.
 */
export class FakeDesiredWeights implements DesiredWeightsStore {
  readonly description = 'memory';
  log: string[] = [];
  failWrites: Error | undefined;
  readonly item: SharedWeightsItem;
  private readonly holdsLock: () => boolean;
  /** The version this instance last read or wrote; undefined before any (then a write reads it first). */
  private seen: number | undefined;

  constructor(initial?: Weights, options: { item?: SharedWeightsItem; holdsLock?: () => boolean } = {}) {
    this.item = options.item ?? new SharedWeightsItem(initial);
    this.holdsLock = options.holdsLock ?? (() => true);
  }

  /** The shared weights now. */
  get weights(): Weights | undefined {
    return this.item.weights;
  }

  /** Sets the shared weights as another operator's write would (a new version). */
  set weights(weights: Weights | undefined) {
    this.item.weights = weights === undefined ? undefined : { ...weights };
    this.item.version += 1;
  }

  async read(): Promise<Weights | undefined> {
    this.log.push('read');
    this.seen = this.item.version;
    return this.item.weights === undefined ? undefined : { ...this.item.weights };
  }

  async write(weights: Weights): Promise<void> {
    this.log.push(`write ${JSON.stringify(weights)}`);
    if (this.failWrites) throw this.failWrites;
    if (!this.holdsLock()) throw new CurvectlError('INTERNAL', 'Refusing to write the shared desired weights without holding the traffic lock.');
    const expected = this.seen ?? this.item.version;
    if (expected !== this.item.version) {
      this.seen = undefined;
      throw new CurvectlError('INCONSISTENT', `The shared desired weights changed after this process read them (version ${expected}; now ${this.item.version}), so they were not overwritten.`);
    }
    this.item.weights = { ...weights };
    this.item.version += 1;
    this.seen = this.item.version;
  }
}

// ---------------------------------------------------------------------------------------------
// Lock and journal.

export class FakeStateStore implements StateStore {
  readonly locks = new Map<string, LockStatus>();
  events: JournalEvent[] = [];
  /** Every lock ever taken, in order (scope + operation). */
  readonly lockLog: string[] = [];
  /** What a takeover of a stale lock said (the real stores warn too: never a silent takeover). */
  readonly warnings: string[] = [];
  /** Which acquisition holds each scope, so an old handle never releases a later holding. */
  private readonly tokens = new Map<string, number>();
  private acquisitions = 0;

  constructor(private readonly clock: Clock = new FakeClock()) {}

  async acquireLock(scope: string, operation: string): Promise<LockHandle> {
    const held = this.locks.get(scope);
    if (held && !held.stale) {
      throw new CurvectlError('LOCKED', `${scope} is locked by ${held.owner}@${held.host} running "${held.operation}".`, {
        hint: 'Wait for it to finish, or run `curvectl unlock` if its process is gone.',
      });
    }
    // As the local and DynamoDB stores: a provably stale lock is taken over, and they say so.
    if (held) this.warnings.push(`Took over the ${scope} lock left by ${held.owner}@${held.host} (pid ${held.pid}, "${held.operation}"): that process is gone.`);
    const info: LockInfo = { scope, owner: 'tester', host: 'test-host', pid: 4242, operation, startedAt: this.clock.now().toISOString() };
    const token = ++this.acquisitions;
    this.locks.set(scope, { ...info, stale: false });
    this.tokens.set(scope, token);
    this.lockLog.push(`${scope}:${operation}`);
    return {
      info,
      release: async () => {
        if (this.tokens.get(scope) !== token) return;
        this.locks.delete(scope);
        this.tokens.delete(scope);
      },
    };
  }

  /** Marks every lock held now as stale (its process died, its lease ran out). */
  markStale(): void {
    for (const [scope, lock] of this.locks) this.locks.set(scope, { ...lock, stale: true });
  }

  async readLock(scope: string): Promise<LockStatus | null> {
    return this.locks.get(scope) ?? null;
  }

  async clearLock(scope: string, options?: { force?: boolean; expected?: LockIdentity }): Promise<LockStatus | null> {
    const held = this.locks.get(scope);
    if (!held) return null;
    if (options?.expected && !sameLock(held, options.expected)) return null;
    // As the real stores: a live lock is not cleared without force, and that is an error, not a no-op.
    if (!held.stale && !options?.force) {
      throw new CurvectlError('LOCKED', `${scope} is locked by ${held.owner}@${held.host} running "${held.operation}"; that process is still running, so the lock is not stale.`);
    }
    this.locks.delete(scope);
    this.tokens.delete(scope);
    return held;
  }

  async append(event: Omit<JournalEvent, 'at'> & { at?: string }): Promise<JournalEvent> {
    const stored: JournalEvent = { ...event, at: event.at ?? this.clock.now().toISOString() };
    this.events.push(JSON.parse(JSON.stringify(stored)) as JournalEvent);
    return stored;
  }

  async readJournal(filter?: { op?: string; typePrefix?: string }): Promise<JournalEvent[]> {
    return this.events.filter(
      (e) => (filter?.op === undefined || e.op === filter.op) && (filter?.typePrefix === undefined || e.type.startsWith(filter.typePrefix)),
    );
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  ofType(type: string): JournalEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C.

export class FakeInterrupts implements Interrupts {
  private pending = false;
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  acknowledged = 0;

  get requested(): boolean {
    return this.pending;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** First Ctrl-C. */
  request(): void {
    this.pending = true;
    for (const listener of [...this.listeners]) listener();
  }

  /** Second Ctrl-C. */
  abort(): void {
    this.controller.abort(abortError());
  }

  acknowledge(): void {
    this.pending = false;
    this.acknowledged += 1;
  }

  onRequest(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

// ---------------------------------------------------------------------------------------------
// The person (or script) at the other end.

export interface PromptRecord {
  readonly kind: 'confirm' | 'choose' | 'confirmByTyping';
  readonly code: string;
  readonly message: string;
  readonly answer: unknown;
  readonly choices?: readonly string[];
}

/**
 * Answers are queued per request code and used in order. With no queued answer: under assumeYes
 * the default; otherwise the test failed to expect a prompt, which throws.
 */
export class ScriptedIoHost implements IoHost {
  readonly interactive: boolean;
  readonly assumeYes: boolean;
  readonly messages: Message[] = [];
  readonly views: View[] = [];
  readonly prompts: PromptRecord[] = [];
  readonly progress: string[] = [];
  private readonly answers = new Map<string, unknown[]>();
  /** Called when a prompt is asked, before it is answered. */
  onPrompt: ((code: string) => void) | undefined;

  constructor(options: { assumeYes?: boolean; interactive?: boolean } = {}) {
    this.assumeYes = options.assumeYes ?? false;
    this.interactive = options.interactive ?? !this.assumeYes;
  }

  answer(code: string, ...values: unknown[]): this {
    const queue = this.answers.get(code) ?? [];
    queue.push(...values);
    this.answers.set(code, queue);
    return this;
  }

  notify(message: Message): void {
    this.messages.push(message);
  }

  show(view: View): void {
    this.views.push(view);
  }

  startProgress(text: string): Progress {
    this.progress.push(`start: ${text}`);
    return {
      update: (t) => this.progress.push(`update: ${t}`),
      succeed: (t) => this.progress.push(`succeed: ${t ?? text}`),
      fail: (t) => this.progress.push(`fail: ${t ?? text}`),
      stop: () => this.progress.push('stop'),
    };
  }

  private next<T>(code: string, fallback: T): T {
    this.onPrompt?.(code);
    const queue = this.answers.get(code);
    if (queue && queue.length > 0) return queue.shift() as T;
    if (this.assumeYes) return fallback;
    // As the real host (src/io/terminal-host.ts): nobody to ask and no --yes is bad input, exit 2.
    if (!this.interactive) {
      throw new CurvectlError('BAD_INPUT', 'This needs a confirmation and there is no terminal to ask; nothing was changed.', {
        hint: 'Run it in a terminal, or pass --yes to go ahead unattended.',
        details: { prompt: code },
      });
    }
    throw new Error(`ScriptedIoHost: unexpected prompt ${code}`);
  }

  async confirm(request: { code: string; message: string; default: boolean }): Promise<boolean> {
    const answer = this.next(request.code, true);
    this.prompts.push({ kind: 'confirm', code: request.code, message: request.message, answer });
    return answer;
  }

  async choose<T extends string>(request: { code: string; message: string; choices: readonly Choice<T>[]; default: T }): Promise<T> {
    const answer = this.next<T>(request.code, request.default);
    const values = request.choices.map((c) => c.value);
    if (!values.includes(answer)) throw new Error(`ScriptedIoHost: ${String(answer)} is not one of ${values.join(', ')} for ${request.code}`);
    this.prompts.push({ kind: 'choose', code: request.code, message: request.message, answer, choices: values });
    return answer;
  }

  async confirmByTyping(request: { code: string; message: string; expected: string }): Promise<boolean> {
    const typed = this.next<string>(request.code, request.expected);
    const answer = typed === request.expected;
    this.prompts.push({ kind: 'confirmByTyping', code: request.code, message: request.message, answer });
    return answer;
  }

  viewsOf<K extends View['type']>(type: K): Extract<View, { type: K }>[] {
    return this.views.filter((v): v is Extract<View, { type: K }> => v.type === type);
  }

  codes(): string[] {
    return this.messages.map((m) => m.code);
  }
}

// ---------------------------------------------------------------------------------------------
// Gate ports.

export class FakeEks implements EksPort {
  readonly clusters = new Map<string, EksClusterInfo>();
  readonly nodegroups = new Map<string, EksNodegroupInfo[]>();
  failWith: Error | undefined;

  addCluster(name: string, overrides: Partial<EksClusterInfo> = {}, groups?: EksNodegroupInfo[]): this {
    this.clusters.set(name, { name, status: 'ACTIVE', version: '1.35', healthIssues: [], ...overrides });
    this.nodegroups.set(name, groups ?? [{ name: `${name}-ng`, status: 'ACTIVE', version: '1.35', healthIssues: [] }]);
    return this;
  }

  removeCluster(name: string): this {
    this.clusters.delete(name);
    this.nodegroups.delete(name);
    return this;
  }

  async describeCluster(name: string, signal?: AbortSignal): Promise<EksClusterInfo | undefined> {
    throwIfAborted(signal);
    if (this.failWith) throw this.failWith;
    return this.clusters.get(name);
  }

  async listNodegroups(clusterName: string, signal?: AbortSignal): Promise<EksNodegroupInfo[]> {
    throwIfAborted(signal);
    if (this.failWith) throw this.failWith;
    return this.nodegroups.get(clusterName) ?? [];
  }
}

export class FakeElbv2 implements Elbv2Port {
  readonly targets = new Map<string, TargetHealth[]>();
  readonly asked: string[] = [];

  set(dnsName: string, states: readonly string[]): this {
    this.targets.set(
      dnsName,
      states.map((state, i) => ({ targetGroupArn: 'arn:aws:elasticloadbalancing:tg/ingress', targetId: `10.0.0.${i + 1}`, state })),
    );
    return this;
  }

  async targetHealthForLoadBalancer(dnsName: string, signal?: AbortSignal): Promise<TargetHealth[]> {
    throwIfAborted(signal);
    this.asked.push(dnsName);
    // As the adapter: found by DNS name in any case, with or without a trailing dot or "dualstack.".
    const wanted = normaliseDnsName(dnsName).replace(/^dualstack\./, '');
    const found = [...this.targets.entries()].find(([name]) => normaliseDnsName(name).replace(/^dualstack\./, '') === wanted);
    if (!found) {
      throw new CurvectlError('INCONSISTENT', `No load balancer has the DNS name ${dnsName}.`, {
        hint: "Check the cluster stack's ingress_dns_name output and the AWS region.",
      });
    }
    return found[1].map((t) => ({ ...t }));
  }
}

export class FakeCloudWatch implements CloudWatchPort {
  readonly alarms = new Map<string, AlarmState>();
  /** Sums by metric name. */
  readonly sums = new Map<string, number>();
  readonly queries: MetricQuery[] = [];
  readonly alarmQueries: string[][] = [];
  failWith: Error | undefined;

  setAlarm(name: string, state: string, reason?: string): this {
    this.alarms.set(name, { name, state, ...(reason ? { reason } : {}) });
    return this;
  }

  async alarmStates(names: readonly string[], signal?: AbortSignal): Promise<AlarmState[]> {
    throwIfAborted(signal);
    this.alarmQueries.push([...names]);
    if (this.failWith) throw this.failWith;
    // As the adapter: each alarm once, however often it is named.
    return [...new Set(names)].flatMap((n) => {
      const alarm = this.alarms.get(n);
      return alarm ? [alarm] : [];
    });
  }

  async sumMetric(query: MetricQuery, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    this.queries.push(query);
    if (this.failWith) throw this.failWith;
    return this.sums.get(query.metricName) ?? 0;
  }
}

/**
 * A GateChecker whose verdicts are scripted per call: `script` answers call 1, 2, ... and the last
 * answer repeats. For shift tests that are about the engine, not about gates.
 */
export class ScriptedGates implements GateChecker {
  readonly calls: GateTarget[] = [];
  private script: GateCheck['verdict'][];
  needsVersion = false;
  /** Called on each check with its 1-based number (e.g. to press Ctrl-C during a bake). */
  onCheck: ((n: number) => void) | undefined;

  constructor(...script: GateCheck['verdict'][]) {
    this.script = script.length > 0 ? script : ['pass'];
  }

  /** From now on, answer with these verdicts (call numbering continues). */
  then(...script: GateCheck['verdict'][]): this {
    this.script = [...this.script.slice(0, this.calls.length), ...script];
    return this;
  }

  /** Fail from the Nth call on (1-based). */
  failFrom(n: number): this {
    this.script = [...Array.from({ length: n - 1 }, () => 'pass' as const), 'fail'];
    return this;
  }

  async check(target: GateTarget, signal?: AbortSignal): Promise<GateCheck> {
    throwIfAborted(signal);
    this.calls.push(target);
    const n = this.calls.length;
    this.onCheck?.(n);
    const verdict = this.script[Math.min(n, this.script.length) - 1] ?? 'pass';
    return {
      verdict,
      results: [
        {
          gate: 'scripted',
          cluster: target.cluster,
          outcome: verdict,
          reason: verdict === 'pass' ? 'all good' : verdict === 'fail' ? '5xx ratio 12% above 1%' : 'Throttling',
        },
      ],
    };
  }

  needsKubernetesVersion(): boolean {
    return this.needsVersion;
  }
}
