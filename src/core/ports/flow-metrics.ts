/**
 * The port for traffic as a load balancer sees it: which Network Load Balancer serves an ingress
 * DNS name, and what CloudWatch recorded of its flows. Used for the observed share (status, bakes,
 * the shift report) and the flow-verified drain of `retire`.
 *
 * The metrics are AWS's own, exactly as Elastic Load Balancing publishes them ("CloudWatch metrics
 * for your Network Load Balancer",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html):
 * namespace AWS/NetworkELB, dimension LoadBalancer = "net/<name>/<id>" (the final portion of the load
 * balancer's ARN), NewFlowCount (new flows in the period, statistic Sum), ActiveFlowCount
 * (concurrent flows, statistics Average/Maximum/Minimum), ProcessedBytes (Sum). ELB sends them in
 * 60-second intervals, and only when there is something to report: so "no data points" is not the
 * same as zero, and whoever reads them must say which it saw.
 */

/** A load balancer as ELBv2 DescribeLoadBalancers describes it. */
export interface LoadBalancerInfo {
  readonly arn: string;
  /** As AWS returns it (may carry a "dualstack." prefix or a trailing dot elsewhere). */
  readonly dnsName: string;
  /** network | application | gateway */
  readonly type?: string;
}

/** [start, end): the window a statistic covers. */
export interface MetricWindow {
  readonly start: Date;
  readonly end: Date;
}

/** One statistic of one metric over the window, with how many data points it rests on. */
export interface FlowStatistic {
  /** Sum (NewFlowCount, ProcessedBytes) or Maximum (ActiveFlowCount) over the window; 0 without data points. */
  readonly value: number;
  /** Data points CloudWatch returned for the window; 0 means "no data", which is not "zero traffic". */
  readonly datapoints: number;
}

/** What CloudWatch holds of one load balancer over a window. */
export interface FlowStats {
  /** NewFlowCount, Sum. */
  readonly newFlows: FlowStatistic;
  /** ActiveFlowCount, Maximum: the most concurrent flows seen in any period of the window. */
  readonly activeFlows: FlowStatistic;
  /** ProcessedBytes, Sum. */
  readonly processedBytes: FlowStatistic;
}

export interface FlowMetricsPort {
  /** Every load balancer in the region (ELBv2 DescribeLoadBalancers, all pages). */
  listLoadBalancers(signal?: AbortSignal): Promise<LoadBalancerInfo[]>;
  /**
   * AWS/NetworkELB statistics for each LoadBalancer dimension value ("net/<name>/<id>") over the
   * window, in as few CloudWatch calls as the API allows. Every requested dimension is in the result.
   */
  flowStats(dimensions: readonly string[], window: MetricWindow, signal?: AbortSignal): Promise<Map<string, FlowStats>>;
}
