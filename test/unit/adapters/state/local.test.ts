import { appendFile, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { LocalStateStore, lockFileName, pidIsAlive } from '../../../../src/adapters/state/local.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'curvectl-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixedNow = () => new Date('2026-11-26T10:00:00.000Z');

function store(overrides: Partial<ConstructorParameters<typeof LocalStateStore>[0]> = {}) {
  return new LocalStateStore({ dir, owner: 'alice', host: 'box-1', pid: 4242, isAlive: () => true, now: fixedNow, ...overrides });
}

async function lockedError(promise: Promise<unknown>): Promise<CurvectlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CurvectlError);
  expect((err as CurvectlError).code).toBe('LOCKED');
  return err as CurvectlError;
}

describe('LocalStateStore locks', () => {
  it('encodes scopes into safe, distinct file names', () => {
    expect(lockFileName('traffic')).toBe('traffic.lock');
    expect(lockFileName('cluster:a-b')).toBe('cluster%3Aa-b.lock');
    expect(lockFileName('cluster/../x')).toBe('cluster%2F..%2Fx.lock');
  });

  it('takes a lock exclusively and names the holder to the next one', async () => {
    const a = store();
    const handle = await a.acquireLock('cluster:cluster-b', 'cluster create cluster-b');
    expect(handle.info).toEqual({
      scope: 'cluster:cluster-b',
      owner: 'alice',
      host: 'box-1',
      pid: 4242,
      operation: 'cluster create cluster-b',
      startedAt: '2026-11-26T10:00:00.000Z',
    });
    const onDisk = JSON.parse(await readFile(path.join(dir, 'locks', 'cluster%3Acluster-b.lock'), 'utf8')) as Record<string, unknown>;
    expect(onDisk).toMatchObject(handle.info);

    const b = store({ owner: 'bob', pid: 777 });
    const err = await lockedError(b.acquireLock('cluster:cluster-b', 'retire cluster-b'));
    expect(err.message).toBe(
      'cluster:cluster-b is locked by alice@box-1 (pid 4242) running "cluster create cluster-b" since 2026-11-26T10:00:00.000Z.',
    );
    expect(err.hint).toBe('Wait for it to finish; if that process is gone, run curvectl unlock.');
    expect(err.exitCode).toBe(4);

    // Other scopes are independent.
    const other = await b.acquireLock('traffic', 'shift');
    await other.release();

    await handle.release();
    const again = await b.acquireLock('cluster:cluster-b', 'retire cluster-b');
    expect(again.info.owner).toBe('bob');
  });

  it('only one of many concurrent acquirers wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store({ pid: 1000 + i }).acquireLock('traffic', `shift ${i}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(9);
  });

  it('detects a stale lock from a dead pid on this host, and unlock clears it', async () => {
    const dead = store({ pid: 999_999 });
    await dead.acquireLock('traffic', 'shift --to cluster-b');
    const alive = store({ isAlive: (pid) => pid !== 999_999 });
    const status = await alive.readLock('traffic');
    expect(status).toMatchObject({ scope: 'traffic', pid: 999_999, stale: true });
    expect(await alive.clearLock('traffic')).toMatchObject({ stale: true, pid: 999_999 });
    expect(await alive.readLock('traffic')).toBeNull();
    await (await alive.acquireLock('traffic', 'shift')).release();
  });

  it('takes over a provably stale lock, saying whose it was', async () => {
    const dead = store({ pid: 999_999 });
    await dead.acquireLock('traffic', 'shift --to cluster-b');
    const warnings: string[] = [];
    const next = store({ pid: 4242, isAlive: (pid) => pid !== 999_999, onWarning: (m) => warnings.push(m) });
    const handle = await next.acquireLock('traffic', 'shift resume');
    expect(handle.info).toMatchObject({ pid: 4242, operation: 'shift resume' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Took over the traffic lock left by .*pid 999999, "shift --to cluster-b".*that process is gone/);
    expect(await next.readLock('traffic')).toMatchObject({ pid: 4242, stale: false });
    await handle.release();
  });

  it('lets exactly one of many concurrent takers take over a stale lock', async () => {
    await store({ pid: 999_999 }).acquireLock('traffic', 'shift');
    const takers = Array.from({ length: 8 }, (_, i) => store({ pid: 5000 + i, isAlive: (pid) => pid !== 999_999 }));
    const results = await Promise.allSettled(takers.map((t) => t.acquireLock('traffic', 'shift resume')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as CurvectlError).code).toBe('LOCKED');
  });

  it('never takes over a lock whose holder is alive', async () => {
    await store({ pid: 999_999 }).acquireLock('traffic', 'shift');
    const err = await lockedError(store({ isAlive: () => true }).acquireLock('traffic', 'shift'));
    expect(err.message).toContain('pid 999999');
    expect(err.hint).toMatch(/Wait for it to finish/);
  });

  it('uses the real pid check by default', async () => {
    expect(pidIsAlive(process.pid)).toBe(true);
    expect(pidIsAlive(2 ** 22 + 12345)).toBe(false);
    const real = new LocalStateStore({ dir, owner: 'a', host: 'h', pid: 2 ** 22 + 12345 });
    await real.acquireLock('traffic', 'shift');
    expect((await new LocalStateStore({ dir, host: 'h' }).readLock('traffic'))?.stale).toBe(true);
  });

  it('never judges a lock from another host stale', async () => {
    await store({ host: 'box-2', pid: 999_999 }).acquireLock('traffic', 'shift');
    const here = store({ isAlive: () => false });
    expect((await here.readLock('traffic'))?.stale).toBe(false);
    const err = await lockedError(here.clearLock('traffic'));
    expect(err.hint).toMatch(/another host/);
    expect(await here.clearLock('traffic', { force: true })).toMatchObject({ host: 'box-2' });
    expect(await here.readLock('traffic')).toBeNull();
  });

  it('release removes only our own lock', async () => {
    const a = store();
    const handle = await a.acquireLock('traffic', 'shift');
    await a.clearLock('traffic', { force: true });
    const b = await store({ owner: 'bob' }).acquireLock('traffic', 'shift');
    await handle.release();
    expect((await a.readLock('traffic'))?.owner).toBe('bob');
    await b.release();
    expect(await a.readLock('traffic')).toBeNull();
  });

  it('reports an unreadable lock file as held by an unknown holder', async () => {
    await mkdir(path.join(dir, 'locks'), { recursive: true });
    await writeFile(path.join(dir, 'locks', 'traffic.lock'), '');
    const err = await lockedError(store().acquireLock('traffic', 'shift'));
    expect(err.message).toMatch(/locked by unknown@unknown/);
  });

  it('clearLock with `expected` removes only that lock (token-checked like the DynamoDB lease)', async () => {
    const a = store({ isAlive: () => false });
    await store({ owner: 'bob', pid: 999_999 }).acquireLock('traffic', 'shift');
    const read = (await a.readLock('traffic'))!;
    await a.clearLock('traffic');
    await store({ owner: 'carol' }).acquireLock('traffic', 'shift');
    expect(await a.clearLock('traffic', { force: true, expected: read })).toBeNull();
    expect((await a.readLock('traffic'))?.owner).toBe('carol');
  });

  it('clearLock on no lock returns null', async () => {
    expect(await store().clearLock('traffic')).toBeNull();
  });
});

describe('LocalStateStore journal', () => {
  it('appends JSON lines and reads them back with filters', async () => {
    const s = store();
    const e1 = await s.append({ op: 'op1', type: 'shift.planned', actor: 'alice@box-1', data: { steps: 3 } });
    expect(e1.at).toBe('2026-11-26T10:00:00.000Z');
    await s.append({ op: 'op1', type: 'shift.step.done', at: '2026-11-26T10:01:00.000Z' });
    await s.append({ op: 'op2', type: 'cluster.created' });
    const text = await readFile(path.join(dir, 'journal.jsonl'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect((await s.readJournal()).map((e) => e.type)).toEqual(['shift.planned', 'shift.step.done', 'cluster.created']);
    expect((await s.readJournal({ op: 'op1' })).map((e) => e.type)).toEqual(['shift.planned', 'shift.step.done']);
    expect((await s.readJournal({ typePrefix: 'shift.step' })).map((e) => e.at)).toEqual(['2026-11-26T10:01:00.000Z']);
  });

  it('keeps order under concurrent appends', async () => {
    const s = store();
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.append({ op: 'op', type: `t.${i}` })));
    expect((await s.readJournal()).map((e) => e.type)).toEqual(Array.from({ length: 50 }, (_, i) => `t.${i}`));
  });

  it('tolerates a torn last line, and the next append does not merge into it', async () => {
    const s = store();
    await s.append({ op: 'op', type: 'a' });
    await appendFile(path.join(dir, 'journal.jsonl'), '{"at":"2026-11-26T10:00:00.000Z","op":"op","ty');
    expect((await s.readJournal()).map((e) => e.type)).toEqual(['a']);
    await s.append({ op: 'op', type: 'b' });
    expect((await s.readJournal()).map((e) => e.type)).toEqual(['a', 'b']);
  });

  it('an absent journal reads as empty', async () => {
    expect(await store().readJournal()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
