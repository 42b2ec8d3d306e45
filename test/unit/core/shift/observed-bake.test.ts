/**
 * Every bake shows planned vs observed while it runs, and the journal records the observed share
 * (and the gate results) when it ends, so history and the shift report can show them.
 */
import { describe, expect, it } from 'vitest';
import { shareObserver } from '../../../../src/core/observed-share.js';
import { runShift } from '../../../../src/core/shift/run.js';
import { FakeFlowMetrics, stats } from '../../../_helpers/fake-flow-metrics.js';
import { ingressOf } from '../../../_helpers/fakes.js';
import { harness, request } from './harness.js';

describe('bake with the observed share', () => {
  it('shows planned vs observed on the progress line and journals the share at the end of each bake', async () => {
    const h = harness({ assumeYes: true });
    const flows = new FakeFlowMetrics();
    flows.addNlb('cluster-a-ingress', ingressOf('cluster-a'), stats({ bytes: 700, newFlows: 7, active: 1 }));
    flows.addNlb('cluster-b-ingress', ingressOf('cluster-b'), stats({ bytes: 300, newFlows: 3, active: 1 }));
    const deps = { ...h.deps, observe: shareObserver({ dns: h.dns, flows, now: () => h.clock.now(), windowMs: 60_000, basis: 'bytes' as const }) };
    const outcome = await runShift(deps, request());
    expect(outcome.kind).toBe('completed');
    expect(h.io.progress).toContain('update: Step 1/2 at cluster-a 45, cluster-b 55: 1m left; gates pass (scripted); observed cluster-a 70%, cluster-b 30%');
    expect(h.io.progress).toContain('succeed: Step 1/2 baked 1m: gates pass (scripted); planned cluster-a 45, cluster-b 55 vs observed cluster-a 70%, cluster-b 30%');
    const baked = (await h.state.readJournal()).filter((e) => e.type === 'shift.step.baked');
    expect(baked).toHaveLength(2);
    expect(baked[0]!.data).toMatchObject({
      index: 1,
      observed: { 'cluster-a': 70, 'cluster-b': 30 },
      observedWindow: { seconds: 60 },
      gates: expect.any(Array),
    });
    // The load balancers were listed once for the whole shift; CloudWatch was asked on every look.
    expect(flows.listCalls).toBe(1);
    expect(flows.windows.length).toBeGreaterThan(2);
  });

  it('a failing CloudWatch never fails the bake: the share is just not shown', async () => {
    const h = harness({ assumeYes: true });
    const flows = new FakeFlowMetrics();
    flows.failList = new Error('AccessDenied');
    const deps = { ...h.deps, observe: shareObserver({ dns: h.dns, flows, now: () => h.clock.now(), windowMs: 60_000, basis: 'bytes' as const }) };
    expect((await runShift(deps, request())).kind).toBe('completed');
    const baked = (await h.state.readJournal()).filter((e) => e.type === 'shift.step.baked');
    expect(baked[0]!.data).not.toHaveProperty('observed');
  });
});
