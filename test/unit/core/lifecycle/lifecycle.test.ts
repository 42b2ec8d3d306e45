import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { createCluster, type CreateRequest } from '../../../../src/core/lifecycle/create.js';
import { cycleClusters, type CycleRequest } from '../../../../src/core/lifecycle/cycle.js';
import { retireCluster } from '../../../../src/core/lifecycle/retire.js';
import {
  FakeClock,
  FakeDns,
  FakeEks,
  FakeInterrupts,
  FakeStacks,
  FakeStateStore,
  ScriptedGates,
  ScriptedIoHost,
} from '../../../_helpers/fakes.js';
import { rejection } from '../../../_helpers/rejection.js';
import { FakeFlowMetrics, stats } from '../../../_helpers/fake-flow-metrics.js';
import { ingressOf } from '../../../_helpers/fakes.js';
import { FakeLeftovers, LEFTOVER_LB, TaggedLeftovers } from '../../../_helpers/fake-leftovers.js';
import type { Leftover } from '../../../../src/core/ports/leftovers.js';

/** The flow check as configured by default: no new or active flows in the last 5 minutes, data required. */
const FLOWS = { maxFlows: 0, windowMs: 300_000, requireData: true };

function world(weights: Record<string, number> = {}, options: { assumeYes?: boolean } = { assumeYes: true }) {
  const clock = new FakeClock('2026-01-01T00:00:00.000Z');
  const dns = new FakeDns(weights);
  const stacks = new FakeStacks(dns);
  const eks = new FakeEks();
  stacks.eks = eks;
  for (const name of Object.keys(weights)) {
    stacks.clusters.push(name);
    stacks.outputs.set(name, { clusterName: name, kubernetesVersion: '1.35', ingressDnsName: dns.records.find((r) => r.setIdentifier === name)!.value });
    eks.addCluster(name);
  }
  const state = new FakeStateStore(clock);
  const io = new ScriptedIoHost(options);
  const gates = new ScriptedGates('pass');
  const interrupts = new FakeInterrupts();
  // Every cluster's load balancer reports CloudWatch data with no flows: drained, unless a test says otherwise.
  const flows = new FakeFlowMetrics();
  for (const name of ['cluster-a', 'cluster-b', 'cluster-c']) flows.addNlb(`${name}-ingress`, ingressOf(name), stats({ newFlows: 0, active: 0, bytes: 0 }));
  const deps = { stacks, dns, eks, state, io, clock, gates, interrupts, flows, actor: 'tester@host', ttl: 60 };
  return { ...deps, deps };
}

const createRequest = (name: string, extra: Partial<CreateRequest> = {}): CreateRequest => ({
  name,
  kubernetesVersion: '1.35',
  platform: true,
  dryRun: false,
  gateTimeoutMs: 60_000,
  gateIntervalMs: 1_000,
  ...extra,
});

describe('cluster create', () => {
  it('gives the first cluster all the traffic (never all zero)', async () => {
    const w = world();
    const outcome = await createCluster(w.deps, createRequest('cluster-a'));
    expect(outcome.kind).toBe('created');
    expect(w.dns.weights).toEqual({ 'cluster-a': 100 });
    expect(w.stacks.calls).toEqual(expect.arrayContaining(['applyCluster:cluster-a', 'applyPlatform:cluster-a', 'applyTraffic']));
    expect(w.state.types()).toEqual(['cluster.create.started', 'cluster.applied', 'platform.applied', 'cluster.gates.passed', 'cluster.registered', 'cluster.created']);
    expect(w.state.locks.size).toBe(0);
  });

  it('registers a later cluster at weight 0 and leaves the others alone', async () => {
    const w = world({ 'cluster-a': 100 });
    await createCluster(w.deps, createRequest('cluster-b', { platform: false }));
    expect(w.dns.weights).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(w.stacks.calls).not.toContain('applyPlatform:cluster-b');
  });

  it('says so and changes nothing when the cluster already exists and is healthy', async () => {
    const w = world({ 'cluster-a': 100 });
    const outcome = await createCluster(w.deps, createRequest('cluster-a'));
    expect(outcome.kind).toBe('exists');
    expect(w.stacks.calls.filter((c) => c.startsWith('apply'))).toEqual([]);
    expect(w.state.types()).toEqual([]);
  });

  it('refuses an existing name with another version, changing nothing', async () => {
    const w = world({ 'cluster-a': 100 });
    const err = await rejection(createCluster(w.deps, createRequest('cluster-a', { kubernetesVersion: '1.32' })));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/already exists with Kubernetes 1\.35, not 1\.32/);
    expect(w.stacks.calls.filter((c) => c.startsWith('apply'))).toEqual([]);
  });

  it('refuses an invalid name before touching anything', async () => {
    const w = world();
    const err = await rejection(createCluster(w.deps, createRequest('Cluster_B')));
    expect(err.exitCode).toBe(2);
    expect(w.stacks.calls).toEqual([]);
  });

  it('says what exists and how to go on when it fails half-way, and a re-run finishes the job', async () => {
    const w = world({ 'cluster-a': 100 });
    w.stacks.failPlatformApply = new CurvectlError('TERRAFORM', 'helm_release.istiod: context deadline exceeded');
    const err = await rejection(createCluster(w.deps, createRequest('cluster-b')));
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toMatch(/^Creating cluster-b failed at the platform stack/);
    expect(err.hint).toMatch(/cluster-b's cluster exists.*curvectl cluster create cluster-b.*curvectl retire cluster-b/);
    expect(w.dns.weights).toEqual({ 'cluster-a': 100 });
    expect(w.state.types()).toContain('cluster.create.failed');
    expect(w.state.locks.size).toBe(0);

    w.stacks.failPlatformApply = undefined;
    const outcome = await createCluster(w.deps, createRequest('cluster-b'));
    expect(outcome.kind).toBe('created');
    expect(w.dns.weights).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
  });

  it('waits for gates with the time left and gives up at the timeout', async () => {
    const w = world({ 'cluster-a': 100 });
    w.gates.then('fail');
    const err = await rejection(createCluster(w.deps, createRequest('cluster-b', { gateTimeoutMs: 5_000, gateIntervalMs: 1_000 })));
    expect(err.code).toBe('GATE_FAILED');
    expect(w.io.progress.some((p) => /left/.test(p))).toBe(true);
    expect(w.dns.weights).toEqual({ 'cluster-a': 100 });
  });

  it('refuses to register while live and desired weights disagree', async () => {
    const w = world({ 'cluster-a': 100 });
    w.stacks.desired = { 'cluster-a': 90 };
    const err = await rejection(createCluster(w.deps, createRequest('cluster-b')));
    expect(err.message).toMatch(/differ from the desired weights/);
    expect(w.dns.weights).toEqual({ 'cluster-a': 100 });
  });

  it('shows the plan and changes nothing in a dry run', async () => {
    const w = world();
    const outcome = await createCluster(w.deps, createRequest('cluster-a', { dryRun: true }));
    expect(outcome.kind).toBe('dry-run');
    expect(w.stacks.calls).toEqual(['clusterOutputs:cluster-a', 'planCluster:cluster-a', 'readDesiredWeights']);
    expect(w.io.viewsOf('changes')[0]?.summary.add).toBe(30);
  });

  it('a dry run prints the plan summary and every command line in order: cluster, platform, gates, registration; nothing changes', async () => {
    const w = world({ 'cluster-a': 100 });
    const outcome = await createCluster(w.deps, createRequest('cluster-b', { dryRun: true }));
    if (outcome.kind !== 'dry-run') throw new Error(`not a dry run: ${outcome.kind}`);
    expect(outcome.summary).toEqual({ add: 30, change: 0, remove: 0 });
    expect(outcome.resources).toContain('module.cluster.aws_eks_cluster.this');
    expect(outcome.commands).toEqual([
      '# 1. the cluster stack in workspace cluster-b:',
      'TF_WORKSPACE=cluster-b terraform plan -input=false -out=cluster.tfplan',
      "# 2. the platform stack in workspace cluster-b (planned only when it runs: it reads the cluster's outputs and installs into it):",
      'TF_WORKSPACE=cluster-b terraform plan -out=platform.tfplan',
      'TF_WORKSPACE=cluster-b terraform apply platform.tfplan',
      "# 3. curvectl waits for cluster-b's health gates (at most 1m).",
      '# 4. cluster-b joins the traffic stack at weight 0: the desired weights become cluster-a 100, cluster-b 0, then:',
      'terraform plan -out=traffic.tfplan',
      'terraform apply traffic.tfplan',
    ]);
    expect(w.io.viewsOf('plan').at(-1)?.commands).toEqual(outcome.commands);
    expect(w.stacks.calls.filter((c) => /^(apply|write|destroy|delete)/.test(c))).toEqual([]);
    expect(w.state.events).toEqual([]);
    expect(w.state.locks.size).toBe(0);
  });
});

describe('retire', () => {
  const drained = async (w: ReturnType<typeof world>) => {
    // cluster-a had all traffic, then lost it 10 minutes ago.
    await w.state.append({ op: 's1', type: 'shift.step.done', at: '2025-12-31T23:00:00.000Z', data: { weights: { 'cluster-a': 100, 'cluster-b': 0 } } });
    await w.state.append({ op: 's1', type: 'shift.completed', at: '2025-12-31T23:50:00.000Z', data: { weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
  };

  it('removes the record, then destroys platform and cluster, in that order, journaling each part', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    await drained(w);
    const outcome = await retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: true, dryRun: false, flowCheck: FLOWS });
    expect(outcome.kind).toBe('retired');
    expect(w.dns.weights).toEqual({ 'cluster-b': 100 });
    const order = w.stacks.calls.filter((c) => /^(applyTraffic|destroy|delete)/.test(c));
    expect(order).toEqual(['applyTraffic', 'destroyPlatform:cluster-a', 'destroyCluster:cluster-a', 'deleteWorkspaces:cluster-a']);
    expect(w.state.types().slice(2)).toEqual(['retire.started', 'retire.record-removed', 'retire.platform-destroyed', 'retire.cluster-destroyed', 'retire.completed']);
    expect(w.eks.clusters.has('cluster-a')).toBe(false);
  });

  it.each([
    ['the last cluster', { 'cluster-a': 100 }, 'cluster-a', /is the last cluster/],
    ['a cluster with weight', { 'cluster-a': 10, 'cluster-b': 90 }, 'cluster-a', /still has weight 10/],
    ['an unknown cluster', { 'cluster-a': 100, 'cluster-b': 0 }, 'cluster-c', /There is no cluster named cluster-c/],
    ['an invalid name', { 'cluster-a': 100, 'cluster-b': 0 }, 'Cluster A', /is not a valid cluster name/],
  ])('refuses %s with exit 2 and changes nothing', async (_what, weights, name, message) => {
    const w = world(weights);
    const err = await rejection(retireCluster(w.deps, { name, drainMs: 0, platform: true, dryRun: false, flowCheck: FLOWS }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(w.stacks.calls.filter((c) => /^(apply|destroy|delete|write)/.test(c))).toEqual([]);
    expect(w.dns.weights).toEqual(weights);
  });

  it('unknown history (no journal): the drain clock starts when curvectl first sees it at 0, journaled', async () => {
    // cluster-a's weight went to 0 outside curvectl (or the journal is a fresh checkout's).
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    const first = await rejection(retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: false, flowCheck: FLOWS }));
    expect(first.exitCode).toBe(2);
    expect(first.message).toMatch(/less than the drain time of 2m; 2m to go/);
    expect(w.state.types()).toEqual(['retire.drain.observed']);
    expect(w.state.events[0]!.data).toEqual({ cluster: 'cluster-a', weights: { 'cluster-a': 0, 'cluster-b': 100 } });
    expect(w.io.codes()).toContain('retire.drain.unknown-history');
    expect(w.stacks.calls.filter((c) => /^(apply|destroy|delete|write)/.test(c))).toEqual([]);
    expect(w.dns.weights).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });

    w.clock.advance(60_000);
    const again = await rejection(retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: false, flowCheck: FLOWS }));
    expect(again.message).toMatch(/1m to go/);
    expect(w.state.types()).toEqual(['retire.drain.observed']);

    w.clock.advance(60_000);
    expect((await retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: false, flowCheck: FLOWS })).kind).toBe('retired');
  });

  it('a dry run with unknown history journals nothing and says the drain clock would start', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    const outcome = await retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: true, flowCheck: FLOWS });
    if (outcome.kind !== 'dry-run') throw new Error(`not a dry run: ${outcome.kind}`);
    expect(outcome.ready).toBe(false);
    expect(outcome.checks[0]).toMatchObject({ gate: 'drain', outcome: 'fail', reason: expect.stringMatching(/no record of when it lost its traffic: a retire now would start its 2m drain clock/) });
    expect(w.state.events).toEqual([]);
  });

  describe('--dry-run', () => {
    const dryRun = (w: ReturnType<typeof world>, extra: Record<string, unknown> = {}) =>
      retireCluster({ ...w.deps, ...extra }, { name: 'cluster-a', drainMs: 120_000, platform: true, dryRun: true, flowCheck: FLOWS });
    const unchanged = (w: ReturnType<typeof world>, journal: number) => {
      expect(w.stacks.calls.filter((c) => /^(apply|write|destroy|delete)/.test(c))).toEqual([]);
      expect(w.dns.swaps).toEqual([]);
      expect(w.state.events).toHaveLength(journal);
      expect(w.state.locks.size).toBe(0);
    };

    it('lists the checks with their verdicts, the Route 53 DELETE, the plans and every command line, in order; nothing changes', async () => {
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
      await drained(w);
      const leftovers = new FakeLeftovers([[]]);
      const outcome = await dryRun(w, { leftovers });
      if (outcome.kind !== 'dry-run') throw new Error(`not a dry run: ${outcome.kind}`);
      expect(outcome.ready).toBe(true);
      expect(outcome.checks.map((c) => `${c.outcome} ${c.gate}: ${c.reason}`)).toEqual([
        'pass drain: no traffic for at least 2m',
        'pass leftovers: no AWS resources tagged for it outside Terraform',
        'pass flows: 0 new and 0 active flows on net/cluster-a-ingress/0123456789abcdef in the last 5m',
      ]);
      expect(outcome.recordChange).toEqual({ HostedZoneId: 'ZFAKE', ChangeBatch: { Changes: [{ Action: 'DELETE', SetIdentifier: 'cluster-a', Weight: 0 }] } });
      expect(outcome.plans.map((p) => `${p.stack}/${p.workspace} -${p.summary.remove}`)).toEqual(['traffic/default -1', 'platform/cluster-a -5', 'cluster/cluster-a -30']);
      expect(w.stacks.calls).toContain('planTrafficWeights:{"cluster-b":100}');
      const commands = outcome.commands.filter((c) => !c.startsWith(' ') && !c.startsWith('{') && !c.startsWith('}'));
      expect(commands).toEqual([
        "# 1. remove cluster-a's weighted record (traffic stack):",
        '# curvectl writes the var file: {"cluster-b":100}',
        'terraform plan -out=traffic.tfplan',
        'terraform apply traffic.tfplan',
        '#    the apply removes the record with one Route 53 ChangeResourceRecordSets request:',
        '# 2. destroy the platform stack, then the cluster stack, then delete the workspaces:',
        'TF_WORKSPACE=cluster-a terraform destroy (platform)',
        'TF_WORKSPACE=cluster-a terraform destroy (cluster)',
        'terraform workspace delete cluster-a',
      ]);
      expect(leftovers.calls).toEqual(['find:cluster-a']);
      unchanged(w, 2);
    });

    it('reports a drain not yet over, flows still coming and leftovers as failing verdicts, without waiting or refusing', async () => {
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
      await w.state.append({ op: 's1', type: 'shift.step.done', at: '2025-12-31T23:59:00.000Z', data: { weights: { 'cluster-a': 50, 'cluster-b': 50 } } });
      await w.state.append({ op: 's1', type: 'shift.completed', at: '2025-12-31T23:59:30.000Z', data: { weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
      w.flows.byDimension.set('net/cluster-a-ingress/0123456789abcdef', stats({ newFlows: 14, active: 3, bytes: 100 }));
      const outcome = await dryRun(w, { leftovers: new FakeLeftovers([[LEFTOVER_LB]]) });
      if (outcome.kind !== 'dry-run') throw new Error(`not a dry run: ${outcome.kind}`);
      expect(outcome.ready).toBe(false);
      expect(outcome.checks.map((c) => `${c.outcome} ${c.gate}`)).toEqual(['fail drain', 'fail leftovers', 'fail flows']);
      expect(outcome.checks[0]?.reason).toBe('1m30s of the 2m drain time to go');
      expect(outcome.checks[1]?.reason).toMatch(/1 tagged for it outside Terraform .*k8s-web.*--delete-leftovers deletes them/);
      expect(outcome.checks[2]?.reason).toMatch(/^14 new and 3 active flows .*; at most 0 new and no active flows allowed$/);
      expect(w.io.viewsOf('plan').at(-1)?.title).toBe('Dry run of retire cluster-a: it would refuse now (drain, leftovers, flows); nothing was changed.');
      expect(w.clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
      unchanged(w, 2);
    });
  });

  it('a cluster curvectl registered at 0 and never gave weight is retirable at once', async () => {
    const w = world({ 'cluster-a': 100, 'cluster-b': 0 });
    await w.state.append({ op: 'c1', type: 'cluster.registered', data: { cluster: 'cluster-b', weights: { 'cluster-a': 100, 'cluster-b': 0 } } });
    expect((await retireCluster(w.deps, { name: 'cluster-b', drainMs: 120_000, platform: false, dryRun: false, flowCheck: FLOWS })).kind).toBe('retired');
  });

  it('refuses a cluster that has not drained long enough, saying how long is left', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    await w.state.append({ op: 's1', type: 'shift.step.done', at: '2025-12-31T23:59:00.000Z', data: { weights: { 'cluster-a': 50, 'cluster-b': 50 } } });
    await w.state.append({ op: 's1', type: 'shift.completed', at: '2025-12-31T23:59:30.000Z', data: { weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
    const err = await rejection(retireCluster(w.deps, { name: 'cluster-a', drainMs: 120_000, platform: false, dryRun: false, flowCheck: FLOWS }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/less than the drain time of 2m; 1m30s to go/);
    expect(w.stacks.calls.filter((c) => /^(destroy|write)/.test(c))).toEqual([]);
  });

  it('warns when the drain is skipped', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    await retireCluster(w.deps, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS });
    expect(w.io.codes()).toContain('retire.drain.skipped');
  });

  it('stops without destroying anything when the typed name does not match', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 }, { assumeYes: false });
    w.io.answer('retire.confirm', 'cluster-b');
    const err = await rejection(retireCluster(w.deps, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS }));
    expect(err.code).toBe('STOPPED');
    expect(w.stacks.calls.filter((c) => /^(destroy|write)/.test(c))).toEqual([]);
  });

  it('skips the platform stack when the journal says it was never applied', async () => {
    const w = world({ 'cluster-a': 100 });
    await createCluster(w.deps, createRequest('cluster-b', { platform: false }));
    await retireCluster(w.deps, { name: 'cluster-b', drainMs: 0, platform: true, dryRun: false, flowCheck: FLOWS });
    expect(w.stacks.calls).not.toContain('destroyPlatform:cluster-b');
    expect(w.stacks.calls).toContain('deleteWorkspaces:cluster-b (no platform)');
  });

  it('finishes a retire that failed half-way when run again', async () => {
    const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
    w.stacks.failClusterDestroy = new CurvectlError('TERRAFORM', 'DependencyViolation: the VPC has dependencies');
    const err = await rejection(retireCluster(w.deps, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS }));
    expect(err.message).toMatch(/stopped at the cluster step/);
    expect(w.dns.weights).toEqual({ 'cluster-b': 100 });
    w.stacks.failClusterDestroy = undefined;
    const outcome = await retireCluster(w.deps, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS });
    expect(outcome.kind).toBe('retired');
    expect(w.stacks.clusters).toEqual(['cluster-b']);
  });

  describe('leftovers (AWS resources tagged for the cluster outside Terraform)', () => {
    const LB_A: Leftover = { kind: 'load-balancer', id: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1', name: 'k8s-web', tag: 'elbv2.k8s.aws/cluster=cluster-a' };
    const VOL_A: Leftover = { kind: 'volume', id: 'vol-0abc', tag: 'kubernetes.io/cluster/cluster-a=owned' };
    const destructive = (w: ReturnType<typeof world>) => w.stacks.calls.filter((c) => /^(applyTraffic|destroy|delete|write)/.test(c));

    it('are looked for before the typed confirmation: refused without asking, nothing destroyed', async () => {
      // No --yes and no scripted answer: a prompt would fail the test with "unexpected prompt".
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 }, { assumeYes: false });
      const leftovers = new FakeLeftovers([[LB_A, VOL_A]]);
      const err = await rejection(retireCluster({ ...w.deps, leftovers }, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS }));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toContain('cluster-a has 2 AWS resources tagged for it that Terraform does not manage');
      expect(w.io.prompts).toEqual([]);
      expect(leftovers.deleted).toEqual([]);
      expect(destructive(w)).toEqual([]);
      expect(w.dns.weights).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    });

    it('with --delete-leftovers the one typed confirmation names them; deleted after it, then the retire goes on', async () => {
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 }, { assumeYes: false });
      w.io.answer('retire.confirm', 'cluster-a');
      // The account as a model (the port's contract), not a script: the delete is what empties the second find.
      const leftovers = new TaggedLeftovers([
        { kind: 'load-balancer', id: LB_A.id, name: 'k8s-web', tags: { 'elbv2.k8s.aws/cluster': 'cluster-a' } },
        { kind: 'volume', id: VOL_A.id, tags: { 'kubernetes.io/cluster/cluster-a': 'owned' } },
        { kind: 'volume', id: 'vol-0b', tags: { 'kubernetes.io/cluster/cluster-b': 'owned' } },
      ]);
      const outcome = await retireCluster({ ...w.deps, leftovers }, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS, deleteLeftovers: true });
      expect(outcome.kind).toBe('retired');
      expect(w.io.prompts.map((p) => p.code)).toEqual(['retire.confirm']);
      expect(w.io.prompts[0]!.message).toContain('delete 2 AWS resources tagged for cluster-a that Terraform does not manage (load-balancer k8s-web');
      expect(leftovers.calls).toEqual(['find:cluster-a', 'delete:2', 'find:cluster-a']);
      expect([...leftovers.resources.keys()]).toEqual(['vol-0b']);
      expect(w.stacks.calls).toContain('destroyCluster:cluster-a');
    });

    it('with --delete-leftovers, a wrong typed name deletes nothing', async () => {
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 }, { assumeYes: false });
      w.io.answer('retire.confirm', 'cluster-x');
      const leftovers = new FakeLeftovers([[LB_A]]);
      const err = await rejection(retireCluster({ ...w.deps, leftovers }, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS, deleteLeftovers: true }));
      expect(err.code).toBe('STOPPED');
      expect(leftovers.deleted).toEqual([]);
      expect(destructive(w)).toEqual([]);
    });

    it('with --delete-leftovers, a retire the flow check refuses deletes nothing', async () => {
      const w = world({ 'cluster-a': 0, 'cluster-b': 100 });
      w.flows.byDimension.clear();
      w.flows.addNlb('cluster-a-ingress', ingressOf('cluster-a'), stats({ newFlows: 7, active: 2, bytes: 100 }));
      const leftovers = new FakeLeftovers([[LB_A]]);
      const err = await rejection(retireCluster({ ...w.deps, leftovers }, { name: 'cluster-a', drainMs: 0, platform: false, dryRun: false, flowCheck: FLOWS, deleteLeftovers: true }));
      expect(err.code).toBe('REFUSED');
      expect(err.message).toMatch(/flows/);
      expect(leftovers.deleted).toEqual([]);
      expect(destructive(w)).toEqual([]);
    });
  });
});

describe('cycle', () => {
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
    flowCheck: FLOWS,
    flowTimeoutMs: 600_000,
    dryRun: false,
    ...extra,
  });

  it('a dry run prints the new cluster\'s plan, the shift\'s steps, the old cluster\'s destroy plan and every command line; nothing changes', async () => {
    const w = world({ 'cluster-a': 100 });
    const outcome = await cycleClusters(w.deps, request({ dryRun: true }));
    if (outcome.kind !== 'dry-run') throw new Error(`not a dry run: ${outcome.kind}`);
    expect(outcome.plan).toEqual([
      { 'cluster-a': 50, 'cluster-b': 50 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
    expect(outcome.plans.map((p) => `${p.stack}/${p.workspace} +${p.summary.add} -${p.summary.remove}`)).toEqual(['cluster/cluster-b +30 -0', 'cluster/cluster-a +0 -30']);
    const phases = outcome.commands.filter((c) => c.startsWith('## '));
    expect(phases).toHaveLength(4);
    const at = (text: string) => outcome.commands.findIndex((c) => c.includes(text));
    // In the cycle's order: create (its plan and registration), shift, drain, retire (record, then destroys).
    expect(at('TF_WORKSPACE=cluster-b terraform plan')).toBeGreaterThan(at('## phase 1'));
    expect(at('cluster-b joins the traffic stack at weight 0')).toBeLessThan(at('## phase 2'));
    expect(at('cluster-a 50, cluster-b 50 -> cluster-a 0, cluster-b 100')).toBeGreaterThan(at('## phase 2'));
    expect(at("remove cluster-a's weighted record: the desired weights become cluster-b 100")).toBeGreaterThan(at('## phase 4'));
    expect(at('TF_WORKSPACE=cluster-a terraform destroy (cluster)')).toBeGreaterThan(at("remove cluster-a's weighted record"));
    expect(w.stacks.calls).toContain('planDestroy:cluster-a (no platform)');
    expect(w.stacks.calls.filter((c) => /^(apply|write|destroy|delete)/.test(c))).toEqual([]);
    expect(w.dns.weights).toEqual({ 'cluster-a': 100 });
    expect(w.state.events).toEqual([]);
    expect(w.io.prompts).toEqual([]);
  });

  it('creates, shifts, waits for the drain and retires under --yes', async () => {
    const w = world({ 'cluster-a': 100 });
    const outcome = await cycleClusters(w.deps, request());
    expect(outcome.kind).toBe('completed');
    expect(w.dns.weights).toEqual({ 'cluster-b': 100 });
    expect(w.stacks.clusters).toEqual(['cluster-b']);
    expect(w.io.progress.some((p) => /Draining cluster-a: \dm?\d*s? left/.test(p))).toBe(true);
    const types = w.state.types();
    expect(types.indexOf('cluster.created')).toBeLessThan(types.indexOf('shift.completed'));
    expect(types.indexOf('shift.completed')).toBeLessThan(types.indexOf('retire.completed'));
  });

  it('keeps the old cluster when the shift is rolled back', async () => {
    const w = world({ 'cluster-a': 100 });
    w.gates.then('pass', 'pass', 'fail');
    const outcome = await cycleClusters(w.deps, request());
    expect(outcome.kind).toBe('shift-stopped');
    expect(w.dns.weights).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(w.stacks.calls).not.toContain('destroyCluster:cluster-a');
  });

  it('stops before asking to retire the old cluster when leftovers are tagged for it; the new one keeps all traffic', async () => {
    const w = world({ 'cluster-a': 100 });
    const lb: Leftover = { kind: 'load-balancer', id: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1', name: 'k8s-web', tag: 'elbv2.k8s.aws/cluster=cluster-a' };
    const leftovers = new FakeLeftovers([[lb]]);
    const err = await rejection(cycleClusters({ ...w.deps, leftovers }, request()));
    expect(err.code).toBe('REFUSED');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^All traffic is on cluster-b; cluster-a was not retired: cluster-a has 1 AWS resource tagged for it/);
    expect(err.message).toContain('load-balancer k8s-web');
    expect(err.hint).toContain('curvectl retire cluster-a --delete-leftovers');
    // Refused before the typed confirmation, after the shift; nothing of cluster-a destroyed.
    expect(w.io.prompts.map((p) => p.code)).not.toContain('cycle.retire');
    expect(w.dns.weights).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(w.stacks.calls.filter((c) => c.endsWith(':cluster-a') && /^(destroy|delete)/.test(c))).toEqual([]);
    expect(w.stacks.clusters.sort()).toEqual(['cluster-a', 'cluster-b']);
    expect(leftovers.deleted).toEqual([]);
    expect(w.state.types()).not.toContain('retire.started');
  });

  it('retires the old cluster when nothing is tagged for it outside Terraform', async () => {
    const w = world({ 'cluster-a': 100 });
    const leftovers = new FakeLeftovers([[]]);
    expect((await cycleClusters({ ...w.deps, leftovers }, request())).kind).toBe('completed');
    // Looked for before the confirmation, and again by the retire itself.
    expect(leftovers.calls).toEqual(['find:cluster-a', 'find:cluster-a']);
    expect(w.stacks.clusters).toEqual(['cluster-b']);
  });

  it('refuses the same cluster on both sides', async () => {
    const w = world({ 'cluster-a': 100 });
    const err = await rejection(cycleClusters(w.deps, request({ to: 'cluster-a' })));
    expect(err.exitCode).toBe(2);
  });
});
