import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../../src/adapters/aws/clients.js';
import { wholeWindowPeriod } from '../../../../src/adapters/aws/flow-metrics.js';

const elbMock = mockClient(ElasticLoadBalancingV2Client);
const cwMock = mockClient(CloudWatchClient);
afterEach(() => {
  elbMock.reset();
  cwMock.reset();
});

const ports = () => createAwsPorts({ region: 'eu-west-1', dns: { zone: 'example.test', record: 'api.example.test' } });
const window = { start: new Date('2026-12-01T11:55:00Z'), end: new Date('2026-12-01T12:00:00Z') };

describe('FlowMetricsAdapter', () => {
  it('lists every page of load balancers', async () => {
    elbMock
      .on(DescribeLoadBalancersCommand, {})
      .resolvesOnce({ LoadBalancers: [{ LoadBalancerArn: 'arn:1', DNSName: 'a.elb', Type: 'network' }], NextMarker: 'm' })
      .on(DescribeLoadBalancersCommand, { Marker: 'm' })
      .resolves({ LoadBalancers: [{ LoadBalancerArn: 'arn:2', DNSName: 'b.elb' }, { DNSName: 'no-arn.elb' }] });
    expect(await ports().flows.listLoadBalancers()).toEqual([
      { arn: 'arn:1', dnsName: 'a.elb', type: 'network' },
      { arn: 'arn:2', dnsName: 'b.elb' },
    ]);
  });

  it('asks GetMetricData once for the three AWS/NetworkELB metrics of every load balancer, with the statistics AWS recommends', async () => {
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'lb0_newFlows', Values: [3, 4] },
        { Id: 'lb0_activeFlows', Values: [2, 5] },
        { Id: 'lb0_processedBytes', Values: [100] },
        { Id: 'lb1_newFlows', Values: [] },
      ],
    });
    const out = await ports().flows.flowStats(['net/a/1', 'net/b/2', 'net/a/1'], window);
    const calls = cwMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.StartTime).toEqual(window.start);
    expect(input.EndTime).toEqual(window.end);
    expect(input.MetricDataQueries).toHaveLength(6);
    expect(input.MetricDataQueries?.[0]).toEqual({
      Id: 'lb0_newFlows',
      MetricStat: {
        Metric: { Namespace: 'AWS/NetworkELB', MetricName: 'NewFlowCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'net/a/1' }] },
        Period: 300,
        Stat: 'Sum',
      },
      ReturnData: true,
    });
    expect(input.MetricDataQueries?.map((q) => [q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat])).toEqual([
      ['NewFlowCount', 'Sum'],
      ['ActiveFlowCount', 'Maximum'],
      ['ProcessedBytes', 'Sum'],
      ['NewFlowCount', 'Sum'],
      ['ActiveFlowCount', 'Maximum'],
      ['ProcessedBytes', 'Sum'],
    ]);
    expect(out.get('net/a/1')).toEqual({
      newFlows: { value: 7, datapoints: 2 },
      activeFlows: { value: 5, datapoints: 2 },
      processedBytes: { value: 100, datapoints: 1 },
    });
    // No data points is reported as such, not as a zero that looks measured.
    expect(out.get('net/b/2')).toEqual({
      newFlows: { value: 0, datapoints: 0 },
      activeFlows: { value: 0, datapoints: 0 },
      processedBytes: { value: 0, datapoints: 0 },
    });
  });

  it('follows NextToken', async () => {
    cwMock
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'lb0_newFlows', Values: [1] }], NextToken: 't' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'lb0_newFlows', Values: [2] }] });
    const out = await ports().flows.flowStats(['net/a/1'], window);
    expect(cwMock.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 't']);
    expect(out.get('net/a/1')?.newFlows).toEqual({ value: 3, datapoints: 2 });
  });

  it('makes no call for no load balancers', async () => {
    expect((await ports().flows.flowStats([], window)).size).toBe(0);
    expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('uses one period for the whole window, a multiple of 60 s', () => {
    expect(wholeWindowPeriod(window)).toBe(300);
    expect(wholeWindowPeriod({ start: new Date(0), end: new Date(20_000) })).toBe(60);
    expect(wholeWindowPeriod({ start: new Date(0), end: new Date(61_000) })).toBe(120);
  });
});
