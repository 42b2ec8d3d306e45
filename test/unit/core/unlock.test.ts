import { describe, expect, it } from 'vitest';
import { unlock } from '../../../src/core/unlock.js';
import { FakeClock, FakeDns, FakeStacks, FakeStateStore, ScriptedIoHost } from '../../_helpers/fakes.js';
import { rejection } from '../../_helpers/rejection.js';
import { renderUnlock } from '../../../src/io/render.js';

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

  it('refuses with LOCKED when every lock found is held by a live process, naming each holder and its lease', async () => {
    const { clock, state, stacks } = setup();
    state.locks.set('traffic', { scope: 'traffic', owner: 'eve', host: 'h', pid: 2, operation: 'shift', startedAt: 't2', stale: false, expiresAt: '2026-01-01T00:00:45.000Z' });
    const err = await rejection(unlock({ state, stacks, io: new ScriptedIoHost(), clock }));
    expect(err.code).toBe('LOCKED');
    expect(err.message).toBe('traffic is locked by eve@h (pid 2) running "shift" since t2 (lease expires in 45s).');
    expect(err.hint).toMatch(/still running/);
    expect([...state.locks.keys()]).toEqual(['traffic']);
  });

  it('no locks at all is not a refusal', async () => {
    const { state, stacks } = setup();
    const out = await unlock({ state, stacks, io: new ScriptedIoHost() });
    expect(out).toEqual({ cleared: [], held: [], replaced: [] });
    expect(renderUnlock(out)).toEqual(['No locks are held.']);
  });

  it('renders what it cleared and kept, and points at status after clearing the traffic lock', () => {
    const traffic = { scope: 'traffic', owner: 'bob', host: 'h', pid: 1, operation: 'shift', startedAt: 't1', stale: true };
    const cluster = { scope: 'cluster:cluster-a', owner: 'eve', host: 'h', pid: 2, operation: 'retire', startedAt: 't2', stale: false };
    expect(renderUnlock({ cleared: [traffic], held: [cluster], replaced: [] })).toEqual([
      'Cleared traffic (was bob@h, pid 1, "shift").',
      'Kept cluster:cluster-a: its holder (pid 2 on h) is still running.',
      'Run "curvectl status" to see whether a shift was left unfinished.',
    ]);
  });
});
