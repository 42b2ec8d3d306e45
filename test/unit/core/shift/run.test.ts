import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { currentOperation, runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { ScriptedGates, ScriptedIoHost } from '../../../_helpers/fakes.js';
import { harness, request, W0, W1, W2 } from './harness.js';
import { rejection } from '../../../_helpers/rejection.js';

describe('runShift: happy path', () => {
  it('90/10 -> step 45 -> 0/100 under --yes, with a journal entry per step', async () => {
    const h = harness({ assumeYes: true });
    const outcome = await runShift(h.deps, request());

    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.dns.weights).toEqual(W2);
    expect(h.stacks.desired).toEqual(W2);
    expect(h.stacks.writes).toEqual([W1, W2]);
    expect(h.state.types()).toEqual([
      ShiftEvent.planned,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.stepBaked,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.stepBaked,
      ShiftEvent.completed,
    ]);
    expect(h.state.events.every((e) => e.op === 'op-1' && e.actor === 'alice@laptop')).toBe(true);
    expect(h.state.events[0]!.data).toMatchObject({ to: 'cluster-b', from: W0, weights: W0, steps: [W1, W2], ttl: 60 });
    expect(h.state.ofType(ShiftEvent.stepIntent).map((e) => e.data)).toEqual([
      { index: 1, total: 2, target: W1 },
      { index: 2, total: 2, target: W2 },
    ]);
    expect(h.state.ofType(ShiftEvent.stepDone).map((e) => e.data)).toEqual([
      { index: 1, total: 2, weights: W1 },
      { index: 2, total: 2, weights: W2 },
    ]);
    // Timestamps come from the clock: each step baked for the TTL (60 s).
    expect(h.state.events.at(-1)!.at).toBe('2026-01-01T00:02:00.000Z');
    expect(h.clock.slept).toBe(120_000);
    // Pre-flight + 7 checks per bake (0 s, 10 s, ... 60 s).
    expect(h.gates.calls).toHaveLength(15);
    expect(h.gates.calls[0]).toEqual({ cluster: 'cluster-b', ingress: expect.stringContaining('cluster-b-ingress') });
    expect(h.io.prompts.map((p) => [p.code, p.answer])).toEqual([['shift.step.next', 'continue']]);
    expect(h.state.locks.size).toBe(0);
    expect(h.state.lockLog).toEqual(['traffic:shift --to cluster-b']);
    // Each step is ONE Route 53 change of every record (Terraform then only catches its state up).
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2]);
    expect(h.dns.swaps.every((s) => s.expected.length === 2)).toBe(true);
    expect(h.dns.waits).toEqual(['/change/C1', '/change/C2']);
  });

  it('shows the plan (W0 first), each step with its previous weights, and a countdown with gate status', async () => {
    const h = harness({ assumeYes: true });
    await runShift(h.deps, request());
    expect(h.io.viewsOf('plan')).toEqual([{ type: 'plan', title: expect.stringContaining('2 steps'), steps: [W0, W1, W2] }]);
    expect(h.io.viewsOf('weights')).toEqual([
      { type: 'weights', title: 'Step 1/2', weights: W1, previous: W0 },
      { type: 'weights', title: 'Step 2/2', weights: W2, previous: W1 },
    ]);
    expect(h.io.progress).toContain('update: Step 1/2 at cluster-a 45, cluster-b 55: 1m left; gates pass (scripted)');
    expect(h.io.progress).toContain('update: Step 1/2 at cluster-a 45, cluster-b 55: 10s left; gates pass (scripted)');
    expect(h.io.progress).toContain('update: Step 1/2: Route 53 accepted cluster-a 45, cluster-b 55; waiting until it is in sync');
    expect(h.io.progress.some((p) => p.startsWith('update: Step 1/2: reconciling the traffic stack: aws_route53_record'))).toBe(true);
    expect(h.io.codes()).toContain('shift.completed');
  });

  it('interactive: asks after each step but the last, offering jump only with two or more steps left', async () => {
    const h = harness();
    h.io.answer('shift.step.next', 'continue', 'continue');
    const outcome = await runShift(h.deps, request({ step: 40 }));
    expect(outcome.kind).toBe('completed');
    expect(h.io.prompts.map((p) => p.choices)).toEqual([
      ['continue', 'hold', 'rollback', 'jump'],
      ['continue', 'hold', 'rollback'],
    ]);
  });

  it('jump goes to the target in one step', async () => {
    const h = harness();
    h.io.answer('shift.step.next', 'jump');
    const outcome = await runShift(h.deps, request({ step: 10 }));
    expect(outcome).toEqual({ kind: 'completed', op: 'op-1', weights: W2 });
    expect(h.stacks.writes).toEqual([{ 'cluster-a': 80, 'cluster-b': 20 }, W2]);
    expect(h.state.ofType(ShiftEvent.stepDone).map((e) => e.data?.index)).toEqual([1, 9]);
  });

  it('a short bake needs --allow-short-bake and then warns and bakes only that long', async () => {
    const h = harness({ assumeYes: true });
    const err = await rejection(runShift(h.deps, request({ bakeMs: 30_000 })));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/shorter than the record's TTL of 1m/);
    expect(err.hint).toMatch(/--allow-short-bake/);
    expect(h.state.lockLog).toEqual([]);
    expect(h.stacks.writes).toEqual([]);

    const outcome = await runShift(h.deps, request({ bakeMs: 0, allowShortBake: true }));
    expect(outcome.kind).toBe('completed');
    expect(h.io.codes()).toContain('shift.bake.short');
    expect(h.clock.slept).toBe(0);
  });

  it('dry run: shows the plan, takes no lock and changes nothing', async () => {
    const h = harness();
    const outcome = await runShift(h.deps, request({ dryRun: true }));
    // Issue 10: the dry run also carries the first step's exact Route 53 request (start-question.test.ts).
    expect(outcome).toEqual({ kind: 'dry-run', plan: [W1, W2], firstChange: expect.objectContaining({ HostedZoneId: 'ZFAKE' }), terraform: h.stacks.trafficApplyCommands() });
    expect(h.io.viewsOf('plan')[0]!.title).toMatch(/dry run/);
    expect(h.state.lockLog).toEqual([]);
    expect(h.state.events).toEqual([]);
    expect(h.stacks.writes).toEqual([]);
    expect(h.gates.calls).toEqual([]);
  });

  it('nothing to do when the target already has `until`', async () => {
    const h = harness();
    expect(await runShift(h.deps, request({ until: 10 }))).toEqual({ kind: 'nothing-to-do', weights: W0 });
    expect(h.state.events).toEqual([]);
    expect(h.state.locks.size).toBe(0);
  });

  it('takes the expected Kubernetes version from the cluster stack only when a gate needs it', async () => {
    const gates = new ScriptedGates('pass');
    gates.needsVersion = true;
    const h = harness({ assumeYes: true, gates });
    h.stacks.outputs.set('cluster-b', { clusterName: 'cluster-b', kubernetesVersion: '1.32', ingressDnsName: 'x' });
    await runShift(h.deps, request());
    expect(gates.calls[0]).toMatchObject({ cluster: 'cluster-b', kubernetesVersion: '1.32' });
    expect(h.stacks.calls.filter((c) => c.startsWith('clusterOutputs'))).toEqual(['clusterOutputs:cluster-b']);
  });
});

describe('runShift: refusals change nothing', () => {
  it('drift between the var file and Route 53', async () => {
    const h = harness();
    h.stacks.desired = { 'cluster-a': 80, 'cluster-b': 20 };
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toBe(
      'The desired weights (var file) and the live weights (Route 53) differ: cluster-a desired 80 live 90; cluster-b desired 20 live 10.',
    );
    expect(err.hint).toMatch(/curvectl status/);
    expect(err.details?.drift).toHaveLength(2);
    expect(h.stacks.writes).toEqual([]);
    expect(h.stacks.applies).toBe(0);
    expect(h.dns.swaps).toEqual([]);
    expect(h.state.events).toEqual([]);
    expect(h.state.locks.size).toBe(0);
    expect(h.gates.calls).toEqual([]);
  });

  it('an unfinished shift in the journal', async () => {
    const h = harness();
    h.io.answer('shift.step.next', 'hold');
    expect((await runShift(h.deps, request())).kind).toBe('held');
    const events = h.state.events.length;
    const err = await rejection(runShift(h.nextProcess().deps, request()));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toBe('Shift op-1 towards cluster-b is unfinished (held at step 1/2).');
    expect(err.hint).toMatch(/curvectl shift resume.*curvectl shift abort/);
    expect(h.state.events).toHaveLength(events);
    expect(h.dns.weights).toEqual(W1);
  });

  it('pre-flight gates on the target must pass before any weight moves', async () => {
    const h = harness({ gates: new ScriptedGates('fail') });
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toMatch(/^Pre-flight gates on cluster-b did not pass \(scripted failed: .*\); no weight was changed\.$/);
    expect(err.details?.gates).toHaveLength(1);
    expect(h.io.viewsOf('gates')).toHaveLength(1);
    expect(h.state.events).toEqual([]);
    expect(h.stacks.writes).toEqual([]);
    expect(h.dns.weights).toEqual(W0);
  });

  it('pre-flight retries while gates only error, then proceeds on a pass', async () => {
    const h = harness({ assumeYes: true, gates: new ScriptedGates('error', 'error', 'pass') });
    expect((await runShift(h.deps, request())).kind).toBe('completed');
    expect(h.io.codes().filter((c) => c === 'shift.gates.error')).toHaveLength(2);
  });

  it('another operation holds the lock', async () => {
    const h = harness();
    await h.state.acquireLock('traffic', 'cluster create cluster-c');
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('LOCKED');
    expect(h.state.events).toEqual([]);
  });

  it('no terminal and no --yes: refuses before the lock (nobody could answer after step 1)', async () => {
    const h = harness();
    const io = new ScriptedIoHost({ interactive: false });
    const err = await rejection(runShift({ ...h.deps, io }, request()));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.hint).toMatch(/--yes/);
    expect(h.state.lockLog).toEqual([]);
    expect((await runShift({ ...h.deps, io }, request({ dryRun: true }))).kind).toBe('dry-run');
  });

  it('bad flags', async () => {
    const h = harness();
    expect((await rejection(runShift(h.deps, request({ to: 'cluster-z' })))).code).toBe('BAD_INPUT');
    expect((await rejection(runShift(h.deps, request({ step: 0 })))).code).toBe('BAD_INPUT');
    expect((await rejection(runShift(h.deps, request({ gateIntervalMs: 0 })))).code).toBe('BAD_INPUT');
    expect((await rejection(runShift(h.deps, request({ to: 'cluster-a', until: 50 })))).code).toBe('REFUSED');
    expect(h.state.locks.size).toBe(0);
  });
});

describe('runShift: rollback', () => {
  it('a gate failure after step 1 rolls back to W0 with ONE Route 53 change of every record, then reconciles the var file', async () => {
    // pre-flight pass, first bake check pass, then fail
    const h = harness({ assumeYes: true, gates: new ScriptedGates().failFrom(3) });
    const outcome = await runShift(h.deps, request());

    expect(outcome).toMatchObject({ kind: 'rolled-back', op: 'op-1', cause: 'gate', weights: W0 });
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toMatch(/gates on cluster-b failed during the bake of step 1/);
    // One change for step 1, then ONE change back holding every record.
    expect(h.dns.swaps).toHaveLength(2);
    const swap = h.dns.swaps[1];
    expect(swap!.expected.map((r) => [r.setIdentifier, r.weight]).sort()).toEqual([
      ['cluster-a', 45],
      ['cluster-b', 55],
    ]);
    expect(swap!.next).toEqual(W0);
    expect(h.dns.waits).toEqual(['/change/C1', '/change/C2']);
    expect(h.dns.weights).toEqual(W0);
    expect(h.stacks.desired).toEqual(W0);
    expect(h.stacks.writes).toEqual([W1, W0]);
    // the DNS change happens before Terraform reconciles, and a plan confirms no change is left
    expect(h.stacks.calls.slice(-3)).toEqual(['writeDesiredWeights', 'applyTraffic', 'planTraffic']);
    expect(h.state.types()).toEqual([
      ShiftEvent.planned,
      ShiftEvent.stepIntent,
      ShiftEvent.stepDone,
      ShiftEvent.rollbackStarted,
      ShiftEvent.rollbackDnsDone,
      ShiftEvent.rolledBack,
    ]);
    expect(h.state.ofType(ShiftEvent.rollbackStarted)[0]!.data).toMatchObject({ cause: 'gate', index: 1, to: W0 });
    expect(h.state.ofType(ShiftEvent.rollbackDnsDone)[0]!.data).toMatchObject({ weights: W0, skipped: false, changeId: '/change/C2', ms: 0 });
    expect(h.state.ofType(ShiftEvent.rolledBack)[0]!.data).toMatchObject({ cause: 'gate', weights: W0, planClean: true });
    expect(h.io.viewsOf('gates').at(-1)!.results[0]!.outcome).toBe('fail');
    expect(h.state.locks.size).toBe(0);
    expect(currentOperation(h.state.events)).toBeNull();
  });

  it('a failed Terraform reconcile of step 1 rolls back (Route 53 already had W1: one change back)', async () => {
    const h = harness({ assumeYes: true });
    h.stacks.failApplyOn = 1;
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply', weights: W0 });
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toMatch(/applying step 1 failed: terraform apply failed/);
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.dns.weights).toEqual(W0);
    expect(h.state.ofType(ShiftEvent.rollbackDnsDone)[0]!.data).toMatchObject({ skipped: false });
    expect(h.stacks.desired).toEqual(W0);
    expect(h.io.progress.some((p) => p.startsWith('fail: Step 1/2 failed'))).toBe(true);
  });

  it('a failed Route 53 change of step 2 rolls back from W1 in one change', async () => {
    const h = harness({ assumeYes: true });
    h.dns.failSwapOn = 2;
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'apply' });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W2, W0]);
    expect(h.dns.swaps[2]!.expected.map((r) => r.weight).sort()).toEqual([45, 55]);
    expect(h.dns.weights).toEqual(W0);
    expect(h.stacks.desired).toEqual(W0);
  });

  it('a catch-up whose plan would change Route 53 is withheld, never applied over the step (a misbehaving module)', async () => {
    // Before the catch-up ran during the bake, the apply ran and Route 53 ended at 50/50, and the shift
    // rolled back from there. Now the catch-up applies only a plan that changes nothing: Route 53 was
    // read back at the step's map, so a plan with changes would write over it (or over someone else's
    // change since). It is withheld, the operator is told, and Route 53 keeps curvectl's weights.
    const h = harness({ assumeYes: true });
    h.stacks.applyResult = { 'cluster-a': 50, 'cluster-b': 50 };
    const outcome = await runShift(h.deps, request());
    expect(outcome.kind).toBe('completed');
    expect(h.dns.swaps.map((s) => s.next)).not.toContainEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    expect(h.dns.weights).not.toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    expect(h.io.messages.some((m) => m.code === 'shift.step.terraform-changed' && /not applied/.test(m.text))).toBe(true);
  });

  it('the operator chooses to roll back', async () => {
    const h = harness();
    h.io.answer('shift.step.next', 'rollback');
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'operator', weights: W0, reason: 'the operator chose to roll back' });
    expect(h.dns.swaps.map((s) => s.next)).toEqual([W1, W0]);
    expect(h.dns.weights).toEqual(W0);
  });

  it('gate errors during a bake are tolerated; the bake waits for a pass', async () => {
    // pre-flight, then for step 1: pass, error x6 (bake time up while erroring), pass
    const gates = new ScriptedGates('pass', 'pass', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'pass');
    const h = harness({ assumeYes: true, gates });
    expect((await runShift(h.deps, request({ step: 90 }))).kind).toBe('completed');
    expect(h.io.progress.some((p) => p.includes('waiting for gates'))).toBe(true);
    expect(h.clock.slept).toBe(80_000);
  });
});

describe('runShift: Ctrl-C', () => {
  it('first Ctrl-C during a bake asks; hold keeps the last verified step', async () => {
    const h = harness();
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) h.interrupts.request();
    };
    h.io.answer('shift.interrupt', 'hold');
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'held', op: 'op-1', weights: W1 });
    expect(h.interrupts.acknowledged).toBe(1);
    expect(h.io.prompts.map((p) => p.code)).toEqual(['shift.interrupt']);
    expect(h.state.ofType(ShiftEvent.held)[0]!.data).toEqual({ index: 1, total: 2, weights: W1, reason: 'interrupt' });
    expect(h.dns.weights).toEqual(W1);
    expect(h.state.locks.size).toBe(0);
  });

  it('first Ctrl-C, then continue: the bake goes on and the shift completes', async () => {
    const h = harness();
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) h.interrupts.request();
    };
    h.io.answer('shift.interrupt', 'continue').answer('shift.step.next', 'continue');
    expect((await runShift(h.deps, request())).kind).toBe('completed');
    expect(h.clock.slept).toBe(120_000);
  });

  it('first Ctrl-C, then roll back', async () => {
    const h = harness();
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 8) h.interrupts.request(); // during the bake of step 2
    };
    h.io.answer('shift.step.next', 'continue').answer('shift.interrupt', 'rollback');
    const outcome = await runShift(h.deps, request());
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'operator' });
    expect(h.dns.swaps).toHaveLength(3);
    expect(h.dns.swaps[2]!.expected.map((r) => r.weight).sort()).toEqual([0, 100]);
  });

  it('under --yes a Ctrl-C holds at the last verified step without asking', async () => {
    const h = harness({ assumeYes: true });
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 3) h.interrupts.request();
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'held', op: 'op-1', weights: W1 });
    expect(h.io.prompts).toEqual([]);
    expect(h.interrupts.acknowledged).toBe(1);
  });

  it('a Ctrl-C during an apply is handled after the step is verified, never in the middle', async () => {
    const h = harness({ assumeYes: true });
    h.stacks.onApply = (n) => {
      if (n === 1) h.interrupts.request();
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'held', op: 'op-1', weights: W1 });
    expect(h.state.types()).toContain(ShiftEvent.stepDone);
  });

  it('a prompt that cannot be answered (closed by Ctrl-C) holds', async () => {
    const h = harness();
    h.io.onPrompt = () => {
      throw new Error('User force closed the prompt with SIGINT');
    };
    const outcome = await runShift(h.deps, request());
    expect(outcome).toEqual({ kind: 'held', op: 'op-1', weights: W1 });
    expect(h.io.codes()).toContain('shift.prompt.failed');
  });

  it('the second Ctrl-C stops at once, leaves the journal unfinished for resume, and releases the lock', async () => {
    const h = harness({ assumeYes: true });
    h.clock.onSleep = () => {
      if (h.clock.sleeps.length === 2) {
        h.interrupts.request();
        h.interrupts.abort();
      }
    };
    const err = await rejection(runShift(h.deps, request()));
    expect(err.code).toBe('INTERRUPTED');
    expect(err.exitCode).toBe(130);
    expect(err.hint).toMatch(/shift resume.*shift abort/);
    expect(h.state.types().at(-1)).toBe(ShiftEvent.stepDone);
    expect(h.state.locks.size).toBe(0);
    expect(currentOperation(h.state.events, null)).toMatchObject({ id: 'op-1', state: 'interrupted', stepsDone: 1 });
  });
});
