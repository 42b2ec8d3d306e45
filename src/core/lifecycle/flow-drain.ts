/**
 * Flow-verified drain: weight 0 and the drain time say clients SHOULD have left a cluster; its load
 * balancer's flows say whether they DID (resolvers that ignore the TTL, pooled keep-alive
 * connections, CloudFront edges resolving on their own schedule). Before `retire` destroys a cluster,
 * its ingress Network Load Balancer must have had at most `maxFlows` new flows (AWS/NetworkELB
 * NewFlowCount, Sum) and no active flows (ActiveFlowCount, Maximum) over the last `windowMs`.
 *
 * Fail closed: no data points, no known load balancer or an unreadable CloudWatch cannot prove the
 * drain, so the retire is refused, unless the configuration says `retire.requireFlowData: false`
 * (then the drain time alone decides, and curvectl says so). Metric names, statistics and the
 * dimension follow "CloudWatch metrics for your Network Load Balancer" (see ports/flow-metrics.ts).
 */
import { formatDuration } from '../duration.js';
import { refused } from '../errors.js';
import type { IoHost } from '../io-host.js';
import { matchLoadBalancers, windowEndingAt } from '../observed-share.js';
import { drainState } from './drain.js';
import type { Clock, JournalEvent, StateStore, Stacks, TrafficDns } from '../ports.js';
import type { FlowMetricsPort } from '../ports/flow-metrics.js';
import { definedOnly } from '../defined-only.js';

export interface FlowCheckPolicy {
  /** retire.maxFlows: new flows tolerated in the window (default 0). */
  readonly maxFlows: number;
  /** retire.flowWindow in ms (default 5m). */
  readonly windowMs: number;
  /** retire.requireFlowData (default true): no data refuses. */
  readonly requireData: boolean;
}

export interface FlowDrainDeps {
  readonly flows: FlowMetricsPort;
  readonly clock: Pick<Clock, 'now'>;
  readonly dns: Pick<TrafficDns, 'readRecords'>;
  readonly stacks: Pick<Stacks, 'clusterOutputs'>;
  readonly state: Pick<StateStore, 'readJournal'>;
  readonly io: Pick<IoHost, 'notify'>;
  readonly signal?: AbortSignal;
}

export type FlowCheck =
  /** At most maxFlows new and no active flows in the window: the load balancer is idle. */
  | { readonly kind: 'drained'; readonly newFlows: number; readonly activeFlows: number; readonly loadBalancer: string; readonly windowMs: number }
  /** Clients still reach it. */
  | { readonly kind: 'flowing'; readonly newFlows: number; readonly activeFlows: number; readonly loadBalancer: string; readonly windowMs: number }
  /** Nothing proves the drain (no data, no load balancer found, CloudWatch unreadable). */
  | { readonly kind: 'no-data'; readonly reason: string }
  /** A retire of this cluster already passed the check and removed its record: it continues. */
  | { readonly kind: 'continuing'; readonly since: string }
  /**
   * It never had a weighted record or weight (a create that failed before registering) and has no
   * ingress output: nothing curvectl published ever pointed clients at it, and it has no load balancer to ask.
   */
  | { readonly kind: 'never-routed'; readonly reason: string };

/** A retire of `name` that removed the record and has not completed: its flow check already passed. */
function continuingRetire(journal: readonly JournalEvent[], name: string): JournalEvent | undefined {
  let removed: JournalEvent | undefined;
  for (const e of journal) {
    if (e.data?.cluster !== name) continue;
    if (e.type === 'retire.record-removed') removed = e;
    if (e.type === 'retire.completed') removed = undefined;
  }
  return removed;
}

/** The ingress DNS name: the weighted record's value, or the cluster stack's output once the record is gone. */
async function ingressOf(deps: FlowDrainDeps, name: string): Promise<string | null> {
  const records = await deps.dns.readRecords(deps.signal);
  const record = records.find((r) => r.setIdentifier === name);
  if (record) return record.value;
  const outputs = await deps.stacks.clusterOutputs(name, definedOnly({ signal: deps.signal }));
  return outputs?.ingressDnsName ?? null;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message || err.name : String(err)).replace(/\.$/, '');
}

/** One look at the load balancer's flows over the window ending now. Never throws for AWS errors: they are "no-data". */
export async function checkFlows(deps: FlowDrainDeps, name: string, policy: FlowCheckPolicy): Promise<FlowCheck> {
  const journal = await deps.state.readJournal();
  const continuing = continuingRetire(journal, name);
  if (continuing) return { kind: 'continuing', since: continuing.at };
  const span = formatDuration(policy.windowMs);
  try {
    const ingress = await ingressOf(deps, name);
    if (ingress === null) {
      if (drainState(journal, name).kind === 'never-had-weight') {
        return { kind: 'never-routed', reason: `${name} never had a weighted record or weight, and its cluster stack has no ingress output` };
      }
      return { kind: 'no-data', reason: `curvectl knows no load balancer of ${name} (it has no weighted record and its cluster stack no ingress output)` };
    }
    const match = matchLoadBalancers([{ cluster: name, ingress }], await deps.flows.listLoadBalancers(deps.signal)).get(name);
    if (!match || match.kind === 'missing') return { kind: 'no-data', reason: match?.reason ?? `no load balancer found for ${name}` };
    const stats = (await deps.flows.flowStats([match.dimension], windowEndingAt(deps.clock.now(), policy.windowMs), deps.signal)).get(match.dimension);
    if (!stats || stats.newFlows.datapoints === 0 || stats.activeFlows.datapoints === 0) {
      const missing = [
        ...(!stats || stats.newFlows.datapoints === 0 ? ['NewFlowCount'] : []),
        ...(!stats || stats.activeFlows.datapoints === 0 ? ['ActiveFlowCount'] : []),
      ].join(' and ');
      return { kind: 'no-data', reason: `CloudWatch has no AWS/NetworkELB ${missing} data for ${match.dimension} in the last ${span}` };
    }
    const counts = { newFlows: stats.newFlows.value, activeFlows: stats.activeFlows.value, loadBalancer: match.dimension, windowMs: policy.windowMs };
    const idle = stats.newFlows.value <= policy.maxFlows && stats.activeFlows.value === 0;
    return { kind: idle ? 'drained' : 'flowing', ...counts };
  } catch (err) {
    if (deps.signal?.aborted || (err instanceof Error && err.name === 'AbortError')) throw err;
    return { kind: 'no-data', reason: `its flows could not be read: ${message(err)}` };
  }
}

/** Whether the check lets the retire go on under this policy. */
export function flowCheckPasses(check: FlowCheck, policy: FlowCheckPolicy): boolean {
  switch (check.kind) {
    case 'drained':
    case 'continuing':
    case 'never-routed':
      return true;
    case 'flowing':
      return false;
    case 'no-data':
      return !policy.requireData;
    default: {
      const never: never = check;
      return never;
    }
  }
}

/** "14 new and 3 active flows in the last 5m" */
export function describeFlows(check: Extract<FlowCheck, { kind: 'drained' | 'flowing' }>): string {
  return `${check.newFlows} new and ${check.activeFlows} active flows on ${check.loadBalancer} in the last ${formatDuration(check.windowMs)}`;
}

/**
 * The retire's flow check: returns when the load balancer is drained (or the policy lets a missing
 * proof pass, with a warning), otherwise refuses (REFUSED, exit 2, nothing changed), saying why.
 */
export async function assertFlowsDrained(deps: FlowDrainDeps, name: string, policy: FlowCheckPolicy): Promise<FlowCheck> {
  const check = await checkFlows(deps, name, policy);
  switch (check.kind) {
    case 'drained':
      deps.io.notify({ level: 'info', code: 'retire.flows.drained', text: `${name}'s load balancer is drained: ${describeFlows(check)}.` });
      return check;
    case 'continuing':
      return check;
    case 'never-routed':
      deps.io.notify({ level: 'info', code: 'retire.flows.never-routed', text: `No flow check for ${name}: ${check.reason}, so no traffic was ever sent its way.` });
      return check;
    case 'flowing':
      throw refused(
        `${name}'s load balancer still carries traffic (${describeFlows(check)}; at most ${policy.maxFlows} new and no active flows allowed), so nothing was changed.`,
        `Clients still use it past the TTL (cached answers, pooled connections): wait and run it again, or see "curvectl status" for its observed share.`,
        { newFlows: check.newFlows, activeFlows: check.activeFlows, loadBalancer: check.loadBalancer, maxFlows: policy.maxFlows },
      );
    case 'no-data':
      if (!policy.requireData) {
        deps.io.notify({
          level: 'warn',
          code: 'retire.flows.unproven',
          text: `Nothing proves that ${name} has no traffic left (${check.reason}); retire.requireFlowData is false, so the drain time alone decides.`,
        });
        return check;
      }
      throw refused(
        `The drain of ${name} cannot be proven: ${check.reason}; nothing was changed.`,
        'Check that its load balancer publishes AWS/NetworkELB metrics in this region, or set retire.requireFlowData: false in curvectl.yaml to let the drain time alone decide.',
      );
    default: {
      const never: never = check;
      return never;
    }
  }
}
