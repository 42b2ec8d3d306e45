import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import type { WeightedRecord, Weights } from '../../../../src/core/ports.js';
import { rollbackToStart, ShiftEvent, type RollbackDeps } from '../../../../src/core/shift/index.js';
import { FakeClock, FakeDns, FakeStacks, FakeStateStore, ScriptedIoHost } from '../../../_helpers/fakes.js';

const W0: Weights = { 'cluster-a': 90, 'cluster-b': 10 };

function setup(live: Weights) {
  const clock = new FakeClock();
  const dns = new FakeDns(live);
  const stacks = new FakeStacks(dns);
  const state = new FakeStateStore(clock);
  const io = new ScriptedIoHost({ assumeYes: true });
  const deps: RollbackDeps = { dns, stacks, state, io, clock, actor: 'bob@ci' };
  return { clock, dns, stacks, state, io, deps };
}

const request = { op: 'op-9', w0: W0, cause: 'gate' as const, reason: 'alarm b-5xx is ALARM' };

describe('rollbackToStart', () => {
  it('one change of every record back to W0, wait INSYNC, verify, then reconcile Terraform', async () => {
    const s = setup({ 'cluster-a': 0, 'cluster-b': 100 });
    const decidedAt = s.clock.now();
    s.clock.advance(1500);
    const result = await rollbackToStart(s.deps, { ...request, decidedAt, index: 2 });
    expect(result).toEqual({ weights: W0, dnsSkipped: false, changeId: '/change/C1', acceptedMs: 1500, inSyncMs: 1500, planClean: true });
    expect(s.dns.swaps).toHaveLength(1);
    expect(s.dns.swaps[0]!.next).toEqual(W0);
    expect(s.dns.swaps[0]!.expected).toHaveLength(2);
    expect(s.dns.waits).toEqual(['/change/C1']);
    expect(s.stacks.calls).toEqual(['writeDesiredWeights', 'applyTraffic', 'planTraffic']);
    expect(s.state.events.map((e) => [e.type, e.data])).toEqual([
      [ShiftEvent.rollbackStarted, { cause: 'gate', reason: 'alarm b-5xx is ALARM', to: W0, index: 2 }],
      [ShiftEvent.rollbackDnsDone, { weights: W0, skipped: false, changeId: '/change/C1', ms: 1500, inSyncMs: 1500 }],
      [ShiftEvent.rolledBack, { cause: 'gate', reason: 'alarm b-5xx is ALARM', weights: W0, ms: 1500, planClean: true }],
    ]);
    expect(s.io.viewsOf('weights')).toEqual([{ type: 'weights', title: 'Rolled back', weights: W0, previous: { 'cluster-a': 0, 'cluster-b': 100 } }]);
  });

  it('is idempotent: when Route 53 already has W0 it sends no change', async () => {
    const s = setup({ 'cluster-a': 0, 'cluster-b': 100 });
    await rollbackToStart(s.deps, request);
    const second = await rollbackToStart(s.deps, { ...request, resumed: true });
    expect(second.dnsSkipped).toBe(true);
    expect(s.dns.swaps).toHaveLength(1);
    expect(s.state.ofType(ShiftEvent.rollbackStarted)[1]!.data).toMatchObject({ resumed: true });
  });

  it('ends with shift.aborted for an abort', async () => {
    const s = setup({ 'cluster-a': 45, 'cluster-b': 55 });
    await rollbackToStart(s.deps, { ...request, cause: 'abort' });
    expect(s.state.types()).toEqual([ShiftEvent.rollbackStarted, ShiftEvent.rollbackDnsDone, ShiftEvent.aborted]);
  });

  it('a record created since the start goes to 0 in the same change, and stays in the var file', async () => {
    const s = setup({ 'cluster-a': 45, 'cluster-b': 55, 'cluster-c': 0 });
    const result = await rollbackToStart(s.deps, request);
    expect(s.dns.swaps).toHaveLength(1);
    expect(s.dns.swaps[0]!.next).toEqual({ ...W0, 'cluster-c': 0 });
    expect(result.weights).toEqual({ ...W0, 'cluster-c': 0 });
    expect(s.stacks.desired).toEqual({ ...W0, 'cluster-c': 0 });
    expect(s.io.codes()).toContain('shift.rollback.extra-records');
  });

  it('a W0 record that is gone is INCONSISTENT, before any change', async () => {
    const s = setup({ 'cluster-b': 100 });
    await expect(rollbackToStart(s.deps, request)).rejects.toMatchObject({ code: 'INCONSISTENT', message: expect.stringMatching(/cluster-a is gone/) });
    expect(s.dns.swaps).toEqual([]);
    expect(s.stacks.writes).toEqual([]);
    expect(s.io.progress.at(-1)).toBe('fail: Rollback did not finish');
  });

  it('verifies Route 53 after the change: a mismatch is INCONSISTENT and Terraform is not touched', async () => {
    const s = setup({ 'cluster-a': 45, 'cluster-b': 55 });
    const swap = s.dns.swapWeights.bind(s.dns);
    s.dns.swapWeights = async (expected: readonly WeightedRecord[], next: Weights, signal?: AbortSignal) => {
      const id = await swap(expected, next, signal);
      s.dns.setWeights({ 'cluster-a': 60 }); // someone else wrote in between
      return id;
    };
    const err = await rollbackToStart(s.deps, request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CurvectlError);
    expect((err as CurvectlError).code).toBe('INCONSISTENT');
    expect(s.stacks.writes).toEqual([]);
    expect(s.state.types()).toEqual([ShiftEvent.rollbackStarted, ShiftEvent.rollbackDnsDone]);
  });

  it('a failed Route 53 change leaves the journal unfinished and Terraform untouched', async () => {
    const s = setup({ 'cluster-a': 45, 'cluster-b': 55 });
    s.dns.failSwap = new CurvectlError('AWS', 'Throttling: Rate exceeded');
    await expect(rollbackToStart(s.deps, request)).rejects.toMatchObject({ code: 'AWS' });
    expect(s.state.types()).toEqual([ShiftEvent.rollbackStarted]);
    expect(s.stacks.writes).toEqual([]);
  });

  it('warns when the plan after the reconcile still shows changes', async () => {
    const s = setup({ 'cluster-a': 45, 'cluster-b': 55 });
    s.stacks.planAlwaysDirty = true;
    const result = await rollbackToStart(s.deps, request);
    expect(result.planClean).toBe(false);
    expect(s.io.codes()).toContain('shift.rollback.plan-not-clean');
    expect(s.state.events.at(-1)!.data).toMatchObject({ planClean: false });
  });
});
