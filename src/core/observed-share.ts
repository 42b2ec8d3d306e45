/**
 * Observed share: each cluster's share of the traffic its ingress load balancer actually carried
 * over a recent window, from CloudWatch's AWS/NetworkELB metrics. Weights are intent; this is what
 * happened (resolvers that ignore the TTL and pooled connections keep traffic on a cluster whose
 * weight is 0). Read-only and informational: it never decides anything by itself (the flow check of
 * retire, in lifecycle/flow-drain.ts, is the one that fails closed).
 *
 * The cluster -> load balancer link is the weighted record's value (the ingress DNS name), matched
 * against ELBv2 DescribeLoadBalancers; the metric dimension comes from the load balancer's ARN
 * (see ports/flow-metrics.ts for the AWS document this follows).
 */
import { formatDuration } from './duration.js';
import { normaliseDnsName } from './names.js';
import type { TrafficDns } from './ports.js';
import type { FlowMetricsPort, FlowStats, LoadBalancerInfo, MetricWindow } from './ports/flow-metrics.js';
import { definedOnly } from './defined-only.js';

/** What the share is computed from: ProcessedBytes (traffic volume) or NewFlowCount (new connections). */
export type ShareBasis = 'bytes' | 'flows';

export interface ObservedWindow {
  readonly start: string;
  readonly end: string;
  readonly seconds: number;
}

/** A cluster whose load balancer had data in the window. */
export interface ObservedShare {
  /** Percent of all observed traffic (0-100, one decimal), comparable with weights; null when no cluster carried any. */
  readonly share: number | null;
  readonly flows: { readonly new: number; readonly active: number };
  readonly bytes: number;
  readonly window: ObservedWindow;
  /** The CloudWatch LoadBalancer dimension the numbers are for ("net/<name>/<id>"). */
  readonly loadBalancer: string;
}

export type ClusterObservation =
  | { readonly kind: 'observed'; readonly observed: ObservedShare; readonly note?: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface ObservedReport {
  readonly basis: ShareBasis;
  readonly window: ObservedWindow;
  readonly clusters: ReadonlyMap<string, ClusterObservation>;
}

export interface ObservedShareDeps {
  readonly flows: FlowMetricsPort;
  readonly now: () => Date;
  /** How far back to look (config observed.window, default 5m). */
  readonly windowMs: number;
  /** Config observed.basis, default bytes. */
  readonly basis: ShareBasis;
}

/** A cluster and the DNS name its weighted record points at (null when it has no record). */
export interface IngressTarget {
  readonly cluster: string;
  readonly ingress: string | null;
}

/**
 * The LoadBalancer dimension of AWS/NetworkELB: "the final portion of the load balancer ARN", which
 * for a Network Load Balancer is "net/<name>/<id>" (from
 * "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>"). Undefined for a
 * string that is not a load balancer ARN.
 */
export function loadBalancerDimension(arn: string): string | undefined {
  const match = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\/([a-z]+\/[^/]+\/[^/]+)$/.exec(arn);
  return match?.[1];
}

/**
 * Whether the load balancer publishes AWS/NetworkELB metrics: DescribeLoadBalancers' Type says so
 * ("network"); without a type, the ARN's "net/" does. (moto 5.2 writes "app/" into the ARN of every
 * load balancer, network ones included, so the type is what decides; README, emulator notes.)
 */
function isNetworkLoadBalancer(lb: LoadBalancerInfo, dimension: string): boolean {
  return lb.type !== undefined ? lb.type === 'network' : dimension.startsWith('net/');
}

export type LoadBalancerMatch =
  | { readonly kind: 'found'; readonly dimension: string; readonly arn: string }
  | { readonly kind: 'missing'; readonly reason: string };

function comparable(dnsName: string): string {
  return normaliseDnsName(dnsName).replace(/^dualstack\./, '');
}

/** Finds the Network Load Balancer behind each ingress name. */
export function matchLoadBalancers(targets: readonly IngressTarget[], loadBalancers: readonly LoadBalancerInfo[]): Map<string, LoadBalancerMatch> {
  const byDns = new Map(loadBalancers.map((lb) => [comparable(lb.dnsName), lb] as const));
  const out = new Map<string, LoadBalancerMatch>();
  for (const t of targets) {
    if (t.ingress === null) {
      out.set(t.cluster, { kind: 'missing', reason: `${t.cluster} has no weighted record, so curvectl does not know its load balancer` });
      continue;
    }
    const lb = byDns.get(comparable(t.ingress));
    if (!lb) {
      out.set(t.cluster, { kind: 'missing', reason: `no load balancer in this region has the DNS name ${t.ingress}` });
      continue;
    }
    const dimension = loadBalancerDimension(lb.arn);
    if (!dimension || !isNetworkLoadBalancer(lb, dimension)) {
      out.set(t.cluster, { kind: 'missing', reason: `the load balancer ${t.ingress} is not a Network Load Balancer (${lb.arn}), so it has no AWS/NetworkELB metrics` });
      continue;
    }
    out.set(t.cluster, { kind: 'found', dimension, arn: lb.arn });
  }
  return out;
}

export function windowEndingAt(now: Date, windowMs: number): MetricWindow {
  return { start: new Date(now.getTime() - windowMs), end: now };
}

function windowView(window: MetricWindow): ObservedWindow {
  return {
    start: window.start.toISOString(),
    end: window.end.toISOString(),
    seconds: Math.round((window.end.getTime() - window.start.getTime()) / 1000),
  };
}

function basisOf(stats: FlowStats, basis: ShareBasis) {
  return basis === 'bytes' ? stats.processedBytes : stats.newFlows;
}

const BASIS_METRIC: Record<ShareBasis, string> = { bytes: 'ProcessedBytes', flows: 'NewFlowCount' };

/**
 * The share computation itself, pure: each cluster with data gets basis / total of every cluster
 * with data. A cluster without data points has no share (ELB publishes nothing when nothing flows,
 * and "nothing published" cannot be told from "not published yet"), and the others' shares are of
 * what was seen.
 */
export function computeShares(
  matches: ReadonlyMap<string, LoadBalancerMatch>,
  stats: ReadonlyMap<string, FlowStats>,
  window: MetricWindow,
  basis: ShareBasis,
): Map<string, ClusterObservation> {
  const view = windowView(window);
  const span = formatDuration(window.end.getTime() - window.start.getTime());
  const withData: [string, string, FlowStats][] = [];
  const out = new Map<string, ClusterObservation>();
  for (const [cluster, match] of matches) {
    if (match.kind === 'missing') {
      out.set(cluster, { kind: 'unknown', reason: match.reason });
      continue;
    }
    const s = stats.get(match.dimension);
    if (!s || basisOf(s, basis).datapoints === 0) {
      out.set(cluster, {
        kind: 'unknown',
        reason: `CloudWatch has no AWS/NetworkELB ${BASIS_METRIC[basis]} data for ${match.dimension} in the last ${span}`,
      });
      continue;
    }
    withData.push([cluster, match.dimension, s]);
  }
  const total = withData.reduce((sum, [, , s]) => sum + basisOf(s, basis).value, 0);
  for (const [cluster, dimension, s] of withData) {
    const share = total > 0 ? Math.round((basisOf(s, basis).value / total) * 1000) / 10 : null;
    out.set(cluster, {
      kind: 'observed',
      observed: {
        share,
        flows: { new: s.newFlows.value, active: s.activeFlows.value },
        bytes: s.processedBytes.value,
        window: view,
        loadBalancer: dimension,
      },
      ...(share === null ? { note: `no cluster's load balancer carried any traffic in the last ${span}` } : {}),
    });
  }
  return out;
}

function isAbortError(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

/**
 * Reads and computes the observed share of every target. A failed AWS call does not fail the
 * caller: every cluster is then unknown, with the error as the reason (status must still show the
 * weights). `loadBalancers` lets a caller start the listing early, in parallel with its other reads.
 */
export async function observeShares(
  deps: ObservedShareDeps,
  targets: readonly IngressTarget[],
  options: { signal?: AbortSignal; loadBalancers?: Promise<LoadBalancerInfo[]> } = {},
): Promise<ObservedReport> {
  const window = windowEndingAt(deps.now(), deps.windowMs);
  const unknownAll = (reason: string): ObservedReport => ({
    basis: deps.basis,
    window: windowView(window),
    clusters: new Map(targets.map((t) => [t.cluster, { kind: 'unknown', reason } as const])),
  });
  let loadBalancers: LoadBalancerInfo[];
  try {
    loadBalancers = await (options.loadBalancers ?? deps.flows.listLoadBalancers(options.signal));
  } catch (err) {
    if (isAbortError(err, options.signal)) throw err;
    return unknownAll(`could not list the load balancers: ${message(err)}`);
  }
  const matches = matchLoadBalancers(targets, loadBalancers);
  const dimensions = [...new Set([...matches.values()].flatMap((m) => (m.kind === 'found' ? [m.dimension] : [])))];
  let stats = new Map<string, FlowStats>();
  if (dimensions.length > 0) {
    try {
      stats = await deps.flows.flowStats(dimensions, window, options.signal);
    } catch (err) {
      if (isAbortError(err, options.signal)) throw err;
      return unknownAll(`could not read CloudWatch: ${message(err)}`);
    }
  }
  return { basis: deps.basis, window: windowView(window), clusters: computeShares(matches, stats, window, deps.basis) };
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.replace(/\.$/, '');
}

/** "a 48.2%, b 51.8%" style summary for progress lines; unknown clusters as "?". */
export function formatObserved(report: ObservedReport): string {
  return [...report.clusters.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cluster, o]) => `${cluster} ${o.kind === 'observed' && o.observed.share !== null ? `${o.observed.share}%` : '?'}`)
    .join(', ');
}

/** cluster -> share (null when unknown), for the journal. */
export function sharesOf(report: ObservedReport): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [cluster, o] of [...report.clusters.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[cluster] = o.kind === 'observed' ? o.observed.share : null;
  }
  return out;
}

/** Reads the observed share of every cluster in the weighted record, now. For the bake of each shift step. */
export type ShareObserver = (signal?: AbortSignal) => Promise<ObservedReport>;

/**
 * A ShareObserver for one shift: the record's clusters and ingress names and the load balancer list
 * are read once (they do not change while traffic moves), then each look is one GetMetricData call.
 * A failed first read is retried on the next look.
 */
export function shareObserver(deps: ObservedShareDeps & { readonly dns: Pick<TrafficDns, 'readRecords'> }): ShareObserver {
  let setup: Promise<{ targets: IngressTarget[]; loadBalancers: LoadBalancerInfo[] }> | undefined;
  return async (signal) => {
    setup ??= Promise.all([deps.dns.readRecords(signal), deps.flows.listLoadBalancers(signal)]).then(([records, loadBalancers]) => ({
      targets: records.map((r) => ({ cluster: r.setIdentifier, ingress: r.value })),
      loadBalancers,
    }));
    let ready: { targets: IngressTarget[]; loadBalancers: LoadBalancerInfo[] };
    try {
      ready = await setup;
    } catch (err) {
      setup = undefined;
      throw err;
    }
    return observeShares(deps, ready.targets, { ...definedOnly({ signal }), loadBalancers: Promise.resolve(ready.loadBalancers) });
  };
}
