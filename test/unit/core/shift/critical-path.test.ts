/**
 * A step's critical path (issue 10's figure): what runs alongside what between the decision to
 * move and the step being applied. The overlap is shown by what the fakes have seen while a call is
 * still in flight, never by timing; each test has the serial order as its negative control (the
 * count it asserts would be one lower).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { harness, request, W0, W1, W2 } from './harness.js';

describe("a step's critical path", () => {
  it("reads Route 53 back while it waits for INSYNC, and is applied only once both are done", async () => {
    const h = harness({ assumeYes: true });
    const wait = h.dns.waitInSync.bind(h.dns);
    const readsDuringWait: number[] = [];
    h.dns.waitInSync = async (changeId, options) => {
      const at = h.dns.reads;
      await nextTurn(); // a turn of the event loop: what was started alongside has started
      readsDuringWait.push(h.dns.reads - at);
      await wait(changeId, options);
    };
    expect(await runShift(h.deps, request())).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Each step's read-back had begun while its GetChange was in flight (serially: 0).
    expect(readsDuringWait).toEqual([1, 1]);
  });

  it('journals the intent while it reads Route 53 for the compare-and-swap (nothing is written before both)', async () => {
    const h = harness({ assumeYes: true });
    const append = h.state.append.bind(h.state);
    const seen: { readsDuringIntent: number; swapsBeforeIntentDone: number }[] = [];
    h.state.append = async (event) => {
      if (event.type !== ShiftEvent.stepIntent) return append(event);
      const at = h.dns.reads;
      await nextTurn();
      const readsDuringIntent = h.dns.reads - at;
      const written = await append(event);
      seen.push({ readsDuringIntent, swapsBeforeIntentDone: h.dns.swaps.length });
      return written;
    };
    const writes: number[] = [];
    const write = h.stacks.writeDesiredWeights.bind(h.stacks);
    h.stacks.writeDesiredWeights = async (weights) => {
      writes.push(h.state.ofType(ShiftEvent.stepIntent).length);
      await write(weights);
    };
    expect(await runShift(h.deps, request())).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Step 2 follows its bake at once (--yes): the bake's last read of Route 53 is its compare-and-swap
    // read (machine.ts), so it reads nothing more before the change.
    expect(seen).toEqual([
      { readsDuringIntent: 1, swapsBeforeIntentDone: 0 },
      { readsDuringIntent: 0, swapsBeforeIntentDone: 1 },
    ]);
    // The var file of step i is written only after step i's intent is in the journal.
    expect(writes).toEqual([1, 2]);
  });

  it('after an operator\'s answer every step reads Route 53 for its compare-and-swap, alongside its intent', async () => {
    const h = harness();
    h.io.answer('shift.start', true).answer('shift.step.next', 'continue');
    const append = h.state.append.bind(h.state);
    const readsDuringIntent: number[] = [];
    h.state.append = async (event) => {
      if (event.type !== ShiftEvent.stepIntent) return append(event);
      const at = h.dns.reads;
      await nextTurn();
      readsDuringIntent.push(h.dns.reads - at);
      return append(event);
    };
    expect(await runShift(h.deps, request())).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Both steps read alongside their intent (serially, or reusing the bake's read before an answer: 0).
    expect(readsDuringIntent).toEqual([1, 1]);
  });

  it('a change that never gets INSYNC is not applied, although Route 53 already reads back as the step', async () => {
    const h = harness({ assumeYes: true });
    const wait = h.dns.waitInSync.bind(h.dns);
    let waits = 0;
    h.dns.waitInSync = async (changeId, options) => {
      // Step 1's change only; the rollback's own change gets INSYNC.
      if (++waits === 1) throw new CurvectlError('AWS', 'Route 53 change C1 was not INSYNC after 300s.');
      await wait(changeId, options);
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply', weights: W0 });
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toMatch(/^applying step 1 failed: Route 53 change C1 was not INSYNC/);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.state.ofType(ShiftEvent.stepDone)).toEqual([]);
  });
});
