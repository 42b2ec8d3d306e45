/**
 * The StateStore contract (src/core/ports/state-store.ts): the lock and the journal as the core relies
 * on them. One body, run against the fake (test/unit/contracts) and against the local disk and the
 * DynamoDB adapters (the local store in the unit tier, DynamoDB on the emulator in the integration
 * tier), so the fake cannot drift from what the adapters do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LockHandle, StateStore } from '../../../src/core/ports.js';
import { rejection } from '../rejection.js';

/** Two operators sharing one state (one directory, one table, one fake), fresh for each test. */
export interface StateStoreWorld {
  /** The first operator's store. */
  readonly store: StateStore;
  /** A second operator's store on the same state (another process, or the same fake). */
  readonly other: StateStore;
  /** Makes the first operator's holdings look gone to `other` (its process died; its lease ran out). */
  makeFirstGone(): void;
  /** Warnings `other` gave (a stale lock is never taken over silently). */
  otherWarnings(): readonly string[];
}

export interface StateStoreSubject {
  readonly name: string;
  fresh(): Promise<StateStoreWorld>;
}

export function stateStoreContract(subject: StateStoreSubject): void {
  describe(`StateStore contract: ${subject.name}`, () => {
    const held: LockHandle[] = [];
    const world = async () => subject.fresh();
    const take = async (store: StateStore, scope: string, operation: string) => {
      const handle = await store.acquireLock(scope, operation);
      held.push(handle);
      return handle;
    };
    afterEach(async () => {
      // Leased locks renew on a timer: release what a test left held (releasing twice is harmless).
      for (const handle of held.splice(0)) await handle.release().catch(() => undefined);
    });

    it('a lock is held until released, and a second acquire is refused with LOCKED naming the holder', async () => {
      const w = await world();
      const handle = await take(w.store, 'traffic', 'shift to b');
      expect(handle.info).toMatchObject({ scope: 'traffic', operation: 'shift to b' });
      expect(await w.other.readLock('traffic')).toMatchObject({ scope: 'traffic', operation: 'shift to b', pid: handle.info.pid, stale: false });
      const refused = await rejection(w.other.acquireLock('traffic', 'another shift'));
      expect(refused.code).toBe('LOCKED');
      expect(refused.message).toContain('shift to b');
      // The holder itself cannot take it twice either.
      expect((await rejection(w.store.acquireLock('traffic', 'again'))).code).toBe('LOCKED');
      await handle.release();
      expect(await w.other.readLock('traffic')).toBeNull();
      await take(w.other, 'traffic', 'another shift');
    });

    it('scopes are independent', async () => {
      const w = await world();
      await take(w.store, 'traffic', 'shift');
      await take(w.other, 'cluster:a', 'create a');
      expect(await w.store.readLock('cluster:a')).toMatchObject({ scope: 'cluster:a', operation: 'create a' });
      expect(await w.store.readLock('cluster:b')).toBeNull();
    });

    it('releasing twice is harmless, and an old handle never releases a later holding', async () => {
      const w = await world();
      const first = await take(w.store, 'traffic', 'first');
      await first.release();
      await first.release();
      const second = await take(w.other, 'traffic', 'second');
      await first.release();
      expect(await w.store.readLock('traffic')).toMatchObject({ operation: 'second' });
      // Cleared by force and taken again: the cleared holder's release leaves the new one alone.
      expect(await w.store.clearLock('traffic', { force: true })).toMatchObject({ operation: 'second' });
      await take(w.store, 'traffic', 'third');
      await second.release();
      expect(await w.other.readLock('traffic')).toMatchObject({ operation: 'third' });
    });

    it('clearLock: nothing held is null; a live lock is refused with LOCKED unless forced', async () => {
      const w = await world();
      expect(await w.other.clearLock('traffic')).toBeNull();
      await take(w.store, 'traffic', 'shift');
      expect((await rejection(w.other.clearLock('traffic'))).code).toBe('LOCKED');
      expect(await w.other.readLock('traffic')).toMatchObject({ operation: 'shift' });
      expect(await w.other.clearLock('traffic', { force: true })).toMatchObject({ scope: 'traffic', operation: 'shift', stale: false });
      expect(await w.other.readLock('traffic')).toBeNull();
    });

    it('clearLock with `expected` removes only the lock the caller read', async () => {
      const w = await world();
      const first = await take(w.store, 'traffic', 'first');
      const read = await w.other.readLock('traffic');
      expect(read).not.toBeNull();
      await w.other.clearLock('traffic', { force: true });
      // Taken by the other operator, so it is another holding by LockIdentity (another pid).
      await take(w.other, 'traffic', 'second');
      // The lock read before is gone; the one there now is another holding: nothing is removed.
      expect(await w.other.clearLock('traffic', { force: true, expected: read ?? first.info })).toBeNull();
      expect(await w.other.readLock('traffic')).toMatchObject({ operation: 'second' });
    });

    it('a stale lock reads as stale, can be cleared without force, and is taken over with a warning', async () => {
      const w = await world();
      await take(w.store, 'traffic', 'crashed shift');
      await take(w.store, 'cluster:a', 'crashed create');
      w.makeFirstGone();
      expect(await w.other.readLock('traffic')).toMatchObject({ operation: 'crashed shift', stale: true });
      expect(await w.other.clearLock('cluster:a')).toMatchObject({ operation: 'crashed create', stale: true });
      expect(w.otherWarnings()).toEqual([]);
      const taken = await take(w.other, 'traffic', 'resume');
      expect(taken.info.operation).toBe('resume');
      expect(await w.store.readLock('traffic')).toMatchObject({ operation: 'resume', stale: false });
      expect(w.otherWarnings().join('\n')).toContain('crashed shift');
    });

    it('the journal keeps every event in time order, with its data, and filters by op and type', async () => {
      const w = await world();
      const stamped = await w.store.append({ op: 'op-1', type: 'shift.planned', data: { steps: [{ a: 50, b: 50 }], note: 'x' } });
      expect(Number.isNaN(Date.parse(stamped.at))).toBe(false);
      const given = await w.store.append({ op: 'op-1', type: 'shift.step.done', at: '2099-01-01T00:00:00.000Z', actor: 'alice' });
      expect(given.at).toBe('2099-01-01T00:00:00.000Z');
      // In time order: the DynamoDB journal sorts by `at`, the local one keeps the order of appends.
      await w.store.append({ op: 'op-2', type: 'cluster.created', at: '2099-01-01T00:00:01.000Z' });
      const all = await w.other.readJournal();
      expect(all.map((e) => `${e.op} ${e.type}`)).toEqual(['op-1 shift.planned', 'op-1 shift.step.done', 'op-2 cluster.created']);
      expect(all[0]).toEqual(stamped);
      expect(all[1]).toEqual({ op: 'op-1', type: 'shift.step.done', at: '2099-01-01T00:00:00.000Z', actor: 'alice' });
      expect((await w.other.readJournal({ op: 'op-1' })).map((e) => e.type)).toEqual(['shift.planned', 'shift.step.done']);
      expect((await w.other.readJournal({ typePrefix: 'shift.' })).map((e) => e.type)).toEqual(['shift.planned', 'shift.step.done']);
      expect(await w.other.readJournal({ op: 'op-2', typePrefix: 'shift.' })).toEqual([]);
      expect(await w.other.readJournal({ op: 'op-9' })).toEqual([]);
    });

    it('an empty journal reads as no events', async () => {
      const w = await world();
      expect(await w.store.readJournal()).toEqual([]);
    });
  });
}
