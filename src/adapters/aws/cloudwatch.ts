/** CloudWatchPort: alarm states (DescribeAlarms) and metric sums (GetMetricStatistics, Sum). */
import type * as Cw from '@aws-sdk/client-cloudwatch';
import type { AlarmState, CloudWatchPort, MetricQuery } from '../../core/ports.js';
import { awsCall } from './errors.js';

export type CloudWatchLoader = () => Promise<{ sdk: typeof Cw; client: Cw.CloudWatchClient }>;

/** DescribeAlarms accepts at most 100 names per call. */
const NAMES_PER_CALL = 100;
/** GetMetricStatistics returns at most 1440 data points per call. */
const MAX_DATAPOINTS = 1440;

/** A period (a multiple of 60 s) that covers the window in at most 1440 data points. */
export function periodFor(windowMs: number): number {
  const seconds = Math.max(1, Math.ceil(windowMs / 1000));
  return Math.max(60, Math.ceil(seconds / MAX_DATAPOINTS / 60) * 60);
}

export class CloudWatchAdapter implements CloudWatchPort {
  constructor(private readonly load: CloudWatchLoader) {}

  async alarmStates(names: readonly string[], signal?: AbortSignal): Promise<AlarmState[]> {
    if (names.length === 0) return [];
    const { sdk, client } = await this.load();
    const states: AlarmState[] = [];
    const unique = [...new Set(names)];
    for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
      const chunk = unique.slice(i, i + NAMES_PER_CALL);
      await awsCall('cloudwatch:DescribeAlarms', async () => {
        const input: Cw.DescribeAlarmsCommandInput = { AlarmNames: chunk, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] };
        for await (const page of sdk.paginateDescribeAlarms({ client }, input, { abortSignal: signal })) {
          for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            if (!a.AlarmName) continue;
            states.push({
              name: a.AlarmName,
              state: a.StateValue ?? 'INSUFFICIENT_DATA',
              ...(a.StateReason ? { reason: a.StateReason } : {}),
            });
          }
        }
      });
    }
    return states;
  }

  async sumMetric(query: MetricQuery, signal?: AbortSignal): Promise<number> {
    const { sdk, client } = await this.load();
    const out = await awsCall('cloudwatch:GetMetricStatistics', () =>
      client.send(
        new sdk.GetMetricStatisticsCommand({
          Namespace: query.namespace,
          MetricName: query.metricName,
          Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
          StartTime: query.start,
          EndTime: query.end,
          Period: periodFor(query.end.getTime() - query.start.getTime()),
          Statistics: ['Sum'],
        }),
        { abortSignal: signal },
      ),
    );
    return (out.Datapoints ?? []).reduce((total, point) => total + (point.Sum ?? 0), 0);
  }
}
