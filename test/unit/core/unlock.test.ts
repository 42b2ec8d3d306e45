import { describe, expect, it } from 'vitest';
import { unlock } from '../../../src/core/unlock.js';
import { FakeClock, FakeDns, FakeStacks, FakeStateStore, ScriptedIoHost } from '../../_helpers/fakes.js';

function setup() {
  const clock = new FakeClock();
  const state = new FakeStateStore(clock);
  const stacks = new FakeStacks(new FakeDns({ 'cluster-a': 100 }));
  return { clock, state, stacks };
}

describe('unlock', () => {
  it('clears a stale lock and keeps a live one without --force', async () => {
    const { state, stacks } = setup();
    state.locks.set('traffic', { scope: 'traffic', owner: 'bob', host: 'h', pid: 1, operation: 'shift', startedAt: 't1', stale: true });
    state.locks.set('cluster:cluster-a', { scope: 'cluster:cluster-a', owner: 'eve', host: 'h', pid: 2, operation: 'retire', startedAt: 't2', stale: false });
    const out = await unlock({ state, stacks, io: new ScriptedIoHost() });
    expect(out.cleared.map((l) => l.scope)).toEqual(['traffic']);
    expect(out.held.map((l) => l.scope)).toEqual(['cluster:cluster-a']);
    expect([...state.locks.keys()]).toEqual(['cluster:cluster-a']);
  });

  it('--force removes only the lock it read and confirmed: one taken meanwhile stays', async () => {
    const { state, stacks } = setup();
    state.locks.set('traffic', { scope: 'traffic', owner: 'bob', host: 'h', pid: 1, operation: 'shift', startedAt: 't1', stale: false });
    const io = new ScriptedIoHost();
    io.answer('unlock.force', 'traffic');
    // While the operator types, bob's process ends and carol's shift takes the lock.
    io.onPrompt = () => {
      state.locks.set('traffic', { scope: 'traffic', owner: 'carol', host: 'h', pid: 3, operation: 'shift', startedAt: 't3', stale: false });
    };
    const out = await unlock({ state, stacks, io }, { force: true });
    expect(out.cleared).toEqual([]);
    expect(out.replaced.map((l) => l.owner)).toEqual(['bob']);
    expect(state.locks.get('traffic')?.owner).toBe('carol');
  });
});
