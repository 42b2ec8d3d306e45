/** The one question before the first step (default no), and the dry run's exact request. */
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { ScriptedGates } from '../../../_helpers/fakes.js';
import { harness, request, W0, W1, W2 } from './harness.js';

describe('the start question', () => {
  it('asks once after the plan and the pre-flight gates; "no" moves nothing and journals nothing', async () => {
    const h = harness();
    h.io.answer('shift.start', false);
    const err = await runShift(h.deps, request({ confirmStart: true })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CurvectlError);
    expect((err as CurvectlError).code).toBe('STOPPED');
    expect((err as CurvectlError).message).toBe('Not started: no weight was changed.');
    expect(h.io.prompts).toEqual([
      { kind: 'confirm', code: 'shift.start', message: 'Start the shift? Step 1/2 moves live traffic to cluster-a 45, cluster-b 55.', answer: false },
    ]);
    // The plan and the gates were shown before the question.
    expect(h.io.views.map((v) => v.type)).toEqual(['plan', 'gates']);
    expect(h.gates.calls).toHaveLength(1);
    expect(h.dns.swaps).toEqual([]);
    expect(h.stacks.writes).toEqual([]);
    expect(h.state.events).toEqual([]);
    expect(h.dns.weights).toEqual(W0);
    expect(h.state.locks.size).toBe(0);
  });

  it('"yes" starts', async () => {
    const h = harness();
    h.io.answer('shift.start', true).answer('shift.step.next', 'continue');
    expect(await runShift(h.deps, request({ confirmStart: true }))).toMatchObject({ kind: 'completed', weights: W2 });
    expect(h.io.prompts.map((p) => p.code)).toEqual(['shift.start', 'shift.step.next']);
  });

  it('is asked by default; --yes answers it', async () => {
    const h = harness({ assumeYes: true });
    const { confirmStart: _omit, ...asDefault } = request();
    expect(await runShift(h.deps, asDefault)).toMatchObject({ kind: 'completed' });
    expect(h.io.prompts[0]).toMatchObject({ code: 'shift.start', answer: true });
  });

  it('is not asked when the pre-flight gates refuse', async () => {
    const h = harness({ gates: new ScriptedGates('fail') });
    await expect(runShift(h.deps, request({ confirmStart: true }))).rejects.toMatchObject({ code: 'REFUSED' });
    expect(h.io.prompts).toEqual([]);
  });
});

describe('shift --dry-run', () => {
  it('shows the first step\'s Route 53 request as it would be sent, from the records as read, and changes nothing', async () => {
    const h = harness();
    const outcome = await runShift(h.deps, request({ dryRun: true }));
    expect(outcome).toMatchObject({ kind: 'dry-run', plan: [W1, W2] });
    if (outcome.kind !== 'dry-run') throw new Error('not a dry run');
    const changes = (outcome.firstChange as { ChangeBatch: { Changes: unknown[] } }).ChangeBatch.Changes;
    expect(changes).toEqual([
      { Action: 'DELETE', SetIdentifier: 'cluster-a', Weight: 90 },
      { Action: 'CREATE', SetIdentifier: 'cluster-a', Weight: 45 },
      { Action: 'DELETE', SetIdentifier: 'cluster-b', Weight: 10 },
      { Action: 'CREATE', SetIdentifier: 'cluster-b', Weight: 55 },
    ]);
    const view = h.io.viewsOf('plan')[0]!;
    expect(view.commands?.[0]).toMatch(/ChangeResourceRecordSets request, as it would be sent/);
    expect(view.commands?.join('\n')).toContain('"HostedZoneId": "ZFAKE"');
    expect(h.dns.swaps).toEqual([]);
    expect(h.stacks.writes).toEqual([]);
    expect(h.state.types()).not.toContain(ShiftEvent.planned);
    expect(h.state.events).toEqual([]);
    expect(h.state.lockLog).toEqual([]);
  });
});
