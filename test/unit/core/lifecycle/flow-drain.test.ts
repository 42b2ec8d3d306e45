/**
 * The flow-verified drain with fakes: the check itself, retire's refusals (fail closed without
 * data, unless retire.requireFlowData is false), and cycle waiting for the flows to stop.
 */
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { checkFlows, flowCheckPasses } from '../../../../src/core/lifecycle/flow-drain.js';
import { cycleClusters, type CycleRequest } from '../../../../src/core/lifecycle/cycle.js';
import { retireCluster, type RetireRequest } from '../../../../src/core/lifecycle/retire.js';
import { FakeFlowMetrics, stats } from '../../../_helpers/fake-flow-metrics.js';
import { FakeClock, FakeDns, FakeEks, FakeInterrupts, FakeStacks, FakeStateStore, ScriptedGates, ScriptedIoHost, ingressOf } from '../../../_helpers/fakes.js';

const POLICY = { maxFlows: 0, windowMs: 300_000, requireData: true };

/** cluster-a drained 10 minutes ago (weight 0, cluster-b at 100); its load balancer reports `a` (none: no data). */
async function world(a?: ReturnType<typeof stats>, weights: Record<string, number> = { 'cluster-a': 0, 'cluster-b': 100 }) {
  const clock = new FakeClock('2026-01-01T00:00:00.000Z');
  const dns = new FakeDns(weights);
  const stacks = new FakeStacks(dns);
  const eks = new FakeEks();
  stacks.eks = eks;
  for (const name of Object.keys(weights)) {
    stacks.clusters.push(name);
    stacks.outputs.set(name, { clusterName: name, kubernetesVersion: '1.35', ingressDnsName: ingressOf(name) });
    eks.addCluster(name);
  }
  const state = new FakeStateStore(clock);
  await state.append({ op: 's1', type: 'shift.step.done', at: '2025-12-31T23:00:00.000Z', data: { weights: { 'cluster-a': 100, 'cluster-b': 0 } } });
  await state.append({ op: 's1', type: 'shift.completed', at: '2025-12-31T23:50:00.000Z', data: { weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
  const flows = new FakeFlowMetrics();
  const dimension = flows.addNlb('cluster-a-ingress', ingressOf('cluster-a'), a);
  flows.addNlb('cluster-b-ingress', ingressOf('cluster-b'), stats({ newFlows: 500, active: 40, bytes: 1e6 }));
  const io = new ScriptedIoHost({ assumeYes: true });
  const deps = { stacks, dns, eks, state, io, clock, flows, gates: new ScriptedGates('pass'), interrupts: new FakeInterrupts(), actor: 'tester@host', ttl: 60 };
  return { ...deps, deps, dimension };
}

const retireRequest = (extra: Partial<RetireRequest> = {}): RetireRequest => ({ name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: false, flowCheck: POLICY, ...extra });

async function rejection(promise: Promise<unknown>): Promise<CurvectlError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    return err as CurvectlError;
  }
  throw new Error('expected a rejection');
}

const destructive = (w: Awaited<ReturnType<typeof world>>) => w.stacks.calls.filter((c) => /^(apply|destroy|delete|write)/.test(c));

describe('checkFlows', () => {
  it('reads NewFlowCount and ActiveFlowCount of the load balancer behind the record, over the window ending now', async () => {
    const w = await world(stats({ newFlows: 0, active: 0, bytes: 0 }));
    const check = await checkFlows(w.deps, 'cluster-a', POLICY);
    expect(check).toEqual({ kind: 'drained', newFlows: 0, activeFlows: 0, loadBalancer: w.dimension, windowMs: 300_000 });
    expect(w.flows.queried).toEqual([[w.dimension]]);
    expect(w.flows.windows).toEqual([{ start: new Date('2025-12-31T23:55:00.000Z'), end: new Date('2026-01-01T00:00:00.000Z') }]);
  });

  it('tolerates up to maxFlows new flows, but never an active one', async () => {
    expect(await checkFlows((await world(stats({ newFlows: 3, active: 0 }))).deps, 'cluster-a', { ...POLICY, maxFlows: 3 })).toMatchObject({ kind: 'drained' });
    expect(await checkFlows((await world(stats({ newFlows: 4, active: 0 }))).deps, 'cluster-a', { ...POLICY, maxFlows: 3 })).toMatchObject({ kind: 'flowing', newFlows: 4 });
    expect(await checkFlows((await world(stats({ newFlows: 0, active: 1 }))).deps, 'cluster-a', { ...POLICY, maxFlows: 3 })).toMatchObject({ kind: 'flowing', activeFlows: 1 });
  });

  it('is no-data without data points (not zero), without a load balancer, or when CloudWatch fails', async () => {
    expect(await checkFlows((await world()).deps, 'cluster-a', POLICY)).toEqual({
      kind: 'no-data',
      reason: 'CloudWatch has no AWS/NetworkELB NewFlowCount and ActiveFlowCount data for net/cluster-a-ingress/0123456789abcdef in the last 5m',
    });
    expect(await checkFlows((await world(stats({ newFlows: 0 }))).deps, 'cluster-a', POLICY)).toMatchObject({ kind: 'no-data', reason: expect.stringContaining('no AWS/NetworkELB ActiveFlowCount data') });
    const gone = await world(stats({ newFlows: 0, active: 0 }));
    gone.flows.loadBalancers.splice(0, 1);
    expect(await checkFlows(gone.deps, 'cluster-a', POLICY)).toMatchObject({ kind: 'no-data', reason: expect.stringContaining('no load balancer in this region has the DNS name cluster-a-ingress') });
    const failing = await world(stats({ newFlows: 0, active: 0 }));
    failing.flows.failStats = new Error('cloudwatch:GetMetricData was denied (AccessDenied).');
    expect(await checkFlows(failing.deps, 'cluster-a', POLICY)).toEqual({ kind: 'no-data', reason: 'its flows could not be read: cloudwatch:GetMetricData was denied (AccessDenied)' });
  });

  it('needs no flows for a cluster that was never routed to (no record, no weight, no ingress output)', async () => {
    const w = await world(undefined, { 'cluster-a': 100 });
    w.stacks.clusters.push('cluster-c'); // a create that failed before its load balancer and registration
    expect(await checkFlows(w.deps, 'cluster-c', POLICY)).toEqual({
      kind: 'never-routed',
      reason: 'cluster-c never had a weighted record or weight, and its cluster stack has no ingress output',
    });
    // Once it had weight, an unknown load balancer is no proof: fail closed.
    await w.state.append({ op: 's2', type: 'shift.step.done', data: { weights: { 'cluster-a': 50, 'cluster-c': 50 } } });
    expect(await checkFlows(w.deps, 'cluster-c', POLICY)).toMatchObject({ kind: 'no-data', reason: expect.stringContaining('curvectl knows no load balancer of cluster-c') });
  });

  it('finds the load balancer from the cluster stack once the record is gone', async () => {
    const w = await world(stats({ newFlows: 0, active: 0 }));
    w.dns.records = w.dns.records.filter((r) => r.setIdentifier !== 'cluster-a');
    expect(await checkFlows(w.deps, 'cluster-a', POLICY)).toMatchObject({ kind: 'drained' });
  });

  it('passes no-data only when data is not required', () => {
    const noData = { kind: 'no-data', reason: 'x' } as const;
    expect(flowCheckPasses(noData, POLICY)).toBe(false);
    expect(flowCheckPasses(noData, { ...POLICY, requireData: false })).toBe(true);
    expect(flowCheckPasses({ kind: 'flowing', newFlows: 1, activeFlows: 0, loadBalancer: 'l', windowMs: 1 }, { ...POLICY, requireData: false })).toBe(false);
  });
});

describe('retire with the flow check', () => {
  it('proceeds when the load balancer had no flows over the window', async () => {
    const w = await world(stats({ newFlows: 0, active: 0, bytes: 0 }));
    expect((await retireCluster(w.deps, retireRequest())).kind).toBe('retired');
    expect(w.io.codes()).toContain('retire.flows.drained');
  });

  it('refuses while flows still reach it, saying how many, and changes nothing', async () => {
    const w = await world(stats({ newFlows: 14, active: 3, bytes: 9000 }));
    const err = await rejection(retireCluster(w.deps, retireRequest()));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      "cluster-a's load balancer still carries traffic (14 new and 3 active flows on net/cluster-a-ingress/0123456789abcdef in the last 5m; at most 0 new and no active flows allowed), so nothing was changed.",
    );
    expect(destructive(w)).toEqual([]);
    expect(w.dns.weights).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
  });

  it('fails closed without metric data: refuses, saying why', async () => {
    const w = await world();
    const err = await rejection(retireCluster(w.deps, retireRequest()));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^The drain of cluster-a cannot be proven: CloudWatch has no AWS\/NetworkELB NewFlowCount and ActiveFlowCount data for .* in the last 5m; nothing was changed\.$/);
    expect(err.hint).toMatch(/retire\.requireFlowData: false/);
    expect(destructive(w)).toEqual([]);
  });

  it('lets the drain time alone decide without data when retire.requireFlowData is false, with a warning', async () => {
    const w = await world();
    expect((await retireCluster(w.deps, retireRequest({ flowCheck: { ...POLICY, requireData: false } }))).kind).toBe('retired');
    expect(w.io.codes()).toContain('retire.flows.unproven');
  });

  it('still refuses flows when data is not required', async () => {
    const w = await world(stats({ newFlows: 1, active: 0 }));
    const err = await rejection(retireCluster(w.deps, retireRequest({ flowCheck: { ...POLICY, requireData: false } })));
    expect(err.message).toMatch(/still carries traffic/);
  });

  it('checks flows after the drain time: a cluster not drained long enough is refused for that first', async () => {
    const w = await world(stats({ newFlows: 5, active: 1 }));
    const err = await rejection(retireCluster(w.deps, retireRequest({ drainMs: 3_600_000 })));
    expect(err.message).toMatch(/less than the drain time/);
  });

  it('a retire that stopped after removing the record continues without checking again', async () => {
    const w = await world(stats({ newFlows: 0, active: 0 }));
    w.stacks.failClusterDestroy = new CurvectlError('TERRAFORM', 'DependencyViolation');
    await rejection(retireCluster(w.deps, retireRequest()));
    w.stacks.failClusterDestroy = undefined;
    w.flows.byDimension.clear(); // the load balancer no longer reports anything
    expect((await retireCluster(w.deps, retireRequest())).kind).toBe('retired');
  });
});

describe('cycle waits for the flows to stop', () => {
  const request = (extra: Partial<CycleRequest> = {}): CycleRequest => ({
    from: 'cluster-a',
    to: 'cluster-b',
    kubernetesVersion: '1.35',
    platform: false,
    step: 50,
    bakeMs: 60_000,
    allowShortBake: false,
    gateIntervalMs: 10_000,
    gateTimeoutMs: 60_000,
    drainMs: 120_000,
    flowCheck: POLICY,
    flowTimeoutMs: 60_000,
    dryRun: false,
    ...extra,
  });

  it('shows the flows left and the time left, and retires once they have stopped', async () => {
    const w = await world(stats({ newFlows: 8, active: 2 }), { 'cluster-a': 100 });
    // The flows stop on the fourth look (a client's pooled connection finally closing).
    w.flows.beforeStats = (n) => {
      if (n === 4) w.flows.byDimension.set(w.dimension, stats({ newFlows: 0, active: 0 }));
    };
    const outcome = await cycleClusters({ ...w.deps, ttl: 60 }, request());
    expect(outcome.kind).toBe('completed');
    expect(w.io.progress).toContain(`start: Draining cluster-a: 8 new and 2 active flows on ${w.dimension} in the last 5m`);
    expect(w.io.progress.some((p) => /^update: Draining cluster-a: 8 new and 2 active flows .*; waiting for them to stop, \d+s left$/.test(p))).toBe(true);
    expect(w.io.progress).toContain("succeed: cluster-a's load balancer has no traffic left");
    expect(w.stacks.clusters).toEqual(['cluster-b']);
  });

  it('gives up after retire.flowTimeout and keeps the old cluster', async () => {
    const w = await world(stats({ newFlows: 8, active: 2 }), { 'cluster-a': 100 });
    const err = await rejection(cycleClusters(w.deps, request()));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/still carried traffic after waiting 1m \(8 new and 2 active flows/);
    expect(w.stacks.calls).not.toContain('destroyCluster:cluster-a');
    expect(w.dns.weights).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
  });

  it('does not wait for data that is not there: the retire refuses it at once', async () => {
    const w = await world(undefined, { 'cluster-a': 100 });
    const err = await rejection(cycleClusters(w.deps, request()));
    expect(err.message).toMatch(/The drain of cluster-a cannot be proven/);
    expect(w.stacks.calls).not.toContain('destroyCluster:cluster-a');
  });
});
