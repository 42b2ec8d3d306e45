/**
 * A leased lock (DynamoDB) can be lost while its holder works: the lease ran out before it was
 * renewed and another operator took it over. The shift checks before every step and holds rather
 * than move more traffic without the lock.
 */
import { describe, expect, it } from 'vitest';
import { CurvectlError, ExitCode } from '../../../../src/core/errors.js';
import type { LockHandle } from '../../../../src/core/ports.js';
import { currentOperation, resumeShift, runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import type { FakeStateStore } from '../../../_helpers/fakes.js';
import { harness, request, W0, W1, W2 } from './harness.js';
import { rejection } from '../../../_helpers/rejection.js';

/** Gives the fake store's handles a lease that the test can take away; counts the checks. */
function leased(state: FakeStateStore): { held: boolean; checks: number } {
  const lease = { held: true, checks: 0 };
  const acquire = state.acquireLock.bind(state);
  state.acquireLock = async (scope, operation): Promise<LockHandle> => {
    const handle = await acquire(scope, operation);
    return {
      ...handle,
      stillHeld: () => {
        lease.checks += 1;
        return lease.held;
      },
    };
  };
  return lease;
}

describe('a shift whose lease on the traffic lock is lost', () => {
  it('checks the lock before each step and, once it is lost, holds at the last verified step (exit 5)', async () => {
    const h = harness({ assumeYes: true });
    const lease = leased(h.state);
    // The lease is lost while step 1 is applied and baked (e.g. DynamoDB unreachable for a lease).
    h.stacks.onApply = (n) => {
      if (n === 1) lease.held = false;
    };
    const err = await rejection(runShift(h.deps, request()));

    expect(err.code).toBe('STOPPED');
    expect(err.exitCode).toBe(ExitCode.stopped);
    expect(err.message).toBe(
      'Lost the traffic lock before step 2/2: another operator may have taken over. Shift op-1 is held at step 1/2 (cluster-a 45, cluster-b 55); nothing more was changed.',
    );
    expect(err.hint).toMatch(/curvectl status.*curvectl shift resume.*curvectl shift abort/);
    // Step 2 was never started: Route 53 and the var file stay at step 1.
    expect(h.stacks.writes).toEqual([W1]);
    expect(h.dns.weights).toEqual(W1);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]); // step 1's change only
    expect(lease.checks).toBe(2);
    expect(h.state.types().slice(-2)).toEqual([ShiftEvent.stepBaked, ShiftEvent.held]);
    expect(h.state.events.at(-1)!.data).toEqual({ index: 1, total: 2, weights: W1, reason: 'lease-lost' });
    // The process still tries to release what it took (a leased store leaves a lock that is not its own alone).
    expect(h.state.locks.size).toBe(0);
    // status shows a held shift that `shift resume` continues.
    expect(currentOperation(h.state.events, null)).toMatchObject({ id: 'op-1', state: 'held' });

    // Later, with the lock free again, `shift resume` finishes it.
    lease.held = true;
    const next = h.nextProcess({ assumeYes: true });
    const resumed = await resumeShift(next.deps, { gateIntervalMs: 10_000 });
    expect(resumed).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
  });

  it('lost before the first step: nothing moves, held at step 0', async () => {
    const h = harness({ assumeYes: true });
    const lease = leased(h.state);
    lease.held = false;
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('STOPPED');
    expect(err.message).toMatch(/^Lost the traffic lock before step 1\/2: another operator may have taken over\. Shift op-1 is held at step 0\/2 \(cluster-a 90, cluster-b 10\)/);
    expect(h.stacks.writes).toEqual([]);
    expect(h.stacks.applies).toBe(0);
    expect(h.dns.weights).toEqual(W0);
    expect(h.state.types()).toEqual([ShiftEvent.planned, ShiftEvent.held]);
    expect(h.state.events.at(-1)!.data).toMatchObject({ index: 0, reason: 'lease-lost' });
  });

  it('lost between the check and the write: the refused write holds instead of rolling back', async () => {
    const h = harness({ assumeYes: true });
    leased(h.state);
    // The shared desired weights refuse step 2's write: the transaction found the lease gone.
    const write = h.stacks.writeDesiredWeights.bind(h.stacks);
    h.stacks.writeDesiredWeights = async (weights) => {
      if (h.stacks.writes.length === 1) throw new CurvectlError('LOCKED', 'The traffic lock is no longer held by this process.');
      return write(weights);
    };
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('STOPPED');
    expect(err.message).toMatch(/^Lost the traffic lock before step 2\/2/);
    expect(h.dns.weights).toEqual(W1);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]); // step 2 never reached Route 53
    expect(h.state.types()).not.toContain(ShiftEvent.rollbackStarted);
    expect(h.state.events.at(-1)).toMatchObject({ type: ShiftEvent.held, data: { index: 1, reason: 'lease-lost' } });
  });

  it('shift resume checks too', async () => {
    const h = harness({ assumeYes: true });
    // Ctrl-C under --yes during step 1 holds after it.
    h.stacks.onApply = (n) => {
      if (n === 1) h.interrupts.request();
    };
    expect(await runShift(h.deps, request())).toMatchObject({ kind: 'held' });
    const next = h.nextProcess({ assumeYes: true });
    const lease = leased(next.state);
    lease.held = false;
    const err = await rejection(resumeShift(next.deps, { gateIntervalMs: 10_000 }));
    expect(err.code).toBe('STOPPED');
    expect(next.dns.weights).toEqual(W1);
    expect(next.state.events.at(-1)).toMatchObject({ type: ShiftEvent.held, data: { index: 1, reason: 'lease-lost' } });
  });

  it('a lock that cannot be lost (no stillHeld: local lock files) is never checked', async () => {
    const h = harness({ assumeYes: true });
    expect(await runShift(h.deps, request())).toMatchObject({ kind: 'completed' });
  });
});
