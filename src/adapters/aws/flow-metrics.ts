/**
 * FlowMetricsPort: load balancers from ELBv2 DescribeLoadBalancers, their AWS/NetworkELB statistics
 * from CloudWatch GetMetricData (one call for every load balancer and metric: status and bakes must
 * not pay one round trip per cluster).
 *
 * AWS references: "CloudWatch metrics for your Network Load Balancer" (metric names, the
 * LoadBalancer dimension, most useful statistics) and the GetMetricData API reference (at most 500
 * metric queries per call, Period a multiple of 60 for standard-resolution data, query ids matching
 * ^[a-z][a-zA-Z0-9_]*$, results paginated with NextToken).
 */
import type * as Cw from '@aws-sdk/client-cloudwatch';
import type * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FlowMetricsPort, FlowStatistic, FlowStats, LoadBalancerInfo, MetricWindow } from '../../core/ports/flow-metrics.js';
import type { CloudWatchLoader } from './cloudwatch.js';
import type { Elbv2Loader } from './elbv2.js';
import { awsCall } from './errors.js';

/** GetMetricData: at most 500 MetricDataQuery entries per request. */
const QUERIES_PER_CALL = 500;

const METRICS = [
  { key: 'newFlows', metricName: 'NewFlowCount', stat: 'Sum' },
  { key: 'activeFlows', metricName: 'ActiveFlowCount', stat: 'Maximum' },
  { key: 'processedBytes', metricName: 'ProcessedBytes', stat: 'Sum' },
] as const;

/**
 * One period covering the whole window (so each query returns one value), a multiple of 60 s as
 * standard-resolution data requires; CloudWatch rounds the start down to the minute.
 */
export function wholeWindowPeriod(window: MetricWindow): number {
  const seconds = Math.max(1, Math.ceil((window.end.getTime() - window.start.getTime()) / 1000));
  return Math.max(60, Math.ceil(seconds / 60) * 60);
}

export class FlowMetricsAdapter implements FlowMetricsPort {
  constructor(
    private readonly loadElbv2: Elbv2Loader,
    private readonly loadCloudWatch: CloudWatchLoader,
  ) {}

  async listLoadBalancers(signal?: AbortSignal): Promise<LoadBalancerInfo[]> {
    const { sdk, client } = await this.loadElbv2();
    const out: LoadBalancerInfo[] = [];
    let marker: string | undefined;
    do {
      const page: Elbv2.DescribeLoadBalancersCommandOutput = await awsCall('elasticloadbalancing:DescribeLoadBalancers', () =>
        client.send(new sdk.DescribeLoadBalancersCommand({ ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal }),
      );
      for (const lb of page.LoadBalancers ?? []) {
        if (!lb.LoadBalancerArn || !lb.DNSName) continue;
        out.push({ arn: lb.LoadBalancerArn, dnsName: lb.DNSName, ...(lb.Type ? { type: lb.Type } : {}) });
      }
      marker = page.NextMarker;
    } while (marker);
    return out;
  }

  async flowStats(dimensions: readonly string[], window: MetricWindow, signal?: AbortSignal): Promise<Map<string, FlowStats>> {
    const unique = [...new Set(dimensions)];
    const result = new Map<string, FlowStats>();
    if (unique.length === 0) return result;
    const { sdk, client } = await this.loadCloudWatch();
    const period = wholeWindowPeriod(window);
    const queries = unique.flatMap((dimension, i) =>
      METRICS.map((m) => ({
        id: `lb${i}_${m.key}`,
        dimension,
        key: m.key,
        query: {
          Id: `lb${i}_${m.key}`,
          MetricStat: {
            Metric: { Namespace: 'AWS/NetworkELB', MetricName: m.metricName, Dimensions: [{ Name: 'LoadBalancer', Value: dimension }] },
            Period: period,
            Stat: m.stat,
          },
          ReturnData: true,
        } satisfies Cw.MetricDataQuery,
      })),
    );
    const values = new Map<string, number[]>();
    for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
      const chunk = queries.slice(i, i + QUERIES_PER_CALL);
      let nextToken: string | undefined;
      do {
        const page: Cw.GetMetricDataCommandOutput = await awsCall('cloudwatch:GetMetricData', () =>
          client.send(
            new sdk.GetMetricDataCommand({
              MetricDataQueries: chunk.map((q) => q.query),
              StartTime: window.start,
              EndTime: window.end,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
            { abortSignal: signal },
          ),
        );
        for (const r of page.MetricDataResults ?? []) {
          if (!r.Id) continue;
          const list = values.get(r.Id) ?? [];
          list.push(...(r.Values ?? []));
          values.set(r.Id, list);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    const statistic = (id: string, stat: 'Sum' | 'Maximum'): FlowStatistic => {
      const v = values.get(id) ?? [];
      return { value: v.length === 0 ? 0 : stat === 'Sum' ? v.reduce((a, b) => a + b, 0) : Math.max(...v), datapoints: v.length };
    };
    unique.forEach((dimension, i) => {
      result.set(dimension, {
        newFlows: statistic(`lb${i}_newFlows`, 'Sum'),
        activeFlows: statistic(`lb${i}_activeFlows`, 'Maximum'),
        processedBytes: statistic(`lb${i}_processedBytes`, 'Sum'),
      });
    });
    return result;
  }
}
