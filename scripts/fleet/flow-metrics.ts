/**
 * Each load balancer's metrics, put to CloudWatch the way AWS does for a Network Load Balancer
 * ("CloudWatch metrics for your Network Load Balancer", Elastic Load Balancing User Guide):
 * namespace AWS/NetworkELB, dimension LoadBalancer = net/<name>/<id> (the ARN after
 * "loadbalancer/"), NewFlowCount (new TCP flows in the period, Count), ActiveFlowCount (concurrent
 * flows, Count; here the most open at once in the period, so a connection that opened and closed
 * between two data points is still seen), ProcessedBytes (Bytes; payload, without TCP/IP headers).
 * AWS sends a data point every 60 s; the fleet every few seconds, so short test windows hold data.
 *
 * An NLB sees no HTTP, so request and 5xx counts come from the cluster's ingress, as a CloudWatch
 * agent scraping the ingress controller would put them: namespace Ingress, dimension Cluster,
 * RequestCount and HTTPCode_5XX_Count. A metric gate reads them like any CloudWatch metric.
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { FlowPeriod } from './lb-server.js';
import type { AwsTarget } from './zone-view.js';

export const NLB_NAMESPACE = 'AWS/NetworkELB';
export const INGRESS_NAMESPACE = 'Ingress';

/** The data points of one period of one load balancer, per namespace. */
export function metricData(period: FlowPeriod, dimension: string, cluster: string, at: Date): { nlb: MetricDatum[]; ingress: MetricDatum[] } {
  const lb = [{ Name: 'LoadBalancer', Value: dimension }];
  const byCluster = [{ Name: 'Cluster', Value: cluster }];
  return {
    nlb: [
      { MetricName: 'NewFlowCount', Dimensions: lb, Timestamp: at, Unit: 'Count', Value: period.newFlows },
      { MetricName: 'ActiveFlowCount', Dimensions: lb, Timestamp: at, Unit: 'Count', Value: period.peakActiveFlows },
      { MetricName: 'ProcessedBytes', Dimensions: lb, Timestamp: at, Unit: 'Bytes', Value: period.processedBytes },
    ],
    ingress: [
      { MetricName: 'RequestCount', Dimensions: byCluster, Timestamp: at, Unit: 'Count', Value: period.requests },
      { MetricName: 'HTTPCode_5XX_Count', Dimensions: byCluster, Timestamp: at, Unit: 'Count', Value: period.errors5xx },
    ],
  };
}

export class MetricsPublisher {
  private readonly client: CloudWatchClient;
  /** Data points that CloudWatch accepted, and puts that failed (the fleet keeps going). */
  published = 0;
  failedPuts = 0;

  constructor(aws: AwsTarget) {
    this.client = new CloudWatchClient({ endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials, maxAttempts: 3 });
  }

  async publish(period: FlowPeriod, dimension: string, cluster: string, at = new Date()): Promise<void> {
    const { nlb, ingress } = metricData(period, dimension, cluster, at);
    const puts = [
      this.client.send(new PutMetricDataCommand({ Namespace: NLB_NAMESPACE, MetricData: nlb })),
      this.client.send(new PutMetricDataCommand({ Namespace: INGRESS_NAMESPACE, MetricData: ingress })),
    ];
    for (const result of await Promise.allSettled(puts)) {
      if (result.status === 'fulfilled') this.published += 1;
      else this.failedPuts += 1;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
