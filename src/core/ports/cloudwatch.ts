// CloudWatch alarms and metric sums, for the alarm and metric gates and the drain check.

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
