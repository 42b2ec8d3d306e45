import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  ConditionalCheckFailedException,
  type AttributeValue,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { TRAFFIC_LOCK } from '../../../../src/core/shift/run.js';
import { DynamoDbStateStore, TRAFFIC_SCOPE } from '../../../../src/adapters/state/dynamodb.js';
import { DESIRED_WEIGHTS_KEY } from '../../../../src/adapters/state/dynamodb-desired-weights.js';
import { rejection } from '../../../_helpers/rejection.js';

const ddb = mockClient(DynamoDBClient);
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
let nowMs: number;
let warnings: { code: string; text: string }[];

beforeEach(() => {
  ddb.reset();
  nowMs = T0;
  warnings = [];
  ddb.on(PutItemCommand).resolves({});
  ddb.on(DeleteItemCommand).resolves({});
});
afterEach(() => {
  vi.useRealTimers();
  ddb.reset();
});

const iso = (ms: number) => new Date(ms).toISOString();

function store() {
  return new DynamoDbStateStore({
    table: 'curvectl',
    region: 'eu-west-1',
    leaseMs: 60_000,
    owner: 'alice',
    host: 'laptop',
    pid: 42,
    now: () => new Date(nowMs),
    onWarning: (w) => warnings.push(w),
  });
}

function weightsItem(weights: Record<string, number>, version: number, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  return {
    pk: { S: DESIRED_WEIGHTS_KEY.pk },
    sk: { S: DESIRED_WEIGHTS_KEY.sk },
    weights: { S: JSON.stringify(weights) },
    version: { N: String(version) },
    updatedAt: { S: iso(T0 - 60_000) },
    updatedBy: { S: 'bob@desk (pid 7)' },
    ...extra,
  };
}

const canceled = (reasons: CancellationReason[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });

const transactions = () => ddb.commandCalls(TransactWriteItemsCommand).map((c) => c.args[0].input);

describe('the shared desired weights', () => {
  it('are written under the lock the shift takes', () => {
    expect(TRAFFIC_SCOPE).toBe(TRAFFIC_LOCK);
  });

  it('read as undefined before anything is stored (first use), then as the stored map; reads are consistent', async () => {
    const weights = store().desiredWeights();
    ddb.on(GetItemCommand).resolvesOnce({}).resolves({ Item: weightsItem({ 'cluster-a': 50, 'cluster-b': 50 }, 3) });
    expect(await weights.read()).toBeUndefined();
    expect(await weights.read()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    expect(ddb.commandCalls(GetItemCommand)[0]!.args[0].input).toEqual({
      TableName: 'curvectl',
      Key: { pk: { S: 'desired#traffic' }, sk: { S: 'weights' } },
      ConsistentRead: true,
    });
    expect(weights.description).toBe('DynamoDB table curvectl (item desired#traffic)');
  });

  it('refuse a damaged item instead of reading it as no weights', async () => {
    const weights = store().desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({}, 1, { weights: { S: '{"cluster-a": 50,' } }) });
    expect((await rejection(weights.read())).message).toBe('The shared desired weights in DynamoDB table curvectl (item desired#traffic) are damaged: its weights are not JSON.');
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 300 }, 1) });
    expect((await rejection(weights.read())).message).toMatch(/the weight of "cluster-a" is not an integer from 0 to 255\.$/);
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 100 }, 0) });
    const err = await rejection(weights.read());
    expect(err.code).toBe('INCONSISTENT');
    expect(err.message).toMatch(/its version is not a positive whole number\.$/);
  });

  it('name state bootstrap when the table does not exist', async () => {
    ddb.on(GetItemCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));
    const err = await rejection(store().desiredWeights().read());
    expect(err.code).toBe('ENVIRONMENT');
    expect(err.hint).toMatch(/curvectl state bootstrap/);
  });

  it('are never written without holding the traffic lock', async () => {
    const s = store();
    const weights = s.desiredWeights();
    const err = await rejection(weights.write({ 'cluster-a': 100 }));
    expect(err.code).toBe('INTERNAL');
    // A cluster lock is not the traffic lock.
    const other = await s.acquireLock('cluster:cluster-a', 'cluster create cluster-a');
    try {
      expect((await rejection(weights.write({ 'cluster-a': 100 }))).code).toBe('INTERNAL');
    } finally {
      await other.release();
    }
    expect(transactions()).toEqual([]);
  });

  it('first write under the lock: one transaction that checks the lease and creates the item (seeding it)', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({});
    ddb.on(TransactWriteItemsCommand).resolves({});
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    try {
      expect(await weights.read()).toBeUndefined();
      nowMs += 1000;
      await weights.write({ 'cluster-a': 100 });
      const [input] = transactions();
      const token = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item?.token?.S;
      expect(token).toMatch(/^[0-9a-f]{16}$/);
      expect(input?.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
      expect(input?.TransactItems).toEqual([
        {
          ConditionCheck: {
            TableName: 'curvectl',
            Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } },
            ConditionExpression: '#token = :token AND #expiresAt > :now',
            ExpressionAttributeNames: { '#token': 'token', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':token': { S: token }, ':now': { S: iso(T0 + 1000) } },
          },
        },
        {
          Put: {
            TableName: 'curvectl',
            Item: {
              pk: { S: 'desired#traffic' },
              sk: { S: 'weights' },
              weights: { S: '{"cluster-a":100}' },
              version: { N: '1' },
              updatedAt: { S: iso(T0 + 1000) },
              updatedBy: { S: 'alice@laptop (pid 42)' },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
    } finally {
      await lock.release();
    }
  });

  it('each write is conditional on the version last read or written', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 100, 'cluster-b': 0 }, 7) });
    ddb.on(TransactWriteItemsCommand).resolves({});
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    try {
      await weights.read();
      await weights.write({ 'cluster-a': 50, 'cluster-b': 50 });
      await weights.write({ 'cluster-a': 0, 'cluster-b': 100 });
      const puts = transactions().map((t) => t.TransactItems?.[1]?.Put);
      expect(puts.map((p) => [p?.ConditionExpression, p?.ExpressionAttributeValues?.[':version']?.N, p?.Item?.version?.N])).toEqual([
        ['#version = :version', '7', '8'],
        ['#version = :version', '8', '9'],
      ]);
      expect(puts[0]?.ExpressionAttributeNames).toEqual({ '#version': 'version' });
    } finally {
      await lock.release();
    }
  });

  it('a write with nothing read yet (shift abort) reads the version first', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 50, 'cluster-b': 50 }, 4) });
    ddb.on(TransactWriteItemsCommand).resolves({});
    const lock = await s.acquireLock('traffic', 'shift abort');
    try {
      await weights.write({ 'cluster-a': 100, 'cluster-b': 0 });
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(1);
      expect(transactions()[0]?.TransactItems?.[1]?.Put?.ExpressionAttributeValues).toEqual({ ':version': { N: '4' } });
    } finally {
      await lock.release();
    }
  });

  it('a lost update fails naming who wrote in between, and the next read starts afresh', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 100 }, 2) });
    ddb.on(TransactWriteItemsCommand)
      .rejectsOnce(canceled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: weightsItem({ 'cluster-a': 90, 'cluster-b': 10 }, 3) }]))
      .resolves({});
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    try {
      await weights.read();
      const err = await rejection(weights.write({ 'cluster-a': 50, 'cluster-b': 50 }));
      expect(err.code).toBe('INCONSISTENT');
      expect(err.message).toBe(
        `The shared desired weights changed after this process read them (version 2; now version 3, written by bob@desk (pid 7) at ${iso(T0 - 60_000)}), so they were not overwritten.`,
      );
      expect(err.hint).toMatch(/curvectl status/);
      // Nothing is remembered from the failed write: the next one reads the version again.
      await weights.write({ 'cluster-a': 50, 'cluster-b': 50 });
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(2);
    } finally {
      await lock.release();
    }
  });

  it('a write after the lease was taken over fails with LOCKED (exit 4), and so does one after it was lost', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 100 }, 2) });
    ddb.on(TransactWriteItemsCommand).rejects(canceled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]));
    vi.useFakeTimers({ now: T0 });
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    try {
      const err = await rejection(weights.write({ 'cluster-a': 50, 'cluster-b': 50 }));
      expect(err.code).toBe('LOCKED');
      expect(err.exitCode).toBe(4);
      expect(err.message).toBe(
        'The traffic lock is no longer held by this process (its lease ran out, or another operator took it over), so the shared desired weights were not written.',
      );
      // The renewal finds the lock taken over: the handle says so, and writes stop before any call.
      ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
      await vi.advanceTimersByTimeAsync(20_000);
      expect(lock.lost).toBeInstanceOf(CurvectlError);
      const calls = transactions().length;
      expect(await rejection(weights.write({ 'cluster-a': 50, 'cluster-b': 50 }))).toBe(lock.lost);
      expect(transactions()).toHaveLength(calls);
    } finally {
      await lock.release();
    }
  });

  it('retries a transaction DynamoDB cancelled for a conflicting request (such as our own lease renewal)', async () => {
    const s = store();
    const weights = s.desiredWeights();
    ddb.on(GetItemCommand).resolves({ Item: weightsItem({ 'cluster-a': 100 }, 2) });
    ddb.on(TransactWriteItemsCommand)
      .rejectsOnce(canceled([{ Code: 'TransactionConflict' }, { Code: 'None' }]))
      .resolves({});
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    try {
      await weights.write({ 'cluster-a': 50, 'cluster-b': 50 });
      const [first, second] = transactions();
      expect(second?.TransactItems).toEqual(first?.TransactItems);
      expect(second?.ClientRequestToken).not.toBe(first?.ClientRequestToken);
    } finally {
      await lock.release();
    }
  });

  it('are not written after the lock was released', async () => {
    const s = store();
    const weights = s.desiredWeights();
    const lock = await s.acquireLock('traffic', 'shift --to cluster-b');
    await lock.release();
    expect((await rejection(weights.write({ 'cluster-a': 100 }))).code).toBe('INTERNAL');
  });
});

describe('stillHeld', () => {
  it('is true while the lease is held and renewed; false once released', async () => {
    vi.useFakeTimers({ now: T0 });
    ddb.on(UpdateItemCommand).resolves({});
    const lock = await store().acquireLock('traffic', 'shift --to cluster-b');
    expect(lock.stillHeld()).toBe(true);
    nowMs += 50_000;
    await vi.advanceTimersByTimeAsync(20_000);
    nowMs += 20_000;
    // Renewed at +50 s (the clock the store reads), so it runs until +110 s.
    expect(lock.stillHeld()).toBe(true);
    await lock.release();
    expect(lock.stillHeld()).toBe(false);
  });

  it('is false once the lease has run out by this clock, even before a renewal has failed', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    const lock = await store().acquireLock('traffic', 'shift --to cluster-b');
    try {
      nowMs += 60_000;
      expect(lock.lost).toBeUndefined();
      expect(lock.stillHeld()).toBe(false);
    } finally {
      await lock.release();
    }
  });

  it('is false once the lease is lost', async () => {
    vi.useFakeTimers({ now: T0 });
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const lock = await store().acquireLock('traffic', 'shift --to cluster-b');
    try {
      await vi.advanceTimersByTimeAsync(20_000);
      expect(lock.lost).toBeDefined();
      expect(lock.stillHeld()).toBe(false);
      expect(warnings.map((w) => w.code)).toEqual(['lock.lease-lost']);
    } finally {
      await lock.release();
    }
  });
});
