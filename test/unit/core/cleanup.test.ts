// Releasing the lock and journalling a failure on the way out never hide the operation's own error,
// and never fail silently.
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import { journalOrWarn, releaseLock } from '../../../src/core/cleanup.js';
import { createCluster } from '../../../src/core/lifecycle/create.js';
import { retireCluster } from '../../../src/core/lifecycle/retire.js';
import { FakeClock, FakeDns, FakeEks, FakeStacks, FakeStateStore, ScriptedGates, ScriptedIoHost, ingressOf } from '../../_helpers/fakes.js';
import { FakeFlowMetrics, stats } from '../../_helpers/fake-flow-metrics.js';
import { rejection } from '../../_helpers/rejection.js';

function brokenCleanup(state: FakeStateStore, what: { release?: boolean; append?: string }) {
  const acquire = state.acquireLock.bind(state);
  state.acquireLock = async (scope, operation) => {
    const handle = await acquire(scope, operation);
    if (!what.release) return handle;
    return { ...handle, release: async () => Promise.reject(new CurvectlError('AWS', 'dynamodb:DeleteItem failed: ServiceUnavailable.')) };
  };
  const append = state.append.bind(state);
  state.append = async (event) => {
    if (event.type === what.append) throw new CurvectlError('AWS', 'dynamodb:PutItem failed: ServiceUnavailable.');
    return append(event);
  };
}

function world(weights: Record<string, number> = {}) {
  const clock = new FakeClock('2026-01-01T00:00:00.000Z');
  const dns = new FakeDns(weights);
  const stacks = new FakeStacks(dns);
  stacks.eks = new FakeEks();
  for (const name of Object.keys(weights)) {
    stacks.clusters.push(name);
    stacks.outputs.set(name, { clusterName: name, kubernetesVersion: '1.35', ingressDnsName: dns.records.find((r) => r.setIdentifier === name)!.value });
  }
  const state = new FakeStateStore(clock);
  const io = new ScriptedIoHost({ assumeYes: true });
  // Each cluster's load balancer reports no flows, so a retire gets past the flow-verified drain.
  const flows = new FakeFlowMetrics();
  for (const name of Object.keys(weights)) flows.addNlb(`${name}-ingress`, ingressOf(name), stats({ newFlows: 0, active: 0, bytes: 0 }));
  const deps = { stacks, dns, eks: stacks.eks, state, io, clock, gates: new ScriptedGates('pass'), flows, actor: 'tester@host', ttl: 60 };
  return { stacks, state, io, deps };
}

const warnings = (io: ScriptedIoHost) => io.messages.filter((m) => m.level === 'warn').map((m) => m.code);

describe('cleanup on the way out', () => {
  it('releaseLock turns a failed release into a warning naming the lock', async () => {
    const io = new ScriptedIoHost();
    const info = { scope: 'cluster:blue', owner: 'o', host: 'h', pid: 1, operation: 'x', startedAt: '2026-01-01T00:00:00Z' };
    await releaseLock({ info, release: async () => Promise.reject(new Error('socket hang up')) }, io);
    expect(io.messages).toEqual([expect.objectContaining({ level: 'warn', code: 'lock.release-failed', text: expect.stringContaining('cluster:blue lock') })]);
    expect(io.messages[0]!.text).toContain('curvectl unlock');
  });

  it('journalOrWarn turns a failed append into a warning naming the event and the operation', async () => {
    const io = new ScriptedIoHost();
    await journalOrWarn({ append: async () => Promise.reject(new Error('disk full')) }, io, { op: 'create-1', type: 'cluster.create.failed' });
    expect(io.messages).toEqual([
      expect.objectContaining({ level: 'warn', code: 'journal.write-failed', text: expect.stringMatching(/cluster\.create\.failed.*disk full.*create-1/) }),
    ]);
  });

  it('cluster create: the apply failure is the error, the failed release and journal write are warnings', async () => {
    const w = world();
    w.stacks.applyCluster = async () => Promise.reject(new CurvectlError('TERRAFORM', 'terraform apply failed: quota exceeded.'));
    brokenCleanup(w.state, { release: true, append: 'cluster.create.failed' });
    const err = await rejection(
      createCluster(w.deps, { name: 'blue', kubernetesVersion: '1.35', platform: false, dryRun: false, gateTimeoutMs: 1_000, gateIntervalMs: 100 }),
    );
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toContain('quota exceeded');
    expect(warnings(w.io)).toEqual(expect.arrayContaining(['journal.write-failed', 'lock.release-failed']));
  });

  it('retire: the destroy failure is the error, the failed release and journal write are warnings', async () => {
    const w = world({ blue: 0, green: 100 });
    w.stacks.destroyCluster = async () => Promise.reject(new CurvectlError('TERRAFORM', 'terraform destroy failed: DependencyViolation.'));
    brokenCleanup(w.state, { release: true, append: 'retire.failed' });
    const err = await rejection(retireCluster(w.deps, { name: 'blue', dryRun: false, drainMs: 0, platform: false, confirmed: true, flowCheck: { maxFlows: 0, windowMs: 300_000, requireData: true } }));
    expect(err.message).toContain('DependencyViolation');
    expect(warnings(w.io)).toEqual(expect.arrayContaining(['journal.write-failed', 'lock.release-failed']));
  });
});
