/** The machine's transitions, one state at a time (fakes). */
import { describe, expect, it } from 'vitest';
import { ShiftEvent } from '../../../../src/core/shift/journal.js';
import { transition } from '../../../../src/core/shift/machine.js';
import { initialState, type Run } from '../../../../src/core/shift/state.js';
import { weightsFromRecords } from '../../../../src/core/weights.js';
import { ScriptedGates } from '../../../_helpers/fakes.js';
import { harness, W0, W1, W2 } from './harness.js';

const run = (over: Partial<Run> = {}): Run => ({
  op: 'op-1',
  to: 'cluster-b',
  w0: W0,
  steps: [W1, W2],
  target: { cluster: 'cluster-b' },
  bakeMs: 60_000,
  allowShortBake: false,
  gateIntervalMs: 10_000,
  reached: 0,
  baked: false,
  ...over,
});
const lock = { info: { scope: 'traffic', owner: 'a', host: 'h', pid: 1, operation: 'shift', startedAt: 't' }, release: async () => undefined };

describe('the shift machine', () => {
  it('starts baking an unbaked verified step, else between steps (with a rerun)', () => {
    expect(initialState({ reached: 1, baked: false })).toEqual({ kind: 'baking', reached: 1 });
    expect(initialState({ reached: 1, baked: true, rerun: 2 })).toEqual({ kind: 'between', reached: 1, rerun: 2 });
    expect(initialState({ reached: 0, baked: false })).toEqual({ kind: 'between', reached: 0 });
  });

  it('between: at the last step it completes; else it applies the next step (or the rerun)', async () => {
    const h = harness({ assumeYes: true });
    expect(await transition(h.deps, run(), lock, { kind: 'between', reached: 2 })).toEqual({ state: { kind: 'completing' } });
    expect(await transition(h.deps, run(), lock, { kind: 'between', reached: 0 })).toEqual({ state: { kind: 'applying', reached: 0, next: 1 } });
    expect(await transition(h.deps, run(), lock, { kind: 'between', reached: 0, rerun: 2 })).toEqual({ state: { kind: 'applying', reached: 0, next: 2 } });
  });

  it('applying: a verified step bakes next; a lost lease holds without writing', async () => {
    const h = harness({ assumeYes: true });
    expect(await transition(h.deps, run(), lock, { kind: 'applying', reached: 0, next: 1 })).toEqual({ state: { kind: 'baking', reached: 1 } });
    expect(h.dns.weights).toEqual(W1);
    const lost = { ...lock, stillHeld: () => false };
    expect(await transition(h.deps, run(), lost, { kind: 'applying', reached: 1, next: 2 })).toEqual({ state: { kind: 'lease-lost', reached: 1, next: 2 } });
    expect(h.dns.swaps).toHaveLength(1);
  });

  it('baking: healthy leads to deciding (or completing at the end); a failed gate to rolling back', async () => {
    const h = harness({ assumeYes: true, weights: W1 });
    const baked = await transition(h.deps, run(), lock, { kind: 'baking', reached: 1 });
    expect(baked).toMatchObject({ state: { kind: 'deciding', reached: 1, interrupted: false } });
    // The bake's last read of Route 53 goes along, for the next step's compare-and-swap.
    const seen = 'state' in baked && baked.state.kind === 'deciding' ? baked.state.seen : undefined;
    expect(weightsFromRecords(seen ?? [])).toEqual(W1);
    expect(h.state.types()).toEqual([ShiftEvent.stepBaked]);
    const f = harness({ assumeYes: true, weights: W1, gates: new ScriptedGates('fail') });
    const t = await transition(f.deps, run(), lock, { kind: 'baking', reached: 1 });
    expect(t).toMatchObject({ state: { kind: 'rolling-back', reached: 1, cause: 'gate' } });
    const end = harness({ assumeYes: true, weights: W2 });
    expect(await transition(end.deps, run(), lock, { kind: 'baking', reached: 2 })).toEqual({ state: { kind: 'completing' } });
  });

  it('deciding: continue, jump, hold and roll back', async () => {
    for (const [answer, expected] of [
      ['continue', { kind: 'applying', reached: 1, next: 2 }],
      ['hold', { kind: 'holding', reached: 1, reason: 'operator' }],
      ['rollback', { kind: 'rolling-back', reached: 1, cause: 'operator', reason: 'the operator chose to roll back' }],
    ] as const) {
      const h = harness();
      h.io.answer('shift.step.next', answer);
      expect(await transition(h.deps, run({ steps: [W1, W2, W2] }), lock, { kind: 'deciding', reached: 1, interrupted: false })).toEqual({ state: expected });
    }
    const j = harness();
    j.io.answer('shift.step.next', 'jump');
    expect(await transition(j.deps, run({ steps: [W1, W1, W2] }), lock, { kind: 'deciding', reached: 1, interrupted: false })).toEqual({ state: { kind: 'applying', reached: 1, next: 3 } });
  });

  it("deciding hands the bake's read of Route 53 to the next step only when nobody was asked", async () => {
    const yes = harness({ assumeYes: true, weights: W1 });
    const seen = await yes.dns.readRecords();
    expect(await transition(yes.deps, run(), lock, { kind: 'deciding', reached: 1, interrupted: false, seen })).toEqual({
      state: { kind: 'applying', reached: 1, next: 2, seen },
    });
    // An operator's answer can take minutes: the step reads Route 53 again (negative control of the above).
    const asked = harness({ weights: W1 });
    asked.io.answer('shift.step.next', 'continue');
    expect(await transition(asked.deps, run(), lock, { kind: 'deciding', reached: 1, interrupted: false, seen })).toEqual({
      state: { kind: 'applying', reached: 1, next: 2 },
    });
  });

  it('applying from a read already made: no second read before the change, and the comparison still holds', async () => {
    const h = harness({ assumeYes: true, weights: W1 });
    const seen = await h.dns.readRecords();
    const reads = h.dns.reads;
    let readsBeforeSwap: number | undefined;
    h.dns.onSwap = () => {
      readsBeforeSwap = h.dns.reads - reads;
    };
    expect(await transition(h.deps, run(), lock, { kind: 'applying', reached: 1, next: 2, seen })).toEqual({ state: { kind: 'baking', reached: 2 } });
    // No read before the change (without `seen`: one, the compare-and-swap read; see below).
    expect(readsBeforeSwap).toBe(0);
    expect(h.dns.weights).toEqual(W2);
    // A read that is not the last verified step's map holds, with nothing written.
    const other = harness({ assumeYes: true, weights: W0 });
    const stale = await other.dns.readRecords();
    await expect(transition(other.deps, run(), lock, { kind: 'applying', reached: 1, next: 2, seen: stale })).rejects.toMatchObject({ code: 'OUT_OF_BAND' });
    expect(other.dns.swaps).toEqual([]);
    // Without `seen` the step reads Route 53 itself before the change.
    const fresh = harness({ assumeYes: true, weights: W1 });
    let freshReads: number | undefined;
    fresh.dns.onSwap = () => {
      freshReads = fresh.dns.reads;
    };
    expect(await transition(fresh.deps, run(), lock, { kind: 'applying', reached: 1, next: 2 })).toEqual({ state: { kind: 'baking', reached: 2 } });
    expect(freshReads).toBe(1);
  });

  it('the endings are journaled and end the run', async () => {
    const h = harness({ assumeYes: true, weights: W1 });
    expect(await transition(h.deps, run(), lock, { kind: 'holding', reached: 1, reason: 'operator' })).toEqual({ done: { kind: 'held', op: 'op-1', weights: W1 } });
    expect(h.state.types()).toEqual([ShiftEvent.held]);
  });
});
