import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListNodegroupsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../../src/adapters/aws/clients.js';
import { periodFor } from '../../../../src/adapters/aws/cloudwatch.js';
import { mapAwsError } from '../../../../src/adapters/aws/errors.js';
import { CurvectlError } from '../../../../src/core/errors.js';

const eksMock = mockClient(EKSClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const cwMock = mockClient(CloudWatchClient);
afterEach(() => {
  eksMock.reset();
  elbMock.reset();
  cwMock.reset();
});

const ports = () => createAwsPorts({ region: 'eu-west-1', dns: { zone: 'example.test', record: 'api.example.test' } });

describe('EksAdapter', () => {
  it('describes a cluster, with health issues', async () => {
    eksMock.on(DescribeClusterCommand, { name: 'cluster-a' }).resolves({
      cluster: {
        name: 'cluster-a',
        status: 'ACTIVE',
        version: '1.35',
        endpoint: 'https://x.eks.amazonaws.com',
        health: { issues: [{ code: 'Ec2SubnetNotFound', message: 'subnet gone', resourceIds: [] }] },
      },
    });
    expect(await ports().eks.describeCluster('cluster-a')).toEqual({
      name: 'cluster-a',
      status: 'ACTIVE',
      version: '1.35',
      endpoint: 'https://x.eks.amazonaws.com',
      healthIssues: ['Ec2SubnetNotFound: subnet gone'],
    });
  });

  it('returns undefined for a cluster that does not exist', async () => {
    eksMock.on(DescribeClusterCommand).rejects(new ResourceNotFoundException({ message: 'No cluster found for name: x.', $metadata: {} }));
    expect(await ports().eks.describeCluster('x')).toBeUndefined();
  });

  it('lists node groups across pages and describes each', async () => {
    eksMock
      .on(ListNodegroupsCommand)
      .resolvesOnce({ nodegroups: ['ng-1'], nextToken: 't1' })
      .resolvesOnce({ nodegroups: ['ng-2'] });
    eksMock.on(DescribeNodegroupCommand, { clusterName: 'cluster-a', nodegroupName: 'ng-1' }).resolves({
      nodegroup: { nodegroupName: 'ng-1', status: 'ACTIVE', version: '1.35', health: { issues: [] } },
    });
    eksMock.on(DescribeNodegroupCommand, { clusterName: 'cluster-a', nodegroupName: 'ng-2' }).resolves({
      nodegroup: { nodegroupName: 'ng-2', status: 'DEGRADED', health: { issues: [{ code: 'AsgInstanceLaunchFailures', message: 'no capacity' }] } },
    });
    expect(await ports().eks.listNodegroups('cluster-a')).toEqual([
      { name: 'ng-1', status: 'ACTIVE', version: '1.35', healthIssues: [] },
      { name: 'ng-2', status: 'DEGRADED', healthIssues: ['AsgInstanceLaunchFailures: no capacity'] },
    ]);
    expect(eksMock.commandCalls(ListNodegroupsCommand)[1]?.args[0].input).toEqual({ clusterName: 'cluster-a', nextToken: 't1' });
  });

  it('maps access denied naming the action', async () => {
    eksMock.on(DescribeClusterCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    await expect(ports().eks.describeCluster('cluster-a')).rejects.toMatchObject({ code: 'AWS', message: 'Access denied to eks:DescribeCluster.' });
  });
});

describe('Elbv2Adapter', () => {
  it('finds the load balancer by DNS name across pages and reports every target', async () => {
    elbMock
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({ LoadBalancers: [{ DNSName: 'other.elb.amazonaws.com', LoadBalancerArn: 'arn:lb/other' }], NextMarker: 'm1' })
      .resolvesOnce({ LoadBalancers: [{ DNSName: 'A-Nlb.elb.eu-west-1.amazonaws.com', LoadBalancerArn: 'arn:lb/a' }] });
    elbMock.on(DescribeTargetGroupsCommand, { LoadBalancerArn: 'arn:lb/a' }).resolves({
      TargetGroups: [{ TargetGroupArn: 'arn:tg/http' }, { TargetGroupArn: 'arn:tg/https' }],
    });
    elbMock.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg/http' }).resolves({
      TargetHealthDescriptions: [{ Target: { Id: 'i-1', Port: 30080 }, TargetHealth: { State: 'healthy' } }],
    });
    elbMock.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg/https' }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-1', Port: 30443 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } },
      ],
    });
    expect(await ports().elbv2.targetHealthForLoadBalancer('a-nlb.elb.eu-west-1.amazonaws.com.')).toEqual([
      { targetGroupArn: 'arn:tg/http', targetId: 'i-1:30080', state: 'healthy' },
      { targetGroupArn: 'arn:tg/https', targetId: 'i-1:30443', state: 'unhealthy', reason: 'Target.FailedHealthChecks: Health checks failed' },
    ]);
    expect(elbMock.commandCalls(DescribeLoadBalancersCommand)[1]?.args[0].input).toEqual({ Marker: 'm1' });
  });

  it('says when no load balancer has the name', async () => {
    elbMock.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
    await expect(ports().elbv2.targetHealthForLoadBalancer('gone.elb.amazonaws.com')).rejects.toMatchObject({
      code: 'INCONSISTENT',
      message: 'No load balancer has the DNS name gone.elb.amazonaws.com.',
    });
  });
});

describe('CloudWatchAdapter', () => {
  it('reads alarm states by name, 100 names per call; absent names are absent', async () => {
    cwMock.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => ({
      MetricAlarms: (input.AlarmNames ?? []).filter((n) => n !== 'missing').map((n) => ({ AlarmName: n, StateValue: n === 'a-5' ? 'ALARM' : 'OK', StateReason: 'r' })),
    }));
    const names = [...Array.from({ length: 150 }, (_, i) => `a-${i}`), 'missing'];
    const states = await ports().cloudwatch.alarmStates(names);
    expect(states).toHaveLength(150);
    expect(states.find((s) => s.name === 'a-5')).toEqual({ name: 'a-5', state: 'ALARM', reason: 'r' });
    expect(cwMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length)).toEqual([100, 51]);
    expect(await ports().cloudwatch.alarmStates([])).toEqual([]);
  });

  it('sums a metric over the window with a period that fits it', async () => {
    cwMock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Sum: 3 }, { Sum: 4.5 }, {}] });
    const start = new Date('2026-11-26T10:00:00Z');
    const end = new Date('2026-11-26T10:05:00Z');
    const sum = await ports().cloudwatch.sumMetric({ namespace: 'AWS/NetworkELB', metricName: 'X', dimensions: { LoadBalancer: 'net/a/1' }, start, end });
    expect(sum).toBe(7.5);
    expect(cwMock.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input).toEqual({
      Namespace: 'AWS/NetworkELB',
      MetricName: 'X',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'net/a/1' }],
      StartTime: start,
      EndTime: end,
      Period: 60,
      Statistics: ['Sum'],
    });
    cwMock.on(GetMetricStatisticsCommand).resolves({});
    expect(await ports().cloudwatch.sumMetric({ namespace: 'N', metricName: 'X', dimensions: {}, start, end })).toBe(0);
  });

  it('chooses periods in multiples of 60 s within 1440 data points', () => {
    expect(periodFor(30_000)).toBe(60);
    expect(periodFor(5 * 60_000)).toBe(60);
    expect(periodFor(24 * 3600_000)).toBe(60);
    expect(periodFor(2 * 24 * 3600_000)).toBe(120);
  });
});

describe('mapAwsError', () => {
  it('passes CurvectlErrors and aborts through', () => {
    const e = new CurvectlError('AWS', 'x');
    expect(mapAwsError(e, 'a:b')).toBe(e);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(mapAwsError(abort, 'a:b')).toBe(abort);
  });

  it('knows a missing region, bad credentials and network errors, and never echoes keys', () => {
    expect(mapAwsError(new Error('Region is missing'), 'eks:DescribeCluster')).toMatchObject({
      code: 'ENVIRONMENT',
      message: 'No AWS region is configured.',
      hint: 'Set region in curvectl.yaml, or AWS_REGION in the environment.',
    });
    expect(mapAwsError(Object.assign(new Error('bad'), { name: 'ExpiredToken' }), 'eks:DescribeCluster')).toMatchObject({ code: 'ENVIRONMENT' });
    expect(mapAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'eks:DescribeCluster')).toMatchObject({
      code: 'AWS',
      message: 'Could not reach AWS for eks:DescribeCluster: connect ECONNREFUSED 127.0.0.1:1',
    });
    const other = mapAwsError(Object.assign(new Error('key AKIAIOSFODNN7EXAMPLE is bad'), { name: 'ValidationError' }), 'x:Y') as CurvectlError;
    expect(other.message).toBe('x:Y failed: ValidationError: key [REDACTED] is bad');
  });
});

describe('lazy loading', () => {
  it('no adapter module imports an SDK client at load time (only import type)', async () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../src/adapters/aws');
    for (const name of await readdir(dir)) {
      const text = await readFile(path.join(dir, name), 'utf8');
      const valueImports = text.split('\n').filter((l) => /^import\s+(?!type\b).*['"]@aws-sdk\//.test(l));
      expect(valueImports, name).toEqual([]);
    }
  });
});
