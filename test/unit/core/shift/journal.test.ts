import { describe, expect, it } from 'vitest';
import type { JournalEvent, LockStatus } from '../../../../src/core/ports.js';
import { currentOperation, findUnfinishedShift, readCurrentOperation, ShiftEvent } from '../../../../src/core/shift/index.js';
import { FakeStateStore } from '../../../_helpers/fakes.js';

const W0 = { a1: 100, b1: 0 };
const W1 = { a1: 50, b1: 50 };
const W2 = { a1: 0, b1: 100 };

let minute = 0;
function ev(op: string, type: string, data?: Record<string, unknown>): JournalEvent {
  minute += 1;
  return { op, type, at: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`, actor: 'alice@laptop', ...(data ? { data } : {}) };
}

const planned = (op: string) =>
  ev(op, ShiftEvent.planned, {
    to: 'b1',
    from: W0,
    weights: W0,
    steps: [W1, W2],
    request: { step: 50, until: 100, bakeMs: 60_000, allowShortBake: false, gateIntervalMs: 10_000 },
    ttl: 60,
  });

const lock = (operation: string, stale = false): LockStatus => ({
  scope: 'traffic',
  owner: 'alice',
  host: 'laptop',
  pid: 1,
  operation,
  startedAt: '2026-01-01T00:00:00.000Z',
  stale,
});

describe('currentOperation', () => {
  it('is null for an empty journal, finished shifts and other operations', () => {
    expect(currentOperation([])).toBeNull();
    expect(currentOperation([planned('op-1'), ev('op-1', ShiftEvent.completed, { weights: W2 })])).toBeNull();
    expect(currentOperation([planned('op-2'), ev('op-2', ShiftEvent.rolledBack, { weights: W0 })])).toBeNull();
    expect(currentOperation([planned('op-3'), ev('op-3', ShiftEvent.aborted, { weights: W0 })])).toBeNull();
    expect(currentOperation([ev('c-1', 'cluster.create.started', { name: 'b1' })])).toBeNull();
  });

  it('reports the step reached, the plan and the state', () => {
    const journal = [
      planned('op-1'),
      ev('op-1', ShiftEvent.completed, { weights: W2 }),
      planned('op-2'),
      ev('op-2', ShiftEvent.stepIntent, { index: 1, total: 2, target: W1 }),
      ev('op-2', ShiftEvent.stepDone, { index: 1, total: 2, weights: W1 }),
      ev('op-2', ShiftEvent.stepIntent, { index: 2, total: 2, target: W2 }),
    ];
    const op = currentOperation(journal, lock('shift --to b1'));
    expect(op).toMatchObject({
      id: 'op-2',
      kind: 'shift',
      state: 'running',
      stepsDone: 1,
      stepsTotal: 2,
      target: 'b1',
      from: W0,
      plan: [W1, W2],
      weights: W1,
      pendingStep: 2,
      rollingBack: false,
      lastEvent: ShiftEvent.stepIntent,
      startedAt: journal[2]!.at,
      updatedAt: journal[5]!.at,
    });
    expect(currentOperation(journal, null)?.state).toBe('interrupted');
    expect(currentOperation(journal, lock('shift --to b1', true))?.state).toBe('interrupted');
    expect(currentOperation(journal, lock('cluster create c1'))?.state).toBe('interrupted');
    expect(currentOperation(journal)?.state).toBe('running');
    expect(currentOperation(journal, null)?.next).toMatch(/shift resume.*shift abort/);
  });

  it('held unless a shift process holds the lock again (a resume starting)', () => {
    const journal = [planned('op-1'), ev('op-1', ShiftEvent.held, { index: 0, total: 2, weights: W0, reason: 'interrupt' })];
    expect(currentOperation(journal, null)?.state).toBe('held');
    expect(currentOperation(journal)?.state).toBe('held');
    expect(currentOperation(journal, lock('shift resume'))?.state).toBe('running');
  });

  it('a rollback in progress', () => {
    const journal = [planned('op-1'), ev('op-1', ShiftEvent.rollbackStarted, { cause: 'gate', reason: 'x', to: W0 })];
    const op = findUnfinishedShift(journal);
    expect(op?.rollback).toEqual({ cause: 'gate', reason: 'x', dnsDone: false });
    expect(currentOperation(journal, null)).toMatchObject({ rollingBack: true, next: 'Run `curvectl shift abort` to finish rolling it back.' });
  });

  it('tracks whether the step reached was baked', () => {
    const base = [planned('op-1'), ev('op-1', ShiftEvent.stepIntent, { index: 1 }), ev('op-1', ShiftEvent.stepDone, { index: 1, weights: W1 })];
    expect(findUnfinishedShift(base)?.baked).toBe(false);
    expect(findUnfinishedShift([...base, ev('op-1', ShiftEvent.stepBaked, { index: 1, weights: W1 })])?.baked).toBe(true);
  });

  it('a malformed event is INCONSISTENT, naming the operation', () => {
    expect(() => currentOperation([ev('op-1', ShiftEvent.planned, { to: 'b1' })])).toThrow(/shift.planned of operation op-1 is malformed/);
    expect(() => currentOperation([planned('op-1'), ev('op-1', ShiftEvent.stepDone, { index: 7 })])).toThrow(/step index 7/);
  });

  it('readCurrentOperation reads the journal and the traffic lock', async () => {
    const state = new FakeStateStore();
    for (const e of [planned('op-1'), ev('op-1', ShiftEvent.stepIntent, { index: 1 })]) await state.append(e);
    expect((await readCurrentOperation(state))?.state).toBe('interrupted');
    await state.acquireLock('traffic', 'shift resume');
    expect((await readCurrentOperation(state))?.state).toBe('running');
  });
});
