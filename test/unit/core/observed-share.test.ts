import { describe, expect, it } from 'vitest';
import { computeShares, formatObserved, loadBalancerDimension, matchLoadBalancers, observeShares, sharesOf } from '../../../src/core/observed-share.js';
import { collectStatus } from '../../../src/core/status.js';
import { FakeFlowMetrics, nlbArn, stats } from '../../_helpers/fake-flow-metrics.js';
import { FakeDns, FakeEks, FakeStacks, FakeStateStore, ingressOf } from '../../_helpers/fakes.js';

const now = new Date('2026-12-01T12:00:00.000Z');

describe('loadBalancerDimension', () => {
  it('is the final portion of a Network Load Balancer ARN', () => {
    expect(loadBalancerDimension(nlbArn('cluster-a-ingress', '50dc6c495c0c9188'))).toBe('net/cluster-a-ingress/50dc6c495c0c9188');
    expect(loadBalancerDimension('arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/net/x/1')).toBe('net/x/1');
  });
  it('is the final portion of any load balancer ARN, undefined for anything else', () => {
    expect(loadBalancerDimension('arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1')).toBe('app/x/1');
    expect(loadBalancerDimension('net/x/1')).toBeUndefined();
    expect(loadBalancerDimension('arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/1')).toBeUndefined();
  });
});

describe('matchLoadBalancers', () => {
  it('matches the ingress name case- and dot-insensitively, dualstack included, and says why a cluster has none', () => {
    const lbs = [
      { arn: nlbArn('a'), dnsName: 'A-1.elb.eu-west-1.amazonaws.com' },
      { arn: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/c/1', dnsName: 'c-1.elb.eu-west-1.amazonaws.com' },
      // The type decides when it is known (moto writes app/ into every ARN).
      { arn: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/e/1', dnsName: 'e-1.elb', type: 'network' },
      { arn: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/f/1', dnsName: 'f-1.elb', type: 'application' },
    ];
    const m = matchLoadBalancers(
      [
        { cluster: 'a', ingress: 'dualstack.a-1.elb.eu-west-1.amazonaws.com.' },
        { cluster: 'b', ingress: 'b-1.elb.eu-west-1.amazonaws.com' },
        { cluster: 'c', ingress: 'c-1.elb.eu-west-1.amazonaws.com' },
        { cluster: 'd', ingress: null },
        { cluster: 'e', ingress: 'e-1.elb' },
        { cluster: 'f', ingress: 'f-1.elb' },
      ],
      lbs,
    );
    expect(m.get('a')).toEqual({ kind: 'found', dimension: 'net/a/0123456789abcdef', arn: nlbArn('a') });
    expect(m.get('b')).toMatchObject({ kind: 'missing', reason: expect.stringContaining('no load balancer in this region has the DNS name b-1') });
    expect(m.get('c')).toMatchObject({ kind: 'missing', reason: expect.stringContaining('not a Network Load Balancer') });
    expect(m.get('d')).toMatchObject({ kind: 'missing', reason: expect.stringContaining('no weighted record') });
    expect(m.get('e')).toMatchObject({ kind: 'found', dimension: 'app/e/1' });
    expect(m.get('f')).toMatchObject({ kind: 'missing', reason: expect.stringContaining('not a Network Load Balancer') });
  });
});

describe('computeShares', () => {
  const window = { start: new Date(now.getTime() - 300_000), end: now };
  const found = (d: string) => ({ kind: 'found' as const, dimension: d, arn: `arn/${d}` });

  it('divides each cluster\'s bytes by the total, to one decimal of a percent', () => {
    const out = computeShares(
      new Map([
        ['a', found('net/a/1')],
        ['b', found('net/b/1')],
      ]),
      new Map([
        ['net/a/1', stats({ bytes: 1000, newFlows: 9, active: 2 })],
        ['net/b/1', stats({ bytes: 3000, newFlows: 1, active: 0 })],
      ]),
      window,
      'bytes',
    );
    expect(out.get('a')).toEqual({
      kind: 'observed',
      observed: {
        share: 25,
        flows: { new: 9, active: 2 },
        bytes: 1000,
        window: { start: '2026-12-01T11:55:00.000Z', end: '2026-12-01T12:00:00.000Z', seconds: 300 },
        loadBalancer: 'net/a/1',
      },
    });
    expect(out.get('b')).toMatchObject({ kind: 'observed', observed: { share: 75 } });
  });

  it('can use new flows as the basis instead', () => {
    const out = computeShares(
      new Map([['a', found('net/a/1')], ['b', found('net/b/1')]]),
      new Map([['net/a/1', stats({ bytes: 1000, newFlows: 1 })], ['net/b/1', stats({ bytes: 1000, newFlows: 2 })]]),
      window,
      'flows',
    );
    expect(out.get('a')).toMatchObject({ observed: { share: 33.3 } });
    expect(out.get('b')).toMatchObject({ observed: { share: 66.7 } });
  });

  it('gives no share, with the reason, to a cluster without data points: no data is not zero', () => {
    const out = computeShares(
      new Map([['a', found('net/a/1')], ['b', found('net/b/1')]]),
      new Map([['net/a/1', stats({ bytes: 500 })], ['net/b/1', stats({ newFlows: 3 })]]),
      window,
      'bytes',
    );
    expect(out.get('b')).toEqual({ kind: 'unknown', reason: 'CloudWatch has no AWS/NetworkELB ProcessedBytes data for net/b/1 in the last 5m' });
    // The share of a is of what was seen.
    expect(out.get('a')).toMatchObject({ observed: { share: 100 } });
  });

  it('has data but no share when nothing flowed anywhere', () => {
    const out = computeShares(new Map([['a', found('net/a/1')]]), new Map([['net/a/1', stats({ bytes: 0, newFlows: 0, active: 0 })]]), window, 'bytes');
    expect(out.get('a')).toMatchObject({ kind: 'observed', observed: { share: null, bytes: 0 }, note: expect.stringContaining('no cluster') });
  });
});

describe('observeShares', () => {
  it('asks CloudWatch once, for the window ending now, for every matched load balancer', async () => {
    const flows = new FakeFlowMetrics();
    flows.addNlb('a', 'a.elb', stats({ bytes: 10 }));
    flows.addNlb('b', 'b.elb', stats({ bytes: 30 }));
    const report = await observeShares({ flows, now: () => now, windowMs: 60_000, basis: 'bytes' }, [
      { cluster: 'a', ingress: 'a.elb' },
      { cluster: 'b', ingress: 'b.elb' },
      { cluster: 'c', ingress: null },
    ]);
    expect(flows.queried).toEqual([['net/a/0123456789abcdef', 'net/b/0123456789abcdef']]);
    expect(flows.windows).toEqual([{ start: new Date('2026-12-01T11:59:00.000Z'), end: now }]);
    expect(sharesOf(report)).toEqual({ a: 25, b: 75, c: null });
    expect(formatObserved(report)).toBe('a 25%, b 75%, c ?');
  });

  it('turns a failed AWS call into a reason for every cluster instead of failing', async () => {
    const flows = new FakeFlowMetrics();
    flows.addNlb('a', 'a.elb', stats({ bytes: 10 }));
    flows.failStats = new Error('cloudwatch:GetMetricData was denied.');
    const report = await observeShares({ flows, now: () => now, windowMs: 60_000, basis: 'bytes' }, [{ cluster: 'a', ingress: 'a.elb' }]);
    expect(report.clusters.get('a')).toEqual({ kind: 'unknown', reason: 'could not read CloudWatch: cloudwatch:GetMetricData was denied' });
    flows.failList = new Error('denied');
    const again = await observeShares({ flows, now: () => now, windowMs: 60_000, basis: 'bytes' }, [{ cluster: 'a', ingress: 'a.elb' }]);
    expect(again.clusters.get('a')).toEqual({ kind: 'unknown', reason: 'could not list the load balancers: denied' });
  });
});

describe('status with the observed share', () => {
  async function status(flows: FakeFlowMetrics) {
    const dns = new FakeDns({ 'cluster-a': 75, 'cluster-b': 25 });
    const stacks = new FakeStacks(dns);
    return collectStatus({
      stacks,
      dns,
      eks: new FakeEks(),
      state: new FakeStateStore(),
      ttl: 60,
      currentOperation: async () => null,
      observed: { flows, now: () => now, windowMs: 300_000, basis: 'bytes' },
    });
  }

  it('shows each cluster\'s observed share next to its weights, or null and why', async () => {
    const flows = new FakeFlowMetrics();
    flows.addNlb('cluster-a-ingress', ingressOf('cluster-a'), stats({ bytes: 700, newFlows: 7, active: 1 }));
    flows.addNlb('cluster-b-ingress', ingressOf('cluster-b'));
    const report = await status(flows);
    expect(report.clusters[0]).toMatchObject({ name: 'cluster-a', weight: { desired: 75, live: 75 }, observed: { share: 100, flows: { new: 7, active: 1 } }, observedReason: null });
    expect(report.clusters[1]).toMatchObject({
      name: 'cluster-b',
      observed: null,
      observedReason: 'CloudWatch has no AWS/NetworkELB ProcessedBytes data for net/cluster-b-ingress/0123456789abcdef in the last 5m',
    });
    expect(flows.listCalls).toBe(1);
  });

  it('still reports the weights when ELBv2 cannot be read', async () => {
    const flows = new FakeFlowMetrics();
    flows.failList = new Error('AccessDenied');
    const report = await status(flows);
    expect(report.clusters.map((c) => [c.weight.live, c.observed, c.observedReason])).toEqual([
      [75, null, 'could not list the load balancers: AccessDenied'],
      [25, null, 'could not list the load balancers: AccessDenied'],
    ]);
  });
});
