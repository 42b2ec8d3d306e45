/**
 * Compare-and-swap from the last VERIFIED map: someone else's change to the live weights (before a
 * step, during a bake, between the read and the write, before a rollback, on resume) holds the shift
 * with exit 6 and nothing of theirs overwritten.
 */
import { describe, expect, it } from 'vitest';
import { CurvectlError, ExitCode } from '../../../../src/core/errors.js';
import type { Weights } from '../../../../src/core/ports.js';
import { abortShift, currentOperation, resumeShift, runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { harness, request, W0, W1, W2 } from './harness.js';

const THEIRS: Weights = { 'cluster-a': 50, 'cluster-b': 50 };

async function rejection(promise: Promise<unknown>): Promise<CurvectlError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    return err as CurvectlError;
  }
  throw new Error('expected a rejection');
}

function expectHeldOutOfBand(err: CurvectlError, h: ReturnType<typeof harness>, index: number, expected: Weights): void {
  expect(err.code).toBe('OUT_OF_BAND');
  expect(err.exitCode).toBe(ExitCode.heldOutOfBand);
  expect(err.exitCode).toBe(6);
  expect(err.message).toMatch(/someone else changed the live weights/);
  expect(err.message).toMatch(/cluster-a: expected \d+, found 50/);
  expect(err.hint).toMatch(/shift abort --force/);
  const last = h.state.events.at(-1)!;
  expect(last.type).toBe(ShiftEvent.held);
  expect(last.data).toMatchObject({ reason: 'out-of-band-change', index, weights: THEIRS, expected });
  // Theirs stays.
  expect(h.dns.weights).toEqual(THEIRS);
  expect(h.state.locks.size).toBe(0);
}

describe('compare-and-swap from the last verified map', () => {
  it('each step DELETEs the records exactly as the last verified step left them', async () => {
    const h = harness({ assumeYes: true });
    await runShift(h.deps, request());
    expect(h.dns.swaps.map((s) => Object.fromEntries(s.expected.map((r) => [r.setIdentifier, r.weight])))).toEqual([W0, W1]);
  });

  it('an out-of-band change during the bake holds at once (exit 6), before the next step writes anything', async () => {
    const h = harness({ assumeYes: true });
    // Check 1 is the pre-flight; 2.. are the bake of step 1 (every 10 s): at 20 s someone sets 50/50.
    h.gates.onCheck = (n) => {
      if (n === 4) h.dns.setWeights(THEIRS);
    };
    const err = await rejection(runShift(h.deps, request()));
    expectHeldOutOfBand(err, h, 1, W1);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]);
    expect(h.stacks.writes).toEqual([W1]);
    // Detected at the poll where it happened: no further gate poll, no bake completed.
    expect(h.gates.calls).toHaveLength(4);
    expect(h.state.ofType(ShiftEvent.stepBaked)).toEqual([]);
    expect(err.message).toMatch(/held before the end of the bake of step 1\/2/);
    expect(currentOperation(h.state.events, null)).toMatchObject({ state: 'held', stepsDone: 1 });
  });

  it('an out-of-band change before the catch-up plans holds too: the catch-up applies nothing over it', async () => {
    // The catch-up of step 1 runs during its bake. Someone sets 50/50 just before its plan: the plan
    // then has changes (Route 53 is not the var file), and applying it would put W1 back over theirs.
    // Seen in the out-of-band chaos suite before the catch-up applied only plans that change nothing.
    const h = harness({ assumeYes: true });
    h.stacks.onApply = (n) => {
      if (n === 1) h.dns.setWeights(THEIRS);
    };
    const err = await rejection(runShift(h.deps, request()));
    expectHeldOutOfBand(err, h, 1, W1);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]);
    // Step 1 was read back at W1 before the catch-up (done), and never baked: held on their map.
    expect(h.state.ofType(ShiftEvent.stepDone).map((e) => e.data?.index)).toEqual([1]);
    expect(h.state.ofType(ShiftEvent.stepBaked)).toEqual([]);
    expect(h.stacks.writes).toEqual([W1]);
  });

  it('an out-of-band change while the operator decides holds before the step: no var file, no Route 53 change', async () => {
    const h = harness();
    h.io.onPrompt = (code) => {
      if (code === 'shift.step.next') h.dns.setWeights(THEIRS);
    };
    h.io.answer('shift.step.next', 'continue');
    const err = await rejection(runShift(h.deps, request()));
    expectHeldOutOfBand(err, h, 1, W1);
    expect(err.message).toMatch(/held before step 2\/2/);
    expect(h.dns.swaps).toHaveLength(1);
    expect(h.stacks.writes).toEqual([W1]);
    expect(h.state.types().slice(-2)).toEqual([ShiftEvent.stepIntent, ShiftEvent.held]);
  });

  it('a change between the read and the write (Route 53 refuses the batch) holds, it does not roll back', async () => {
    const h = harness({ assumeYes: true });
    h.dns.onSwap = (n) => {
      if (n === 2) h.dns.setWeights(THEIRS);
    };
    const err = await rejection(runShift(h.deps, request()));
    expectHeldOutOfBand(err, h, 1, W1);
    expect(h.dns.swaps).toHaveLength(2);
    expect(h.state.ofType(ShiftEvent.rollbackStarted)).toEqual([]);
  });

  it('a rollback over an out-of-band change holds instead of fighting it; abort --force overwrites', async () => {
    const h = harness();
    h.io.onPrompt = (code) => {
      if (code === 'shift.step.next') h.dns.setWeights(THEIRS);
    };
    h.io.answer('shift.step.next', 'rollback');
    const err = await rejection(runShift(h.deps, request()));
    expectHeldOutOfBand(err, h, 1, W1);
    expect(err.message).toMatch(/held before the rollback/);
    expect(h.dns.swaps).toHaveLength(1);
    expect(h.state.types().slice(-2)).toEqual([ShiftEvent.rollbackStarted, ShiftEvent.held]);

    // Finishing the rollback (resume) holds again; so does a plain abort.
    expect((await rejection(resumeShift(h.nextProcess({ assumeYes: true }).deps, { gateIntervalMs: 10_000 }))).code).toBe('OUT_OF_BAND');
    expect((await rejection(abortShift(h.nextProcess({ assumeYes: true }).deps))).code).toBe('OUT_OF_BAND');
    expect(h.dns.weights).toEqual(THEIRS);

    const outcome = await abortShift(h.nextProcess({ assumeYes: true }).deps, { force: true });
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'abort', weights: W0 });
    expect(h.dns.weights).toEqual(W0);
    expect(h.stacks.desired).toEqual(W0);
  });

  it('resume after the weights were put back continues the shift', async () => {
    const h = harness({ assumeYes: true });
    h.gates.onCheck = (n) => {
      if (n === 4) h.dns.setWeights(THEIRS);
    };
    await rejection(runShift(h.deps, request()));
    h.gates.onCheck = undefined;
    h.dns.setWeights(W1);
    const outcome = await resumeShift(h.nextProcess({ assumeYes: true }).deps, { gateIntervalMs: 10_000 });
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
  });
});

describe('applied, but the answer was lost', () => {
  it('the next read recognises the step\'s own change: no second change, no rollback', async () => {
    const h = harness({ assumeYes: true });
    h.dns.loseAnswerOn = 1;
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2]);
    expect(h.io.codes()).toContain('shift.step.recognised');
    expect(h.state.ofType(ShiftEvent.rollbackStarted)).toEqual([]);
  });

  it('a change that really failed (Route 53 still at the verified map) rolls back as before', async () => {
    const h = harness({ assumeYes: true });
    h.dns.failSwapOn = 1;
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply', weights: W0 });
    expect(h.io.codes()).not.toContain('shift.step.recognised');
  });
});
