/**
 * Contracts of the read-only AWS ports the gates use (src/core/ports/eks.ts, elbv2.ts,
 * cloudwatch.ts), run against the fakes and against the adapters on the emulator. A subject seeds
 * its world its own way (the fake's setters; the SDK against moto) and the body asserts what the
 * core relies on.
 */
import { describe, expect, it } from 'vitest';
import type { CloudWatchPort, EksPort, Elbv2Port } from '../../../src/core/ports.js';
import { rejection } from '../rejection.js';

export interface EksSubject {
  readonly name: string;
  /** A port on which cluster `name` exists (ACTIVE, version `version`) with the node groups named. */
  withCluster(name: string, version: string, nodegroups: readonly string[]): Promise<EksPort>;
  /** Whether ListNodegroups of a cluster that does not exist answers []; moto answers it with an HTTP 500. */
  readonly listsNodegroupsOfAbsentCluster: boolean;
}

export function eksContract(subject: EksSubject): void {
  describe(`EksPort contract: ${subject.name}`, () => {
    it('describes an existing cluster and lists its node groups; an absent cluster is undefined', async () => {
      const eks = await subject.withCluster('contract-a', '1.35', ['contract-a-ng']);
      expect(await eks.describeCluster('contract-a')).toMatchObject({ name: 'contract-a', status: 'ACTIVE', version: '1.35', healthIssues: [] });
      const groups = await eks.listNodegroups('contract-a');
      expect(groups.map((g) => g.name)).toEqual(['contract-a-ng']);
      expect(groups[0]).toMatchObject({ status: 'ACTIVE', healthIssues: [] });
      expect(await eks.describeCluster('contract-missing')).toBeUndefined();
    });

    it.runIf(subject.listsNodegroupsOfAbsentCluster)('lists no node groups of a cluster that does not exist', async () => {
      const eks = await subject.withCluster('contract-b', '1.35', []);
      expect(await eks.listNodegroups('contract-missing')).toEqual([]);
    });

    it('an aborted signal rejects with an AbortError', async () => {
      const eks = await subject.withCluster('contract-c', '1.35', []);
      const controller = new AbortController();
      controller.abort();
      await expect(eks.describeCluster('contract-c', controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
}

export interface Elbv2Subject {
  readonly name: string;
  /** A port with one load balancer whose targets are healthy; returns its DNS name and the target count. */
  withHealthyLoadBalancer(): Promise<{ elbv2: Elbv2Port; dnsName: string; targets: number }>;
}

export function elbv2Contract(subject: Elbv2Subject): void {
  describe(`Elbv2Port contract: ${subject.name}`, () => {
    it('reports the health of every target behind the load balancer, found by its DNS name in any case and with a trailing dot', async () => {
      const { elbv2, dnsName, targets } = await subject.withHealthyLoadBalancer();
      const health = await elbv2.targetHealthForLoadBalancer(dnsName);
      expect(health).toHaveLength(targets);
      for (const t of health) {
        expect(t.state).toBe('healthy');
        expect(t.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:/);
        expect(t.targetId).not.toBe('');
      }
      expect(await elbv2.targetHealthForLoadBalancer(`${dnsName.toUpperCase()}.`)).toEqual(health);
    });

    it('a DNS name no load balancer has is INCONSISTENT (never an empty, passing answer)', async () => {
      const { elbv2 } = await subject.withHealthyLoadBalancer();
      expect((await rejection(elbv2.targetHealthForLoadBalancer('nobody-0000.elb.eu-west-1.amazonaws.com'))).code).toBe('INCONSISTENT');
    });
  });
}

export interface CloudWatchSubject {
  readonly name: string;
  /** A port on which these alarms exist in these states (with these reasons). */
  withAlarms(alarms: readonly { name: string; state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; reason: string }[]): Promise<CloudWatchPort>;
  /** A port on which metric `metricName` in `namespace` with `dimensions` has these Sum data points at `at`. */
  withMetric(metric: { namespace: string; metricName: string; dimensions: Record<string, string>; values: readonly number[]; at: Date }): Promise<CloudWatchPort>;
}

export function cloudWatchContract(subject: CloudWatchSubject): void {
  describe(`CloudWatchPort contract: ${subject.name}`, () => {
    it('reports the state and reason of each named alarm once; a name that does not exist is absent', async () => {
      const cw = await subject.withAlarms([
        { name: 'contract-5xx', state: 'ALARM', reason: 'Threshold Crossed: 5 > 1' },
        { name: 'contract-latency', state: 'OK', reason: 'fine' },
      ]);
      const states = await cw.alarmStates(['contract-5xx', 'contract-latency', 'contract-missing', 'contract-5xx']);
      const sorted = [...states].sort((a, b) => a.name.localeCompare(b.name));
      expect(sorted).toEqual([
        { name: 'contract-5xx', state: 'ALARM', reason: 'Threshold Crossed: 5 > 1' },
        { name: 'contract-latency', state: 'OK', reason: 'fine' },
      ]);
      expect(await cw.alarmStates([])).toEqual([]);
    });

    it('sums a metric over the window; 0 without data points', async () => {
      // Five minutes ago on a whole minute: CloudWatch takes data points up to two weeks old.
      const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
      const metric = { namespace: 'Contract/Test', metricName: 'contract-errors', dimensions: { LoadBalancer: 'net/contract/1' } };
      const cw = await subject.withMetric({ ...metric, values: [3, 4], at });
      const window = { start: new Date(at.getTime() - 5 * 60_000), end: new Date(at.getTime() + 5 * 60_000) };
      expect(await cw.sumMetric({ ...metric, ...window })).toBe(7);
      expect(await cw.sumMetric({ ...metric, metricName: 'contract-nothing', ...window })).toBe(0);
    });

    it('an aborted signal rejects with an AbortError', async () => {
      const cw = await subject.withAlarms([{ name: 'contract-abort', state: 'OK', reason: 'fine' }]);
      const controller = new AbortController();
      controller.abort();
      await expect(cw.alarmStates(['contract-abort'], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
}
