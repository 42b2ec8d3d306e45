import { describe, expect, it } from 'vitest';
import { gateSchema, type GateConfig } from '../../../../src/config/schema.js';
import { GateRunner, gateNames, summarizeCheck } from '../../../../src/core/gates/index.js';
import type { GatePorts, GateTarget } from '../../../../src/core/gates/index.js';
import {
  FakeClock,
  FakeCloudWatch,
  FakeCommand,
  FakeEks,
  FakeElbv2,
  FakeHttp,
  abortError,
  ingressOf,
} from '../../../_helpers/fakes.js';

/** Gates as curvectl.yaml would give them (defaults filled in by the schema). */
const gate = (input: unknown): GateConfig => gateSchema.parse(input);

const target: GateTarget = { cluster: 'cluster-b', ingress: ingressOf('cluster-b'), kubernetesVersion: '1.35' };

function runner(gates: unknown[], ports: GatePorts = {}, gateErrorLimit = 3, clock = new FakeClock()): GateRunner {
  return new GateRunner({ gates: gates.map(gate), clock, gateErrorLimit, ...ports });
}

async function only(r: GateRunner, t: GateTarget = target) {
  const check = await r.check(t);
  expect(check.results).toHaveLength(1);
  const [result] = check.results;
  expect(result!.reason).not.toMatch(/\n/);
  return { ...result!, verdict: check.verdict };
}

describe('eks gate', () => {
  it('passes on an ACTIVE cluster with the expected version from context', async () => {
    const eks = new FakeEks().addCluster('cluster-b');
    expect(await only(runner([{ type: 'eks' }], { eks }))).toMatchObject({ outcome: 'pass', gate: 'eks', cluster: 'cluster-b', reason: 'ACTIVE, Kubernetes 1.35' });
  });

  it('prefers the configured version', async () => {
    const eks = new FakeEks().addCluster('cluster-b', { version: '1.35' });
    const r = await only(runner([{ type: 'eks', version: '1.32' }], { eks }));
    expect(r).toMatchObject({ outcome: 'fail', reason: 'runs Kubernetes 1.35, expected 1.32' });
  });

  it('fails when the cluster is missing, not ACTIVE, or has health issues', async () => {
    const eks = new FakeEks()
      .addCluster('cluster-u', { status: 'UPDATING' })
      .addCluster('cluster-h', { healthIssues: ['IamRoleNotFound: role gone', 'SubnetNotFound: x'] });
    const r = runner([{ type: 'eks' }], { eks });
    expect(await only(r, { cluster: 'cluster-x' })).toMatchObject({ outcome: 'fail', reason: 'EKS cluster cluster-x does not exist' });
    expect(await only(r, { cluster: 'cluster-u' })).toMatchObject({ outcome: 'fail', reason: 'EKS cluster is UPDATING, not ACTIVE' });
    expect((await only(r, { cluster: 'cluster-h' })).reason).toBe('EKS reports 2 health issues: IamRoleNotFound: role gone; SubnetNotFound: x');
  });

  it('without any expected version, checks status only and says so', async () => {
    const eks = new FakeEks().addCluster('cluster-b', { version: '1.30' });
    const r = await only(runner([{ type: 'eks' }], { eks }), { cluster: 'cluster-b' });
    expect(r).toMatchObject({ outcome: 'pass', reason: 'ACTIVE, Kubernetes 1.30 (no expected version to compare)' });
  });

  it('reports needsKubernetesVersion only for an eks gate without a version', () => {
    expect(runner([{ type: 'eks' }]).needsKubernetesVersion()).toBe(true);
    expect(runner([{ type: 'eks', version: '1.35' }, { type: 'nodegroups' }]).needsKubernetesVersion()).toBe(false);
  });
});

describe('nodegroups gate', () => {
  it('passes when every node group is ACTIVE', async () => {
    const eks = new FakeEks().addCluster('cluster-b', {}, [
      { name: 'ng-1', status: 'ACTIVE', healthIssues: [] },
      { name: 'ng-2', status: 'ACTIVE', healthIssues: [] },
    ]);
    expect(await only(runner([{ type: 'nodegroups' }], { eks }))).toMatchObject({ outcome: 'pass', reason: '2 node groups ACTIVE' });
  });

  it('fails with none, one not ACTIVE, or health issues', async () => {
    const eks = new FakeEks()
      .addCluster('cluster-b', {}, [])
      .addCluster('cluster-c', {}, [{ name: 'ng-1', status: 'DEGRADED', healthIssues: [] }])
      .addCluster('cluster-d', {}, [{ name: 'ng-1', status: 'ACTIVE', healthIssues: ['Ec2LaunchTemplateNotFound: gone'] }]);
    const r = runner([{ type: 'nodegroups' }], { eks });
    expect(await only(r, { cluster: 'cluster-b' })).toMatchObject({ outcome: 'fail', reason: 'cluster cluster-b has no node groups' });
    expect(await only(r, { cluster: 'cluster-c' })).toMatchObject({ outcome: 'fail', reason: 'not ACTIVE: ng-1 DEGRADED' });
    expect(await only(r, { cluster: 'cluster-d' })).toMatchObject({ outcome: 'fail', reason: 'health issues: ng-1: Ec2LaunchTemplateNotFound: gone' });
  });
});

describe('target-health gate', () => {
  it('asks about the ingress load balancer and compares the healthy fraction with minHealthy', async () => {
    const elbv2 = new FakeElbv2().set(ingressOf('cluster-b'), ['healthy', 'healthy', 'healthy', 'unhealthy']);
    expect(await only(runner([{ type: 'target-health', minHealthy: 0.75 }], { elbv2 }))).toMatchObject({ outcome: 'pass', reason: '3/4 targets healthy' });
    const strict = await only(runner([{ type: 'target-health' }], { elbv2 }));
    expect(strict.outcome).toBe('fail');
    expect(strict.reason).toBe('3/4 targets healthy, need 100%: 10.0.0.4 unhealthy');
    expect(elbv2.asked).toEqual([ingressOf('cluster-b'), ingressOf('cluster-b')]);
  });

  it('fails with zero targets', async () => {
    // A load balancer that exists with nothing registered (an unknown one is INCONSISTENT, as ELBv2's adapter says).
    const elbv2 = new FakeElbv2().set(ingressOf('cluster-b'), []);
    expect(await only(runner([{ type: 'target-health', minHealthy: 0 }], { elbv2 }))).toMatchObject({ outcome: 'fail', reason: expect.stringMatching(/no targets registered/) });
  });

  it('errors when the ingress is unknown', async () => {
    const elbv2 = new FakeElbv2();
    expect(await only(runner([{ type: 'target-health' }], { elbv2 }), { cluster: 'cluster-b' })).toMatchObject({ outcome: 'error' });
  });
});

describe('alarm gate', () => {
  it('passes when every alarm is OK, substituting {cluster}', async () => {
    const cloudwatch = new FakeCloudWatch().setAlarm('cluster-b-5xx', 'OK').setAlarm('cluster-b-latency', 'OK');
    const r = await only(runner([{ type: 'alarm', alarms: ['{cluster}-5xx', '{cluster}-latency'] }], { cloudwatch }));
    expect(r).toMatchObject({ outcome: 'pass', reason: '2 alarms OK' });
    expect(cloudwatch.alarmQueries).toEqual([['cluster-b-5xx', 'cluster-b-latency']]);
  });

  it('fails on ALARM with its reason', async () => {
    const cloudwatch = new FakeCloudWatch().setAlarm('b-5xx', 'ALARM', 'Threshold crossed');
    expect(await only(runner([{ type: 'alarm', alarms: ['b-5xx'] }], { cloudwatch }))).toMatchObject({ outcome: 'fail', reason: 'b-5xx is ALARM (Threshold crossed)' });
  });

  it('treats INSUFFICIENT_DATA as configured', async () => {
    const cloudwatch = new FakeCloudWatch().setAlarm('b-5xx', 'INSUFFICIENT_DATA');
    expect((await only(runner([{ type: 'alarm', alarms: ['b-5xx'] }], { cloudwatch }))).outcome).toBe('fail');
    expect((await only(runner([{ type: 'alarm', alarms: ['b-5xx'], allowInsufficientData: true }], { cloudwatch }))).outcome).toBe('pass');
  });

  it('a missing alarm is an error, not a pass', async () => {
    const cloudwatch = new FakeCloudWatch().setAlarm('b-5xx', 'OK');
    expect(await only(runner([{ type: 'alarm', alarms: ['b-5xx', 'b-typo'] }], { cloudwatch }))).toMatchObject({ outcome: 'error', reason: 'no such alarm: b-typo' });
  });
});

describe('metric gate', () => {
  const metric = {
    type: 'metric',
    namespace: 'AWS/NetworkELB',
    errors: { metricName: 'Http5xx', dimensions: { LoadBalancer: '{ingress}', Cluster: '{cluster}' } },
    total: { metricName: 'Requests', dimensions: { LoadBalancer: '{ingress}' } },
    maxRatio: 0.01,
    window: '5m',
    minTotal: 100,
  };

  it('computes errors/total over the window ending now, with placeholders in dimensions', async () => {
    const clock = new FakeClock('2026-03-01T12:00:00.000Z');
    const cloudwatch = new FakeCloudWatch();
    cloudwatch.sums.set('Http5xx', 5).set('Requests', 1000);
    const r = await only(runner([metric], { cloudwatch }, 3, clock));
    expect(r).toMatchObject({ outcome: 'pass', reason: '0.50% errors (5/1000) in 5m, max 1%' });
    expect(cloudwatch.queries[0]).toEqual({
      namespace: 'AWS/NetworkELB',
      metricName: 'Http5xx',
      dimensions: { LoadBalancer: ingressOf('cluster-b'), Cluster: 'cluster-b' },
      start: new Date('2026-03-01T11:55:00.000Z'),
      end: new Date('2026-03-01T12:00:00.000Z'),
    });
  });

  it('fails above maxRatio', async () => {
    const cloudwatch = new FakeCloudWatch();
    cloudwatch.sums.set('Http5xx', 120).set('Requests', 1000);
    expect(await only(runner([metric], { cloudwatch }))).toMatchObject({ outcome: 'fail', reason: '12% errors (120/1000) in 5m, max 1%' });
  });

  // Issue 10: this used to PASS ("too little traffic"), so a mistyped metric never gated anything.
  it('fails closed: too little traffic or no data is an error once the target has weight', async () => {
    const cloudwatch = new FakeCloudWatch();
    cloudwatch.sums.set('Http5xx', 50).set('Requests', 60);
    expect(await only(runner([metric], { cloudwatch }))).toMatchObject({
      outcome: 'error',
      reason: expect.stringMatching(/^too little traffic: 60 requests in 5m \(minimum 100\); check the metric's name and dimensions$/),
    });
    cloudwatch.sums.set('Requests', 0);
    expect(await only(runner([{ ...metric, minTotal: 0 }], { cloudwatch }))).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/^no data: 0 requests/) });
  });

  it('noData: pass accepts no data or too little traffic', async () => {
    const cloudwatch = new FakeCloudWatch();
    cloudwatch.sums.set('Http5xx', 0).set('Requests', 0);
    expect(await only(runner([{ ...metric, noData: 'pass' }], { cloudwatch }))).toMatchObject({ outcome: 'pass', reason: expect.stringMatching(/accepted \(noData: pass\)/) });
  });

  it('skipped, with no query, before the target has weight; an error when its weight is unknown', async () => {
    const cloudwatch = new FakeCloudWatch();
    const r = runner([metric], { cloudwatch });
    const skipped = await r.check({ cluster: 'cluster-b', ingress: ingressOf('cluster-b') }, undefined, { weight: 0 });
    expect(skipped).toEqual({ verdict: 'pass', results: [{ gate: 'metric', cluster: 'cluster-b', outcome: 'skipped', reason: 'no traffic yet (the target has weight 0)' }] });
    expect(summarizeCheck(skipped)).toBe('gates skipped (metric)');
    expect(cloudwatch.queries).toEqual([]);
    const unknown = await r.check({ cluster: 'cluster-b', ingress: ingressOf('cluster-b') });
    expect(unknown.verdict).toBe('error');
  });

  it('no data past gateErrorLimit turns into a failure', async () => {
    const cloudwatch = new FakeCloudWatch();
    const r = runner([metric], { cloudwatch }, 2);
    const target = { cluster: 'cluster-b', ingress: ingressOf('cluster-b') };
    const verdicts = [];
    for (let i = 0; i < 3; i += 1) verdicts.push((await r.check(target, undefined, { weight: 10 })).verdict);
    expect(verdicts).toEqual(['error', 'error', 'fail']);
  });
});

describe('http gate', () => {
  it('probes the substituted URL with the Host header and timeout', async () => {
    const http = new FakeHttp();
    const r = await only(runner([{ type: 'http', url: 'http://{ingress}/healthz', host: 'api.{cluster}.example.test', timeout: '3s' }], { http }));
    expect(r.outcome).toBe('pass');
    expect(http.probes).toEqual([{ url: `http://${ingressOf('cluster-b')}/healthz`, host: 'api.cluster-b.example.test', timeoutMs: 3000 }]);
  });

  it('fails on another status and errors on a network failure', async () => {
    const http = new FakeHttp();
    http.status = 503;
    expect((await only(runner([{ type: 'http', url: 'http://x.example.test/', expectStatus: 204 }], { http }))).reason).toBe(
      'GET http://x.example.test/ answered 503, expected 204',
    );
    // Nobody listening: rejected as HttpProbe does (ENVIRONMENT: the sentence is the reason, without the code).
    http.serve('http://x.example.test/', 'refused');
    expect(await only(runner([{ type: 'http', url: 'http://x.example.test/' }], { http }))).toMatchObject({
      outcome: 'error',
      reason: 'GET http://x.example.test/ failed: connect ECONNREFUSED x.example.test',
    });
  });
});

describe('command gate', () => {
  it('runs the substituted argv and passes on exit 0', async () => {
    const command = new FakeCommand();
    const r = await only(runner([{ type: 'command', argv: ['kubectl', '--context', '{cluster}', 'wait', 'hr', '--all'] }], { command }));
    expect(r).toMatchObject({ outcome: 'pass' });
    expect(command.runs).toEqual([{ argv: ['kubectl', '--context', 'cluster-b', 'wait', 'hr', '--all'], timeoutMs: 60_000 }]);
  });

  it('fails on another exit code with the last line of output', async () => {
    const command = new FakeCommand();
    command.exitCode = 1;
    command.output = 'checking...\nHelmRelease podinfo not ready\n\n';
    expect((await only(runner([{ type: 'command', argv: ['flux', 'check'] }], { command }))).reason).toBe('flux check exited 1: HelmRelease podinfo not ready');
  });
});

describe('GateRunner', () => {
  it('a configured gate whose port is missing is an error', async () => {
    const check = await runner([{ type: 'eks' }, { type: 'alarm', alarms: ['x'] }, { type: 'http', url: 'http://x.example.test' }, { type: 'command', argv: ['true'] }, { type: 'target-health' }]).check(target);
    expect(check.results.map((r) => r.outcome)).toEqual(['error', 'error', 'error', 'error', 'error']);
    expect(check.verdict).toBe('error');
  });

  it('no gates: pass', async () => {
    expect(await runner([]).check(target)).toEqual({ verdict: 'pass', results: [] });
  });

  it('an unknown placeholder value is an error naming it', async () => {
    const http = new FakeHttp();
    const r = await only(runner([{ type: 'http', url: 'http://{ingress}/' }], { http }), { cluster: 'cluster-b' });
    expect(r).toMatchObject({ outcome: 'error', reason: '{ingress} is unknown for cluster cluster-b' });
    expect(http.probes).toEqual([]);
  });

  it('fail beats error beats pass in the verdict', async () => {
    const eks = new FakeEks().addCluster('cluster-b');
    const cloudwatch = new FakeCloudWatch().setAlarm('a', 'ALARM');
    expect((await runner([{ type: 'eks' }, { type: 'http', url: 'http://x.example.test' }], { eks }).check(target)).verdict).toBe('error');
    expect((await runner([{ type: 'http', url: 'http://x.example.test' }, { type: 'alarm', alarms: ['a'] }], { cloudwatch }).check(target)).verdict).toBe('fail');
  });

  it('turns consecutive errors of one gate into a failure after the limit, and a pass resets the count', async () => {
    const eks = new FakeEks().addCluster('cluster-b');
    const r = runner([{ type: 'eks' }], { eks }, 2);
    eks.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', code: 'ThrottlingException' });
    expect((await r.check(target)).verdict).toBe('error');
    expect((await r.check(target)).verdict).toBe('error');
    const third = await r.check(target);
    expect(third.verdict).toBe('fail');
    expect(third.results[0]!.reason).toBe('3 errors in a row (limit 2): ThrottlingException: Rate exceeded');
    eks.failWith = undefined;
    expect((await r.check(target)).verdict).toBe('pass');
    eks.failWith = new Error('Rate exceeded');
    expect((await r.check(target)).verdict).toBe('error');
  });

  it('counts errors per gate and per cluster', async () => {
    const eks = new FakeEks().addCluster('cluster-b').addCluster('cluster-c');
    const http = new FakeHttp();
    http.failWith = new Error('timeout');
    const r = runner([{ type: 'eks' }, { type: 'http', url: 'http://{cluster}.example.test' }], { eks, http }, 1);
    expect((await r.check(target)).verdict).toBe('error');
    expect((await r.check({ cluster: 'cluster-c' })).verdict).toBe('error');
    expect((await r.check(target)).verdict).toBe('fail');
  });

  it('rethrows when the signal is aborted instead of reporting an error', async () => {
    const eks = new FakeEks().addCluster('cluster-b');
    const controller = new AbortController();
    controller.abort(abortError());
    await expect(runner([{ type: 'eks' }], { eks }).check(target, controller.signal)).rejects.toThrow(/aborted/);
  });

  it('names repeated gate types apart', () => {
    expect(gateNames([gate({ type: 'eks' }), gate({ type: 'alarm', alarms: ['a'] }), gate({ type: 'alarm', alarms: ['b'] })])).toEqual(['eks', 'alarm#1', 'alarm#2']);
  });

  it('summarizes a check in one line', async () => {
    const eks = new FakeEks().addCluster('cluster-b');
    expect(summarizeCheck(await runner([{ type: 'eks' }, { type: 'nodegroups' }], { eks }).check(target))).toBe('gates pass (eks, nodegroups)');
    const cloudwatch = new FakeCloudWatch().setAlarm('a', 'ALARM');
    expect(summarizeCheck(await runner([{ type: 'eks' }, { type: 'alarm', alarms: ['a'] }], { eks, cloudwatch }).check(target))).toBe('alarm failed: a is ALARM');
  });
});
