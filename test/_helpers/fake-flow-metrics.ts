/**
 * A FlowMetricsPort fake: load balancers by DNS name and flow statistics by LoadBalancer dimension,
 * recording every query so tests can check the window asked for. Statistics are either set for a
 * dimension whatever the window (`byDimension`, `addNlb`'s stats), or computed from data points
 * published at a time (`publish`), as CloudWatch computes them for FlowMetricsAdapter's one
 * whole-window period: sums, maximum, one data point per metric when any point is in [start, end).
 * It keeps the FlowMetricsPort contract (test/_helpers/contracts/flow-metrics.ts).
 */
import type { FlowMetricsPort, FlowStatistic, FlowStats, LoadBalancerInfo, MetricWindow } from '../../src/core/ports/flow-metrics.js';
import type { FlowPoint } from './contracts/flow-metrics.js';
import { throwIfAborted } from './fake-waits.js';

export function nlbArn(name: string, id = '0123456789abcdef'): string {
  return `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/${name}/${id}`;
}

/** Stats with one data point per given value (undefined: no data points for that metric). */
export function stats(values: { newFlows?: number; active?: number; bytes?: number }): FlowStats {
  const stat = (v: number | undefined) => (v === undefined ? { value: 0, datapoints: 0 } : { value: v, datapoints: 1 });
  return { newFlows: stat(values.newFlows), activeFlows: stat(values.active), processedBytes: stat(values.bytes) };
}

export class FakeFlowMetrics implements FlowMetricsPort {
  readonly loadBalancers: LoadBalancerInfo[] = [];
  readonly byDimension = new Map<string, FlowStats>();
  /** Data points by dimension (see `publish`); a dimension with any takes its stats from them. */
  readonly published = new Map<string, FlowPoint[]>();
  readonly windows: MetricWindow[] = [];
  readonly queried: string[][] = [];
  listCalls = 0;
  failList: Error | undefined;
  failStats: Error | undefined;
  /** Called before each flowStats with its 1-based number (e.g. to let the flows stop after a while). */
  beforeStats: ((n: number) => void) | undefined;

  /** Adds an NLB "<name>" with DNS name `dnsName` and the stats it reports (none: no data). */
  addNlb(name: string, dnsName: string, s?: FlowStats): string {
    const arn = nlbArn(name);
    this.loadBalancers.push({ arn, dnsName, type: 'network' });
    const dimension = `net/${name}/0123456789abcdef`;
    if (s) this.byDimension.set(dimension, s);
    return dimension;
  }

  /** One data point of each metric for the dimension at `point.at`, as ELB publishes them. */
  publish(dimension: string, point: FlowPoint): this {
    this.published.set(dimension, [...(this.published.get(dimension) ?? []), point]);
    return this;
  }

  async listLoadBalancers(signal?: AbortSignal): Promise<LoadBalancerInfo[]> {
    throwIfAborted(signal);
    this.listCalls += 1;
    if (this.failList) throw this.failList;
    return [...this.loadBalancers];
  }

  async flowStats(dimensions: readonly string[], window: MetricWindow, signal?: AbortSignal): Promise<Map<string, FlowStats>> {
    throwIfAborted(signal);
    this.beforeStats?.(this.windows.length + 1);
    this.windows.push(window);
    this.queried.push([...dimensions]);
    if (this.failStats) throw this.failStats;
    return new Map(dimensions.map((d) => [d, this.statsOf(d, window)]));
  }

  private statsOf(dimension: string, window: MetricWindow): FlowStats {
    const points = this.published.get(dimension);
    if (!points) return this.byDimension.get(dimension) ?? stats({});
    const inside = points.filter((p) => p.at >= window.start && p.at < window.end);
    const of = (values: number[], combine: (a: number, b: number) => number): FlowStatistic =>
      values.length === 0 ? { value: 0, datapoints: 0 } : { value: values.reduce(combine), datapoints: 1 };
    return {
      newFlows: of(inside.map((p) => p.newFlows), (a, b) => a + b),
      activeFlows: of(inside.map((p) => p.activeFlows), (a, b) => Math.max(a, b)),
      processedBytes: of(inside.map((p) => p.processedBytes), (a, b) => a + b),
    };
  }
}
