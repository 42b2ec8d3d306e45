import { describe, expect, it } from 'vitest';
import { drainRemainingMs, drainState } from '../../../../src/core/lifecycle/drain.js';
import type { JournalEvent } from '../../../../src/core/ports.js';

const ev = (at: string, weights?: Record<string, number>): JournalEvent => ({ at, op: 'op', type: 'x', ...(weights ? { data: { weights } } : {}) });

describe('drain state from the journal', () => {
  it('finds when the weight went to zero after its last positive weight', () => {
    const journal = [
      ev('2026-01-01T00:00:00Z', { a: 100 }),
      ev('2026-01-01T00:01:00Z', { a: 50, b: 50 }),
      ev('2026-01-01T00:02:00Z'),
      ev('2026-01-01T00:03:00Z', { a: 0, b: 100 }),
      ev('2026-01-01T00:04:00Z', { a: 0, b: 100 }),
    ];
    const state = drainState(journal, 'a');
    expect(state).toEqual({ kind: 'zero', since: new Date('2026-01-01T00:03:00Z') });
    expect(drainRemainingMs(state, 120_000, new Date('2026-01-01T00:04:00Z'))).toBe(60_000);
    expect(drainRemainingMs(state, 120_000, new Date('2026-01-01T00:06:00Z'))).toBe(0);
  });
  it('restarts the drain when traffic came back', () => {
    const journal = [ev('2026-01-01T00:00:00Z', { a: 0, b: 100 }), ev('2026-01-01T00:05:00Z', { a: 10, b: 90 }), ev('2026-01-01T00:06:00Z', { a: 0, b: 100 })];
    expect(drainState(journal, 'a')).toEqual({ kind: 'zero', since: new Date('2026-01-01T00:06:00Z') });
  });
  it('says so when the cluster still has weight in the last map', () => {
    const state = drainState([ev('2026-01-01T00:00:00Z', { a: 10, b: 90 })], 'a');
    expect(state.kind).toBe('has-weight');
    expect(drainRemainingMs(state, 1000, new Date())).toBe(1000);
  });
  it('needs no drain for a cluster that never had traffic', () => {
    const state = drainState([ev('2026-01-01T00:00:00Z', { a: 100, b: 0 })], 'b');
    expect(state).toEqual({ kind: 'never-had-weight', since: new Date('2026-01-01T00:00:00Z') });
    expect(drainRemainingMs(state, 1000, new Date())).toBe(0);
  });
  it('unknown history: a drain from the first sighting at 0, the whole drain when never seen', () => {
    const never = drainState([], 'a');
    expect(never).toEqual({ kind: 'never-had-weight', since: null });
    expect(drainRemainingMs(never, 1000, new Date('2026-01-01T00:00:00Z'))).toBe(1000);
    const seen = drainState([ev('2026-01-01T00:00:00Z', { a: 0, b: 100 })], 'a');
    expect(drainRemainingMs(seen, 120_000, new Date('2026-01-01T00:01:00Z'))).toBe(60_000);
  });
  it('registered at 0 by curvectl and never given weight: no drain', () => {
    const journal: JournalEvent[] = [{ at: '2026-01-01T00:00:00Z', op: 'c', type: 'cluster.registered', data: { cluster: 'b', weights: { a: 100, b: 0 } } }];
    const state = drainState(journal, 'b');
    expect(state).toEqual({ kind: 'never-had-weight', since: new Date('2026-01-01T00:00:00Z'), registeredAtZero: true });
    expect(drainRemainingMs(state, 120_000, new Date('2026-01-01T00:00:01Z'))).toBe(0);
  });
});
