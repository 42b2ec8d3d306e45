import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { DynamoDbStateStore, type DynamoDbStateStoreOptions } from '../../../../src/adapters/state/dynamodb.js';
import { rejection } from '../../../_helpers/rejection.js';

const ddb = mockClient(DynamoDBClient);
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
let nowMs: number;
let warnings: { code: string; text: string }[];

beforeEach(() => {
  ddb.reset();
  nowMs = T0;
  warnings = [];
});
afterEach(() => {
  vi.useRealTimers();
  ddb.reset();
});

function store(overrides: Partial<DynamoDbStateStoreOptions> = {}) {
  return new DynamoDbStateStore({
    table: 'curvectl',
    region: 'eu-west-1',
    leaseMs: 60_000,
    owner: 'alice',
    host: 'laptop',
    pid: 42,
    now: () => new Date(nowMs),
    onWarning: (w) => warnings.push(w),
    ...overrides,
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

function holderItem(overrides: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  return {
    pk: { S: 'lock#traffic' },
    sk: { S: 'lock' },
    scope: { S: 'traffic' },
    owner: { S: 'bob' },
    host: { S: 'desk' },
    pid: { N: '7' },
    operation: { S: 'shift --to b' },
    startedAt: { S: iso(T0 - 30_000) },
    expiresAt: { S: iso(T0 + 45_000) },
    token: { S: 'theirs' },
    ...overrides,
  };
}

const conditionFailed = (item?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: item } : {}) });

describe('acquireLock', () => {
  it('is one conditional PutItem that asks for the holder on failure', async () => {
    ddb.on(PutItemCommand).resolves({});
    const handle = await store().acquireLock('traffic', 'shift --to b');
    try {
      const input = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
      expect(input).toMatchObject({
        TableName: 'curvectl',
        ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :now',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':now': { S: iso(T0) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(input.Item).toMatchObject({
        pk: { S: 'lock#traffic' },
        sk: { S: 'lock' },
        scope: { S: 'traffic' },
        owner: { S: 'alice' },
        host: { S: 'laptop' },
        pid: { N: '42' },
        operation: { S: 'shift --to b' },
        startedAt: { S: iso(T0) },
        expiresAt: { S: iso(T0 + 60_000) },
      });
      expect(input.Item?.token?.S).toMatch(/^[0-9a-f]{16}$/);
      expect(handle.info).toEqual({
        scope: 'traffic',
        owner: 'alice',
        host: 'laptop',
        pid: 42,
        operation: 'shift --to b',
        startedAt: iso(T0),
        expiresAt: iso(T0 + 60_000),
      });
      expect(handle.lost).toBeUndefined();
      expect(handle.signal.aborted).toBe(false);
      expect(warnings).toEqual([]);
    } finally {
      ddb.on(DeleteItemCommand).resolves({});
      await handle.release();
    }
  });

  it('throws LOCKED naming the holder, its operation, since when and the lease left (exit 4)', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed(holderItem()));
    const err = await rejection(store().acquireLock('traffic', 'shift --to c'));
    expect(err.code).toBe('LOCKED');
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe(`traffic is locked by bob@desk (pid 7) running "shift --to b" since ${iso(T0 - 30_000)}; its lease expires in 45s.`);
    expect(err.hint).toBe(`Wait for it to finish. If that process is gone, its lease runs out by ${iso(T0 + 45_000)} and the next command takes the lock over.`);
    expect(err.details).toEqual({
      lock: { scope: 'traffic', owner: 'bob', host: 'desk', pid: 7, operation: 'shift --to b', startedAt: iso(T0 - 30_000), expiresAt: iso(T0 + 45_000), stale: false },
    });
    expect(JSON.stringify(err.details)).not.toContain('theirs');
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('reads the holder when the failure does not carry it', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({ Item: holderItem() });
    const err = await rejection(store().acquireLock('traffic', 'x'));
    expect(err.message).toMatch(/^traffic is locked by bob@desk \(pid 7\)/);
    expect(ddb.commandCalls(GetItemCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } }, ConsistentRead: true });
  });

  it('says "a moment ago" when the holder released in between', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({});
    const err = await rejection(store().acquireLock('traffic', 'x'));
    expect(err.message).toBe('traffic was locked a moment ago.');
    expect(err.hint).toBe('Run the command again.');
  });

  it('takes over an expired lease, but says so', async () => {
    ddb.on(PutItemCommand).resolves({ Attributes: holderItem({ expiresAt: { S: iso(T0 - 1_000) } }) });
    ddb.on(DeleteItemCommand).resolves({});
    const handle = await store().acquireLock('traffic', 'shift resume');
    await handle.release();
    expect(warnings).toEqual([
      {
        code: 'lock.taken-over',
        text: `Took over the traffic lock from bob@desk (pid 7) running "shift --to b" since ${iso(T0 - 30_000)}: its lease expired at ${iso(T0 - 1_000)}. Run curvectl status to see whether it left an operation unfinished.`,
      },
    ]);
  });

  it('names the bootstrap command when the table does not exist', async () => {
    ddb.on(PutItemCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    const err = await rejection(store().acquireLock('traffic', 'x'));
    expect(err.code).toBe('ENVIRONMENT');
    expect(err.message).toBe("The DynamoDB table curvectl (eu-west-1) that holds curvectl's lock and journal does not exist.");
    expect(err.hint).toMatch(/curvectl state bootstrap/);
  });

  it('maps other AWS errors with the action', async () => {
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const err = await rejection(store().acquireLock('traffic', 'x'));
    expect(err.code).toBe('AWS');
    expect(err.message).toBe('Access denied to dynamodb:PutItem.');
  });

  it('refuses a lease shorter than a second', () => {
    expect(() => store({ leaseMs: 500 })).toThrow(/too short/);
  });
});

describe('the lease', () => {
  it('is renewed every third of the lease with a conditional UpdateItem on owner and token', async () => {
    vi.useFakeTimers();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    const handle = await store().acquireLock('traffic', 'shift --to b');
    const token = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item?.token?.S;
    nowMs = T0 + 20_000;
    await vi.advanceTimersByTimeAsync(19_999);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(ddb.commandCalls(UpdateItemCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'curvectl',
      Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } },
      UpdateExpression: 'SET #expiresAt = :expiresAt, #renewedAt = :now',
      ConditionExpression: '#owner = :owner AND #token = :token',
      ExpressionAttributeValues: { ':expiresAt': { S: iso(T0 + 80_000) }, ':now': { S: iso(T0 + 20_000) }, ':owner': { S: 'alice' }, ':token': { S: token } },
    });
    expect(handle.expiresAt).toBe(iso(T0 + 80_000));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(3);

    await handle.release();
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } },
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: { ':token': { S: token } },
    });
    // Stopped on release.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(3);
    await handle.release();
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('never keeps the process alive', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).resolves({});
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const handle = await store().acquireLock('traffic', 'x');
    expect(timers()).toBe(before);
    await handle.release();
  });

  it('tells the holder at once when someone else has taken it over', async () => {
    vi.useFakeTimers();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).rejects(conditionFailed(holderItem({ owner: { S: 'carol' }, host: { S: 'ci' }, pid: { N: '9' }, operation: { S: 'shift --to a' } })));
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    const handle = await store().acquireLock('traffic', 'shift --to b');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(handle.lost?.code).toBe('LOCKED');
    expect(handle.lost?.message).toBe('Lost the traffic lock held for "shift --to b": its lease ran out and carol@ci (pid 9) took it over for "shift --to a".');
    expect(handle.signal.aborted).toBe(true);
    expect(handle.signal.reason).toBe(handle.lost);
    expect(warnings).toEqual([{ code: 'lock.lease-lost', text: handle.lost?.message }]);
    // No more renewals, and release leaves the other holder's lock alone without a second warning.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    await handle.release();
    expect(warnings).toHaveLength(1);
  });

  it('keeps trying after a transient failure, and counts the lease lost only once it has run out', async () => {
    vi.useFakeTimers();
    ddb.on(PutItemCommand).resolves({});
    ddb.on(UpdateItemCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }));
    ddb.on(DeleteItemCommand).resolves({});
    const handle = await store().acquireLock('traffic', 'x');
    nowMs = T0 + 20_000;
    await vi.advanceTimersByTimeAsync(20_000);
    nowMs = T0 + 40_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(2);
    expect(handle.lost).toBeUndefined();
    nowMs = T0 + 60_000;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(handle.lost?.message).toMatch(new RegExp(`^Lost the traffic lock held for "x": its lease ran out at ${iso(T0 + 60_000).replace(/\./g, '\\.')} before it could be renewed \\(Could not reach AWS`));
    expect(warnings.map((w) => w.code)).toEqual(['lock.lease-lost']);
    await handle.release();
  });

  it('warns when release finds the lock taken over (and never deletes it)', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    const handle = await store().acquireLock('traffic', 'shift --to b');
    await handle.release();
    expect(warnings.map((w) => w.code)).toEqual(['lock.release-not-ours']);
  });

  it('release reports an AWS failure (the caller warns; the lease runs out by itself)', async () => {
    ddb.on(PutItemCommand).resolves({});
    ddb.on(DeleteItemCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const handle = await store().acquireLock('traffic', 'x');
    const err = await rejection(handle.release());
    expect(err.code).toBe('AWS');
  });
});

describe('readLock and clearLock', () => {
  it('reads the holder; stale once its lease has run out', async () => {
    ddb.on(GetItemCommand).resolves({ Item: holderItem() });
    expect(await store().readLock('traffic')).toEqual({
      scope: 'traffic',
      owner: 'bob',
      host: 'desk',
      pid: 7,
      operation: 'shift --to b',
      startedAt: iso(T0 - 30_000),
      expiresAt: iso(T0 + 45_000),
      stale: false,
    });
    nowMs = T0 + 45_000;
    expect((await store().readLock('traffic'))?.stale).toBe(true);
    ddb.on(GetItemCommand).resolves({});
    expect(await store().readLock('traffic')).toBeNull();
  });

  it('an unreadable lock item reads as an unknown holder that is stale', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } } });
    expect(await store().readLock('traffic')).toEqual({ scope: 'traffic', owner: 'unknown', host: 'unknown', pid: 0, operation: 'unknown', startedAt: 'unknown', stale: true });
  });

  it('refuses to clear a live lease without force', async () => {
    ddb.on(GetItemCommand).resolves({ Item: holderItem() });
    const err = await rejection(store().clearLock('traffic'));
    expect(err.code).toBe('LOCKED');
    expect(err.message).toBe(
      `traffic is locked by bob@desk (pid 7) running "shift --to b" since ${iso(T0 - 30_000)}. Its lease is still being renewed (it expires in 45s), so the lock is not stale.`,
    );
    expect(ddb.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  it('clears an expired lease only if it is still the one read and still expired', async () => {
    nowMs = T0 + 50_000;
    ddb.on(GetItemCommand).resolves({ Item: holderItem() });
    ddb.on(DeleteItemCommand).resolves({});
    const removed = await store().clearLock('traffic');
    expect(removed).toMatchObject({ owner: 'bob', pid: 7, stale: true });
    expect(removed).not.toHaveProperty('token');
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: '#token = :token AND #expiresAt < :now',
      ExpressionAttributeValues: { ':token': { S: 'theirs' }, ':now': { S: iso(T0 + 50_000) } },
    });
  });

  it('with force clears a live lease, still only the one read', async () => {
    ddb.on(GetItemCommand).resolves({ Item: holderItem() });
    ddb.on(DeleteItemCommand).resolves({});
    expect(await store().clearLock('traffic', { force: true })).toMatchObject({ stale: false });
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: '#token = :token',
      ExpressionAttributeValues: { ':token': { S: 'theirs' } },
    });
  });

  it('keeps a lock that changed in between', async () => {
    nowMs = T0 + 50_000;
    ddb.on(GetItemCommand).resolvesOnce({ Item: holderItem() }).resolves({ Item: holderItem({ owner: { S: 'carol' }, expiresAt: { S: iso(T0 + 110_000) } }) });
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    const err = await rejection(store().clearLock('traffic'));
    expect(err.code).toBe('LOCKED');
    expect(err.message).toMatch(/^traffic is locked by carol@desk .* It changed while it was being cleared, so it was kept\.$/);
  });

  it('returns null when there is no lock', async () => {
    ddb.on(GetItemCommand).resolves({});
    expect(await store().clearLock('traffic')).toBeNull();
  });
});

describe('journal', () => {
  it('appends one conditional item per event, sorted by time then by write order', async () => {
    ddb.on(PutItemCommand).resolves({});
    const s = store();
    const first = await s.append({ op: 'shift-1', type: 'shift.planned', actor: 'alice@laptop', data: { to: 'b', steps: [{ a: 50, b: 50 }] } });
    const second = await s.append({ op: 'shift-1', type: 'shift.step.intent' });
    expect(first).toEqual({ op: 'shift-1', type: 'shift.planned', actor: 'alice@laptop', data: { to: 'b', steps: [{ a: 50, b: 50 }] }, at: iso(T0) });
    const items = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(items[0]).toMatchObject({
      TableName: 'curvectl',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: { S: 'journal' },
        at: { S: iso(T0) },
        op: { S: 'shift-1' },
        type: { S: 'shift.planned' },
        actor: { S: 'alice@laptop' },
        data: { S: '{"to":"b","steps":[{"a":50,"b":50}]}' },
      },
    });
    expect(items[1]?.Item).not.toHaveProperty('data');
    expect(items[1]?.Item).not.toHaveProperty('actor');
    const sk0 = items[0]?.Item?.sk?.S ?? '';
    const sk1 = items[1]?.Item?.sk?.S ?? '';
    expect(sk0.startsWith(`${iso(T0)}#`)).toBe(true);
    expect(sk0 < sk1).toBe(true); // same millisecond: write order kept
    expect(second.at).toBe(iso(T0));
    // A given time is kept.
    expect((await s.append({ op: 'o', type: 't', at: '2026-01-01T00:00:00.000Z' })).at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reads every page in order, with the filters on the server', async () => {
    const event = (n: number, type: string, data?: string): Record<string, AttributeValue> => ({
      pk: { S: 'journal' },
      sk: { S: `${iso(T0 + n)}#00000${n}abc` },
      at: { S: iso(T0 + n) },
      op: { S: 'shift-1' },
      type: { S: type },
      ...(data ? { data: { S: data } } : {}),
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [event(1, 'shift.planned', '{"to":"b"}'), event(2, 'shift.step.intent')], LastEvaluatedKey: { pk: { S: 'journal' }, sk: { S: 'k2' } } })
      .resolvesOnce({ Items: [event(3, 'shift.step.done', 'not json'), { pk: { S: 'journal' }, sk: { S: 'x' } }] });
    const events = await store().readJournal({ op: 'shift-1', typePrefix: 'shift.' });
    expect(events).toEqual([
      { at: iso(T0 + 1), op: 'shift-1', type: 'shift.planned', data: { to: 'b' } },
      { at: iso(T0 + 2), op: 'shift-1', type: 'shift.step.intent' },
      { at: iso(T0 + 3), op: 'shift-1', type: 'shift.step.done' },
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({
      TableName: 'curvectl',
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#op = :op AND begins_with(#type, :typePrefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#op': 'op', '#type': 'type' },
      ExpressionAttributeValues: { ':pk': { S: 'journal' }, ':op': { S: 'shift-1' }, ':typePrefix': { S: 'shift.' } },
      ConsistentRead: true,
      ScanIndexForward: true,
    });
    expect(calls[0]).not.toHaveProperty('ExclusiveStartKey');
    expect(calls[1]?.ExclusiveStartKey).toEqual({ pk: { S: 'journal' }, sk: { S: 'k2' } });
  });

  it('reads an empty journal without a filter', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await store().readJournal()).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).not.toHaveProperty('FilterExpression');
  });
});
