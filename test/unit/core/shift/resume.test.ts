import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { abortShift, currentOperation, resumeShift, runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { ScriptedGates } from '../../../_helpers/fakes.js';
import { harness, request, W0, W1, W2 } from './harness.js';
import { rejection } from '../../../_helpers/rejection.js';

const resumeOptions = { gateIntervalMs: 10_000 };

/** A shift held after step 1 (W1 live). */
async function heldAtStep1(options: { steps?: number } = {}) {
  const h = harness();
  h.io.answer('shift.step.next', 'hold');
  const outcome = await runShift(h.deps, request(options.steps ? { step: Math.ceil(90 / options.steps) } : {}));
  expect(outcome.kind).toBe('held');
  return h;
}

/**
 * A shift whose process died (second Ctrl-C) during step 2: before its Route 53 change ('before'),
 * after Route 53 accepted it but before it was read back and journaled done ('route53'), or during
 * Terraform's catch-up in the bake ('catch-up': the step is done, not baked).
 */
async function crashedDuringStep2(when: 'before' | 'route53' | 'catch-up') {
  const h = harness({ assumeYes: true });
  if (when === 'catch-up') {
    h.stacks.onApply = (n) => {
      if (n === 2) h.interrupts.abort();
    };
  } else if (when === 'route53') {
    h.dns.onWaitInSync = (n) => {
      if (n === 2) h.interrupts.abort();
    };
  } else {
    h.dns.onSwap = (n) => {
      if (n === 2) h.interrupts.abort();
    };
  }
  const err = await rejection(runShift(h.deps, request()));
  expect(err.code).toBe('INTERRUPTED');
  h.stacks.onApply = undefined;
  h.dns.onSwap = undefined;
  h.dns.onWaitInSync = undefined;
  expect(h.state.types().slice(-2)).toEqual(when === 'catch-up' ? [ShiftEvent.stepIntent, ShiftEvent.stepDone] : [ShiftEvent.stepBaked, ShiftEvent.stepIntent]);
  expect(h.stacks.desired).toEqual(W2); // the var file was written before the change
  return h;
}

describe('hold and resume', () => {
  it('hold journals the step reached and releases the lock; resume completes the shift', async () => {
    const h = await heldAtStep1();
    expect(h.state.ofType(ShiftEvent.held)[0]!.data).toEqual({ index: 1, total: 2, weights: W1, reason: 'operator' });
    expect(h.state.locks.size).toBe(0);
    expect(currentOperation(h.state.events, null)).toMatchObject({
      id: 'op-1',
      kind: 'shift',
      state: 'held',
      stepsDone: 1,
      stepsTotal: 2,
      target: 'cluster-b',
      from: W0,
      plan: [W1, W2],
      weights: W1,
      rollingBack: false,
      pendingStep: undefined,
      actor: 'alice@laptop',
      startedAt: '2026-01-01T00:00:00.000Z',
    });

    const p = h.nextProcess({ assumeYes: true });
    const gateCallsBefore = h.gates.calls.length;
    const outcome = await resumeShift(p.deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.dns.weights).toEqual(W2);
    expect(h.stacks.writes).toEqual([W1, W2]);
    expect(h.state.types().slice(-6)).toEqual([
      ShiftEvent.held,
      ShiftEvent.resumed,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.stepBaked,
      ShiftEvent.completed,
    ]);
    expect(h.state.ofType(ShiftEvent.resumed)[0]!.data).toEqual({ index: 1, total: 2, weights: W1 });
    // a gate check before moving more traffic, then the bake of step 2 (7 checks)
    expect(h.gates.calls.length - gateCallsBefore).toBe(8);
    expect(h.state.lockLog).toEqual(['traffic:shift --to cluster-b', 'traffic:shift resume']);
    expect(h.state.locks.size).toBe(0);
    expect(currentOperation(h.state.events)).toBeNull();
  });

  it('resume uses the original bake unless told otherwise, and refuses a short one', async () => {
    const h = await heldAtStep1();
    const err = await rejection(resumeShift(h.nextProcess({ assumeYes: true }).deps, { ...resumeOptions, bakeMs: 5_000 }));
    expect(err.code).toBe('BAD_INPUT');
    const before = h.clock.slept;
    await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(h.clock.slept - before).toBe(60_000);
  });

  it('a gate failing on resume rolls back', async () => {
    const h = await heldAtStep1();
    h.gates.then('fail');
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'gate', weights: W0 });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.dns.weights).toEqual(W0);
  });

  it('refuses when there is nothing to resume', async () => {
    const h = harness();
    const err = await rejection(resumeShift(h.deps, resumeOptions));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toBe('There is no unfinished shift to resume.');
  });

  // Issue 10: this was INCONSISTENT (exit 1) and a plain abort overwrote the other person's weights;
  // now resume and abort both hold (OUT_OF_BAND, exit 6) and only `abort --force` overwrites.
  it('holds (OUT_OF_BAND) when Route 53 holds none of the expected weights; abort holds too, abort --force overwrites', async () => {
    const h = await heldAtStep1();
    h.dns.setWeights({ 'cluster-a': 70, 'cluster-b': 30 });
    h.stacks.desired = { 'cluster-a': 70, 'cluster-b': 30 };
    const err = await rejection(resumeShift(h.nextProcess().deps, resumeOptions));
    expect(err.code).toBe('OUT_OF_BAND');
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(/Route 53 has cluster-a 70, cluster-b 30, but the journal of shift op-1 expects step 1/);
    expect(err.message).toMatch(/cluster-a: expected 45, found 70; cluster-b: expected 55, found 30/);
    expect(err.hint).toMatch(/shift abort/);
    expect(h.stacks.writes).toEqual([W1]);
    expect(h.state.events.at(-1)).toMatchObject({
      type: ShiftEvent.held,
      data: { reason: 'out-of-band-change', index: 1, weights: { 'cluster-a': 70, 'cluster-b': 30 }, expected: W1 },
    });

    const held = await rejection(abortShift(h.nextProcess().deps));
    expect(held.code).toBe('OUT_OF_BAND');
    expect(h.dns.swaps).toHaveLength(1);
    expect(h.dns.weights).toEqual({ 'cluster-a': 70, 'cluster-b': 30 });

    const outcome = await abortShift(h.nextProcess().deps, { force: true });
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'abort', weights: W0 });
    expect(h.dns.weights).toEqual(W0);
  });

  it('refuses when the var file was edited by hand', async () => {
    const h = await heldAtStep1();
    h.stacks.desired = { 'cluster-a': 10, 'cluster-b': 90 };
    const err = await rejection(resumeShift(h.nextProcess().deps, resumeOptions));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toMatch(/traffic var file/);
  });
});

describe('crash recovery', () => {
  it('intent without done, apply never reached Route 53: resume runs that step again', async () => {
    const h = await crashedDuringStep2('before');
    expect(h.dns.weights).toEqual(W1);
    expect(currentOperation(h.state.events, null)).toMatchObject({ state: 'interrupted', stepsDone: 1, pendingStep: 2 });

    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.state.ofType(ShiftEvent.resumed)[0]!.data).toEqual({ index: 1, total: 2, weights: W1, rerunStep: 2 });
    expect(h.state.ofType(ShiftEvent.stepIntent).map((e) => e.data?.index)).toEqual([1, 2, 2]);
    expect(h.dns.weights).toEqual(W2);
  });

  it('intent without done, apply did reach Route 53: resume marks it done (recovered), bakes it and completes', async () => {
    const h = await crashedDuringStep2('route53');
    expect(h.dns.weights).toEqual(W2);
    const applies = h.stacks.applies;

    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Not run again as a step: one more apply only brings Terraform's state in line (the records already match).
    expect(h.stacks.applies).toBe(applies + 1);
    expect(h.state.ofType(ShiftEvent.stepIntent).map((e) => e.data?.index)).toEqual([1, 2]);
    expect(h.state.types().slice(-5)).toEqual([
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.resumed,
      ShiftEvent.stepBaked,
      ShiftEvent.completed,
    ]);
    expect(h.state.ofType(ShiftEvent.stepDone).at(-1)!.data).toEqual({ index: 2, total: 2, weights: W2, recovered: true });
  });

  it('a jump cut short before Route 53 changed is run again as the jump', async () => {
    const h = harness();
    h.io.answer('shift.step.next', 'jump');
    h.dns.onSwap = (n) => {
      if (n === 2) h.interrupts.abort();
    };
    await rejection(runShift(h.deps, request({ step: 10 })));
    h.dns.onSwap = undefined;
    expect(h.state.ofType(ShiftEvent.stepIntent).map((e) => e.data?.index)).toEqual([1, 9]);
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.state.ofType(ShiftEvent.stepIntent).map((e) => e.data?.index)).toEqual([1, 9, 9]);
  });

  it('crash during a bake: resume bakes the step again before going on', async () => {
    const h = harness({ assumeYes: true });
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 3) h.interrupts.abort();
    };
    await rejection(runShift(h.deps, request()));
    h.clock.onSleep = undefined;
    expect(h.state.types().at(-1)).toBe(ShiftEvent.stepDone);
    const before = h.clock.slept;
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome.kind).toBe('completed');
    expect(h.clock.slept - before).toBe(120_000); // step 1 again, then step 2
    expect(h.state.ofType(ShiftEvent.stepBaked).map((e) => e.data?.index)).toEqual([1, 2]);
  });

  it('crash after the plan was journalled, before step 1: resume starts at step 1', async () => {
    const h = harness({ assumeYes: true });
    h.dns.onSwap = () => h.interrupts.abort();
    await rejection(runShift(h.deps, request()));
    h.dns.onSwap = undefined;
    // the var file had W1 written; Route 53 still at W0
    expect(h.dns.weights).toEqual(W0);
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
  });

  it('live weights are always one of W0..Wn, whatever the step at which the process dies', async () => {
    for (let crashAt = 1; crashAt <= 20; crashAt += 1) {
      const h = harness({ assumeYes: true });
      const plan = [W0, W1, W2];
      let sleeps = 0;
      h.clock.onSleep = () => {
        sleeps += 1;
        if (sleeps === crashAt) h.interrupts.abort();
      };
      try {
        await runShift(h.deps, request());
      } catch {
        // interrupted
      }
      expect(plan).toContainEqual(h.dns.weights);
      const op = currentOperation(h.state.events, null);
      if (op) {
        const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
        expect(outcome.kind).toBe('completed');
      }
      expect(h.dns.weights).toEqual(W2);
    }
  });
});

describe('abort', () => {
  it('rolls a held shift back to its W0 and journals shift.aborted', async () => {
    const h = await heldAtStep1();
    const outcome = await abortShift(h.nextProcess().deps);
    expect(outcome).toEqual({
      kind: 'rolled-back',
      op: 'op-1',
      cause: 'abort',
      weights: W0,
      reason: 'the operator aborted the shift',
    });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.dns.weights).toEqual(W0);
    expect(h.stacks.desired).toEqual(W0);
    expect(h.state.types().slice(-3)).toEqual([ShiftEvent.rollbackStarted, ShiftEvent.rollbackDnsDone, ShiftEvent.aborted]);
    expect(h.state.ofType(ShiftEvent.rolledBack)).toEqual([]);
    expect(h.state.lockLog.at(-1)).toBe('traffic:shift abort');
    expect(currentOperation(h.state.events)).toBeNull();
    // and then a new shift may start
    expect((await runShift(h.nextProcess({ assumeYes: true }).deps, request())).kind).toBe('completed');
  });

  it('stopped during the catch-up (done, not baked): status shows the step live; resume catches the stack up, bakes it again and completes', async () => {
    const h = await crashedDuringStep2('catch-up');
    expect(h.dns.weights).toEqual(W2);
    // Route 53 was read back at W2 before the catch-up: status says so, with nothing pending.
    expect(currentOperation(h.state.events, null)).toMatchObject({ state: 'interrupted', stepsDone: 2, pendingStep: undefined, weights: W2 });
    const applies = h.stacks.applies;
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, resumeOptions);
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Route 53 not changed again; one apply catches Terraform's state up.
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2]);
    expect(h.stacks.applies).toBe(applies + 1);
    expect(h.state.types().slice(-4)).toEqual([ShiftEvent.stepDone, ShiftEvent.resumed, ShiftEvent.stepBaked, ShiftEvent.completed]);
    expect(h.state.ofType(ShiftEvent.resumed).at(-1)!.data).toEqual({ index: 2, total: 2, weights: W2 });
  });

  it('aborts an interrupted shift with a pending intent', async () => {
    const h = await crashedDuringStep2('route53');
    const outcome = await abortShift(h.nextProcess().deps);
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'abort', weights: W0 });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2, W0]);
    expect(h.dns.swaps[2]!.expected.map((r) => r.weight).sort()).toEqual([0, 100]);
  });

  it('refuses when there is nothing to abort', async () => {
    const h = harness();
    const err = await rejection(abortShift(h.deps));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toBe('There is no unfinished shift to abort.');
  });

  it('finishes a rollback whose Terraform reconcile failed, without changing Route 53 again', async () => {
    const h = harness({ assumeYes: true, gates: new ScriptedGates().failFrom(3) });
    h.stacks.failApplyOn = 2; // the reconcile after the DNS rollback (apply 1 reconciled step 1)
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toMatch(/^Route 53 is back at the starting weights \(cluster-a 90, cluster-b 10\), but reconciling the traffic stack failed/);
    expect(err.hint).toMatch(/shift abort/);
    expect(h.dns.weights).toEqual(W0);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(currentOperation(h.state.events, null)).toMatchObject({ rollingBack: true, next: expect.stringMatching(/shift abort/) });

    // resume finishes the rollback too (with its original cause)
    const outcome = await resumeShift(h.nextProcess().deps, resumeOptions);
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'gate', weights: W0 });
    expect(h.dns.swaps).toHaveLength(2); // Route 53 not changed again
    expect(h.state.ofType(ShiftEvent.rollbackDnsDone).at(-1)!.data).toMatchObject({ skipped: true });
    expect(h.state.types().at(-1)).toBe(ShiftEvent.rolledBack);
    expect(h.stacks.desired).toEqual(W0);
  });
});
