/**
 * `curvectl status`: one view of desired weights (Terraform var file), live weights (Route 53), the
 * clusters' EKS state, the lock and any unfinished operation. The JSON shape is part of the
 * command-line contract (shared/design/cli-contract.md): change it only by adding fields.
 */
import { observeShares, type ObservedReport, type ObservedShare, type ObservedShareDeps } from './observed-share.js';
import type { EksClusterInfo, EksPort, LockStatus, StateStore, Stacks, TrafficDns } from './ports.js';
import { weightDrift, weightsFromRecords } from './weights.js';
import { clusterLock, TRAFFIC_LOCK } from './lock-scope.js';
import { definedOnly } from './defined-only.js';

export interface ClusterStatus {
  readonly name: string;
  readonly weight: { readonly desired: number | null; readonly live: number | null };
  readonly ingress: string | null;
  readonly eks: { readonly status: string; readonly version: string } | null;
  /**
   * The share of traffic its load balancer carried over the recent window (observed-share.ts), or
   * null when there is no data; always set by collectStatus (optional only for hand-made reports).
   */
  readonly observed?: ObservedShare | null;
  /** Why `observed` is null, or why its share is; null otherwise. */
  readonly observedReason?: string | null;
}

export interface Drift {
  readonly cluster: string;
  readonly desired: number | null;
  readonly live: number | null;
}

export interface OperationView {
  readonly id: string;
  readonly kind: string;
  /** running | held | interrupted */
  readonly state: string;
  readonly startedAt: string | null;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  readonly target: string | null;
  /** What the operator can do about it, one sentence. */
  readonly next: string | null;
}

export interface StatusReport {
  readonly record: string;
  readonly ttl: number;
  readonly clusters: readonly ClusterStatus[];
  readonly drift: readonly Drift[];
  readonly lock: LockStatus | null;
  readonly operation: OperationView | null;
}

export interface StatusDeps {
  readonly stacks: Pick<Stacks, 'readDesiredWeights' | 'listClusters'>;
  readonly dns: Pick<TrafficDns, 'readRecords' | 'recordName'>;
  readonly eks: EksPort;
  readonly state: Pick<StateStore, 'readLock' | 'readJournal'>;
  readonly ttl: number;
  /** Turns the journal and lock into the unfinished operation, if any (the shift module knows how). */
  readonly currentOperation: (state: Pick<StateStore, 'readJournal' | 'readLock'>) => Promise<OperationView | null>;
  /** CloudWatch flow metrics for the observed share; without it every cluster's observed is null. */
  readonly observed?: ObservedShareDeps;
}

export async function collectStatus(deps: StatusDeps, signal?: AbortSignal): Promise<StatusReport> {
  // Status is the command people run most, so nothing waits that need not: every read starts at
  // once, and each cluster's DescribeCluster and lock read start as soon as any source names the
  // cluster (the workspaces and the desired weights are usually known long before Route 53 answers).
  const infos = new Map<string, Promise<EksClusterInfo | undefined>>();
  const locks = new Map<string, Promise<LockStatus | null>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined); // awaited below; a failure must not surface as an unhandled rejection first
    return p;
  };
  const seen = (names: Iterable<string>) => {
    for (const name of names) {
      if (!infos.has(name)) infos.set(name, track(deps.eks.describeCluster(name, signal)));
      if (!locks.has(name)) locks.set(name, track(deps.state.readLock(clusterLock(name))));
    }
  };
  // The load balancer listing for the observed share starts with the first reads, so the share
  // costs one CloudWatch call in the second round and no round of its own. Its failure is the
  // share's (observeShares turns it into a reason), never status's.
  const loadBalancers = deps.observed ? track(deps.observed.flows.listLoadBalancers(signal)) : undefined;
  const [desired, records, workspaces, trafficLock, operation] = await Promise.all([
    track(deps.stacks.readDesiredWeights().then((d) => (seen(Object.keys(d)), d))),
    track(deps.dns.readRecords(signal).then((r) => (seen(r.map((x) => x.setIdentifier)), r))),
    track(deps.stacks.listClusters().then((w) => (seen(w), w))),
    track(deps.state.readLock(TRAFFIC_LOCK)),
    track(deps.currentOperation(deps.state)),
  ]);
  const live = weightsFromRecords(records);
  const names = [...new Set([...workspaces, ...Object.keys(desired), ...Object.keys(live)])].sort();
  const ingressByName = new Map(records.map((r) => [r.setIdentifier, r.value] as const));

  const [clusters, clusterLocks, observed] = await Promise.all([
    Promise.all(
      names.map(async (name): Promise<ClusterStatus> => {
        const info = await infos.get(name)!;
        return {
          name,
          weight: { desired: desired[name] ?? null, live: live[name] ?? null },
          ingress: ingressByName.get(name) ?? null,
          eks: info ? { status: info.status, version: info.version } : null,
        };
      }),
    ),
    Promise.all(names.map((name) => locks.get(name)!)),
    deps.observed && names.length > 0
      ? observeShares(
          deps.observed,
          names.map((cluster) => ({ cluster, ingress: ingressByName.get(cluster) ?? null })),
          definedOnly({ signal, loadBalancers }),
        )
      : Promise.resolve(undefined),
  ]);

  return {
    record: deps.dns.recordName,
    ttl: deps.ttl,
    clusters: clusters.map((c): ClusterStatus => ({ ...c, ...observedFields(observed, c.name) })),
    // A side the cluster is absent from is null in status's JSON (the contract), not left out.
    drift: weightDrift(desired, live).map((d) => ({ cluster: d.cluster, desired: d.desired ?? null, live: d.live ?? null })),
    lock: trafficLock ?? clusterLocks.find((l) => l !== null) ?? null,
    operation,
  };
}

function observedFields(report: ObservedReport | undefined, name: string): { observed: ObservedShare | null; observedReason: string | null } {
  const o = report?.clusters.get(name);
  if (!o) return { observed: null, observedReason: 'the observed share is not available here' };
  if (o.kind === 'unknown') return { observed: null, observedReason: o.reason };
  return { observed: o.observed, observedReason: o.note ?? null };
}
