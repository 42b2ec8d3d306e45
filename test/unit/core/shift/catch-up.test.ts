/**
 * Terraform off the critical path (issue 10, item 8): a step is applied once Route 53 is INSYNC and
 * read back; the catch-up apply of the traffic stack runs during the bake, and the next step, the
 * end, a hold and a rollback wait for it. The catch-up is held open here (a gated applyTraffic), so
 * each test can look at the engine while Terraform is still "running".
 */
import { describe, expect, it, vi } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import type { RunOptions } from '../../../../src/core/ports.js';
import { currentOperation, resumeShift, runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { ScriptedGates } from '../../../_helpers/fakes.js';
import { rejection } from '../../../_helpers/rejection.js';
import { harness, request, W0, W1, W2, type Harness } from './harness.js';

interface Gate {
  readonly started: Promise<void>;
  release(): void;
  fail(err: Error): void;
  /** Whether the apply has returned (or thrown). */
  settled: boolean;
}

/**
 * Holds the chosen applies of the traffic stack (1-based, counted from the start) until the test
 * releases or fails them; the others run at once. An abort (second Ctrl-C) ends a held one as
 * Terraform ends on SIGINT.
 */
function holdApplies(h: Harness, which: readonly number[]): Map<number, Gate> {
  const real = h.stacks.applyTraffic.bind(h.stacks);
  const gates = new Map<number, Gate>();
  for (const n of which) {
    let begin!: () => void;
    let go!: () => void;
    let stop!: (err: Error) => void;
    const started = new Promise<void>((resolve) => (begin = resolve));
    const released = new Promise<void>((resolve, reject) => {
      go = resolve;
      stop = reject;
    });
    released.catch(() => undefined);
    gates.set(n, { started, release: () => go(), fail: (err) => stop(err), settled: false, ...{ begin, released } } as Gate);
  }
  let count = 0;
  h.stacks.applyTraffic = async (options?: RunOptions) => {
    count += 1;
    const gate = gates.get(count) as (Gate & { begin: () => void; released: Promise<void> }) | undefined;
    if (gate) {
      gate.begin();
      try {
        await new Promise<void>((resolve, reject) => {
          gate.released.then(resolve, reject);
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error), { once: true });
        });
      } catch (err) {
        gate.settled = true;
        throw err;
      }
      try {
        return await real(options);
      } finally {
        gate.settled = true;
      }
    }
    return real(options);
  };
  return gates;
}

const types = (h: Harness) => h.state.types();

describe('the catch-up runs during the bake', () => {
  it('the bake starts (gates polled, Route 53 watched) before the catch-up finishes; the step is done (read back) before it, baked only after it', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [1]);
    const seen: { gateCalls: number; types: string[]; weights: unknown } = { gateCalls: 0, types: [], weights: undefined };
    h.clock.onSleep = () => {
      // Two bake polls later, Terraform is still applying step 1.
      if (h.clock.sleeps.length === 2) {
        seen.gateCalls = h.gates.calls.length;
        seen.types = [...types(h)];
        seen.weights = h.dns.weights;
        gates.get(1)!.release();
      }
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Pre-flight + at least the bake's first two polls ran while the catch-up was held.
    expect(seen.gateCalls).toBeGreaterThanOrEqual(3);
    expect(seen.weights).toEqual(W1);
    // Applied and read back in Route 53: done before Terraform caught up, and not baked.
    expect(seen.types).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone]);
    expect(h.io.progress).toContain('succeed: Step 1/2 applied: cluster-a 45, cluster-b 55 (0 ms); the traffic stack catches up during the bake');
    expect(h.io.progress.some((p) => p.startsWith('update: Step 1/2 at cluster-a 45, cluster-b 55: 50s left; gates pass (scripted); traffic stack catching up'))).toBe(true);
    // The bake still lasted exactly the TTL per step: the catch-up cost it nothing.
    expect(h.clock.slept).toBe(120_000);
    const baked = h.state.ofType(ShiftEvent.stepBaked);
    // Journaled for the shift report and the bench: the critical path (fake time: instant) and the catch-up.
    expect(baked.map((e) => e.data)).toEqual([
      expect.objectContaining({ index: 1, route53Ms: 0, catchUpMs: expect.any(Number) }),
      expect.objectContaining({ index: 2, route53Ms: 0, catchUpMs: expect.any(Number) }),
    ]);
    // Released on the bake's second sleep (20 s in), before its last (60 s).
    expect(baked[0]!.data!.catchUpMs).toBeGreaterThanOrEqual(20_000);
    expect(baked[0]!.data!.catchUpMs).toBeLessThan(60_000);
  });

  it('the next step waits for the catch-up: no second change while Terraform still applies step 1', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [1]);
    const run = runShift(h.deps, request());
    await gates.get(1)!.started;
    // The whole bake passes (fake time) and then waits, showing it.
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('Step 1/2: baked, waiting for the traffic stack to catch up with Route 53'))).toBe(true));
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]);
    expect(h.stacks.writes).toEqual([W1]);
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone]);
    gates.get(1)!.release();
    expect(await run).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(types(h)).toEqual([
      ShiftEvent.planned,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.stepBaked,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.stepBaked,
      ShiftEvent.completed,
    ]);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2]);
  });

  it('the end of the shift waits for the last catch-up', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [2]);
    const run = runShift(h.deps, request());
    await gates.get(2)!.started;
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('Step 2/2: baked, waiting for the traffic stack'))).toBe(true));
    expect(types(h)).not.toContain(ShiftEvent.completed);
    expect(currentOperation(h.state.events)).not.toBeNull();
    gates.get(2)!.release();
    expect(await run).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(types(h).slice(-3)).toEqual([ShiftEvent.stepDone, ShiftEvent.stepBaked, ShiftEvent.completed]);
    expect(h.state.locks.size).toBe(0);
  });

  it('a catch-up that fails during the bake rolls back at once, as a failed apply does', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [1]);
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) gates.get(1)!.fail(new CurvectlError('TERRAFORM', 'terraform apply failed: Error: acquiring the state lock'));
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply', weights: W0 });
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toBe('applying step 1 failed: terraform apply failed: Error: acquiring the state lock');
    // The bake ended at the failure (two polls, not the TTL's seven), and was never journaled as baked.
    expect(h.clock.slept).toBe(20_000);
    expect(h.state.ofType(ShiftEvent.stepBaked)).toEqual([]);
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone, ShiftEvent.rollbackStarted, ShiftEvent.rollbackDnsDone, ShiftEvent.rolledBack]);
    // As after a failed apply: from the step before (index 0), swapping back from step 1's map.
    expect(h.state.ofType(ShiftEvent.rollbackStarted)[0]!.data).toMatchObject({ cause: 'apply', index: 0, to: W0 });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.dns.weights).toEqual(W0);
    expect(h.stacks.desired).toEqual(W0);
    expect(h.io.progress).toContain('fail: Step 1/2 failed: terraform apply failed: Error: acquiring the state lock');
    expect(currentOperation(h.state.events)).toBeNull();
  });

  it('a hold (Ctrl-C during the bake) waits for the catch-up before it is journaled', async () => {
    const h = harness();
    const gates = holdApplies(h, [1]);
    h.io.answer('shift.interrupt', 'hold');
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) h.interrupts.request();
    };
    const run = runShift(h.deps, request());
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('Step 1/2: before holding, waiting for the traffic stack to catch up'))).toBe(true));
    expect(h.io.prompts.map((p) => p.code)).toEqual(['shift.interrupt']);
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone]);
    expect(h.state.locks.size).toBe(1);
    gates.get(1)!.release();
    expect(await run).toEqual({ kind: 'held', op: 'op-1', weights: W1 });
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone, ShiftEvent.held]);
    expect(h.io.progress).toContain('succeed: Step 1/2: the traffic stack caught up with Route 53');
    expect(h.state.locks.size).toBe(0);
  });

  it('a hold whose catch-up fails rolls back instead (cause apply)', async () => {
    const h = harness();
    const gates = holdApplies(h, [1]);
    h.io.answer('shift.interrupt', 'hold');
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) h.interrupts.request();
    };
    const run = runShift(h.deps, request());
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('before holding, waiting'))).toBe(true));
    gates.get(1)!.fail(new CurvectlError('TERRAFORM', 'terraform apply failed: Error: Throttling'));
    expect(await run).toMatchObject({ kind: 'rolled-back', cause: 'apply', weights: W0 });
    expect(h.state.ofType(ShiftEvent.held)).toEqual([]);
    expect(h.dns.weights).toEqual(W0);
  });

  it('a rollback (gate failure during the bake) waits for the catch-up before its Route 53 change', async () => {
    // pre-flight pass, first bake poll pass, second fail
    const h = harness({ assumeYes: true, gates: new ScriptedGates().failFrom(3) });
    const gates = holdApplies(h, [1]);
    const run = runShift(h.deps, request());
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('Step 1/2: before rolling back, waiting for the traffic stack to catch up'))).toBe(true));
    // Decided, not yet sent: Terraform must not plan from step 1's var file after Route 53 went back.
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1]);
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone]);
    gates.get(1)!.release();
    expect(await run).toMatchObject({ kind: 'rolled-back', cause: 'gate', weights: W0 });
    expect(types(h)).toEqual([
      ShiftEvent.planned,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.rollbackStarted,
      ShiftEvent.rollbackDnsDone,
      ShiftEvent.rolledBack,
    ]);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
  });

  it('Route 53 changing while the catch-up runs is judged only after it (its own apply, not an out-of-band change)', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [1]);
    // The traffic module sets other weights than the var file (a misbehaving module): the bake's
    // watch sees them while Terraform still runs, and must wait for it before calling it someone else's.
    h.stacks.applyResult = { 'cluster-a': 50, 'cluster-b': 50 };
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 1) h.dns.setWeights({ 'cluster-a': 50, 'cluster-b': 50 });
    };
    const run = runShift(h.deps, request());
    await vi.waitFor(() => expect(h.io.progress.some((p) => p.includes('Step 1/2: Route 53 changed during the bake, waiting for the traffic stack'))).toBe(true));
    expect(h.state.ofType(ShiftEvent.held)).toEqual([]);
    gates.get(1)!.release();
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply' });
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toBe('after step 1 Route 53 has cluster-a 50, cluster-b 50, expected cluster-a 45, cluster-b 55');
    expect(h.state.ofType(ShiftEvent.held)).toEqual([]);
    expect(h.dns.swaps[1]!.expected.map((r) => r.weight).sort()).toEqual([50, 50]);
  });
});

describe('a stop with a catch-up in flight', () => {
  it('second Ctrl-C during the bake: Terraform is stopped and waited for before the lock goes; resume catches the stack up and bakes the step again', async () => {
    const h = harness({ assumeYes: true });
    const gates = holdApplies(h, [1]);
    let lockHeldWhenTerraformEnded: boolean | undefined;
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) {
        h.interrupts.request();
        h.interrupts.abort();
      }
    };
    const release = h.state.acquireLock.bind(h.state);
    h.state.acquireLock = async (scope, operation) => {
      const handle = await release(scope, operation);
      return {
        ...handle,
        release: async () => {
          lockHeldWhenTerraformEnded = gates.get(1)!.settled;
          await handle.release();
        },
      };
    };
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('INTERRUPTED');
    expect(err.hint).toMatch(/shift resume/);
    // Terraform had ended before the lock was released.
    expect(lockHeldWhenTerraformEnded).toBe(true);
    expect(h.state.locks.size).toBe(0);
    // Route 53 has step 1 and the journal says so (done, read back); the catch-up did not finish, nothing is baked.
    expect(h.dns.weights).toEqual(W1);
    expect(h.stacks.desired).toEqual(W1);
    expect(types(h)).toEqual([ShiftEvent.planned, ShiftEvent.stepIntent, ShiftEvent.stepDone]);
    expect(currentOperation(h.state.events, null)).toMatchObject({ state: 'interrupted', stepsDone: 1, pendingStep: undefined, weights: W1 });

    const applies = h.stacks.applies;
    const next = h.nextProcess({ assumeYes: true });
    expect(await resumeShift(next.deps, { gateIntervalMs: 10_000 })).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    // Not changed again in Route 53; the stack caught up once more (then step 2's catch-up), step 1 baked again.
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2]);
    expect(h.stacks.applies).toBe(applies + 2);
    expect(h.state.ofType(ShiftEvent.stepDone).map((e) => e.data)).toEqual([
      { index: 1, total: 2, weights: W1 },
      { index: 2, total: 2, weights: W2 },
    ]);
    expect(h.state.ofType(ShiftEvent.stepBaked).map((e) => e.data?.index)).toEqual([1, 2]);
  });
});
