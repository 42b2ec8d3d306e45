/**
 * A FlowMetricsPort fake: load balancers by DNS name and flow statistics by LoadBalancer dimension,
 * recording every query so tests can check the window asked for.
 */
import type { FlowMetricsPort, FlowStats, LoadBalancerInfo, MetricWindow } from '../../src/core/ports/flow-metrics.js';

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

  async listLoadBalancers(): Promise<LoadBalancerInfo[]> {
    this.listCalls += 1;
    if (this.failList) throw this.failList;
    return [...this.loadBalancers];
  }

  async flowStats(dimensions: readonly string[], window: MetricWindow): Promise<Map<string, FlowStats>> {
    this.beforeStats?.(this.windows.length + 1);
    this.windows.push(window);
    this.queried.push([...dimensions]);
    if (this.failStats) throw this.failStats;
    return new Map(dimensions.map((d) => [d, this.byDimension.get(d) ?? stats({})]));
  }
}
