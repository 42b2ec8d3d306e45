/**
 * The team's desired weights, in the same DynamoDB table as the lock and the journal, so that every
 * operator's checkout decides from, and applies, the same weights (TerraformStacks keeps each
 * checkout's traffic var file a copy of them; see the DesiredWeightsStore port, core/ports/desired-weights-store.ts).
 *
 * One item: pk `desired#traffic`, sk `weights`; attributes `weights` (the map as JSON text),
 * `version` (N, 1 for the first write, +1 on every write), `updatedAt` (ISO 8601), `updatedBy`
 * ("owner@host (pid N)").
 *
 * A write is one TransactWriteItems of two parts, all or nothing:
 * - a ConditionCheck on the traffic lock item: its token is the one this process holds and its
 *   lease has not run out (so a holder whose lease was lost, or taken over, writes nothing);
 * - a Put conditional on the version this process last read (`attribute_not_exists(pk)` when it
 *   read none), so an update made in between is never overwritten: the write fails, naming it.
 * The transaction carries a ClientRequestToken, so the SDK's retry of a write whose answer was lost
 * is not mistaken for somebody else's update.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { CurvectlError } from '../../core/errors.js';
import type { LockInfo, Weights } from '../../core/ports.js';
import { isRecordWeight } from '../../core/weights.js';
import type { DesiredWeightsStore } from '../../core/ports/desired-weights-store.js';
import type { SdkLoader } from '../aws/client-factory.js';
import { awsErrorName } from '../aws/errors.js';

export const DESIRED_WEIGHTS_KEY = { pk: 'desired#traffic', sk: 'weights' } as const;

type Item = Record<string, DDB.AttributeValue>;

/** A lease this process holds: its token (the lock item's `token`) and its handle. */
export interface HeldLease {
  readonly token: string;
  /** The lock's handle (a LeasedLockHandle of dynamodb.ts): `lost` is set once the lease is gone. */
  readonly handle: { readonly lost: CurvectlError | undefined; readonly info: LockInfo };
}

export interface DynamoDbDesiredWeightsOptions {
  readonly table: string;
  readonly load: SdkLoader<typeof DDB, DDB.DynamoDBClient>;
  readonly now: () => Date;
  /** Who writes, for `updatedBy`: "owner@host (pid N)". */
  readonly writer: string;
  /** The key of the lock item that must be ours for a write (the traffic lock). */
  readonly lockKey: { readonly pk: string; readonly sk: string };
  /** The lease this process holds on that lock; undefined when it holds none. */
  readonly lease: () => HeldLease | undefined;
  /** AWS errors to CurvectlError (the store's mapping: a missing table names `state bootstrap`). */
  readonly mapError: (err: unknown, action: string) => unknown;
  /** Tries of a transaction that DynamoDB cancels for a conflicting request (e.g. our own lease renewal). Default 4. */
  readonly conflictAttempts?: number;
  /** Pause between those tries; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Stored {
  readonly weights: Weights;
  readonly version: number;
  readonly updatedAt: string | undefined;
  readonly updatedBy: string | undefined;
}

export class DynamoDbDesiredWeights implements DesiredWeightsStore {
  readonly description: string;
  /** The version this process last read or wrote: undefined before any, null when there was no item. */
  private version: number | null | undefined;

  constructor(private readonly options: DynamoDbDesiredWeightsOptions) {
    this.description = `DynamoDB table ${options.table} (item ${DESIRED_WEIGHTS_KEY.pk})`;
  }

  async read(): Promise<Weights | undefined> {
    const stored = await this.readItem();
    this.version = stored?.version ?? null;
    return stored?.weights;
  }

  async write(weights: Weights): Promise<void> {
    const lease = this.options.lease();
    if (!lease) {
      throw new CurvectlError('INTERNAL', `Refusing to write the shared desired weights without holding the ${this.lockScope} lock.`);
    }
    if (lease.handle.lost) throw lease.handle.lost;
    if (this.version === undefined) this.version = (await this.readItem())?.version ?? null;
    const expected = this.version;
    const next = (expected ?? 0) + 1;
    const { sdk, client } = await this.options.load();
    const input = (now: Date): DDB.TransactWriteItemsCommandInput => ({
      ClientRequestToken: randomUUID(),
      TransactItems: [
        {
          ConditionCheck: {
            TableName: this.options.table,
            Key: key(this.options.lockKey),
            ConditionExpression: '#token = :token AND #expiresAt > :now',
            ExpressionAttributeNames: { '#token': 'token', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: marshall({ ':token': lease.token, ':now': now.toISOString() }),
          },
        },
        {
          Put: {
            TableName: this.options.table,
            // The weights as JSON text: one attribute, read back exactly as written.
            Item: marshall({ ...DESIRED_WEIGHTS_KEY, weights: JSON.stringify(weights), version: next, updatedAt: now.toISOString(), updatedBy: this.options.writer }),
            ...(expected === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :version',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: marshall({ ':version': expected }),
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });
    const attempts = Math.max(1, this.options.conflictAttempts ?? 4);
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.send(new sdk.TransactWriteItemsCommand(input(this.options.now())));
        this.version = next;
        return;
      } catch (err) {
        if (awsErrorName(err) !== 'TransactionCanceledException') throw this.options.mapError(err, 'dynamodb:TransactWriteItems');
        const reasons = (err as { CancellationReasons?: { Code?: string; Item?: Item }[] }).CancellationReasons ?? [];
        const [lockReason, putReason] = [reasons[0], reasons[1]];
        if (lockReason?.Code === 'ConditionalCheckFailed') {
          throw new CurvectlError(
            'LOCKED',
            `The ${this.lockScope} lock is no longer held by this process (its lease ran out, or another operator took it over), so the shared desired weights were not written.`,
            {
              hint: 'Another operator may be changing traffic now: run curvectl status before going on.',
              cause: lease.handle.lost ?? err,
              details: { lock: lease.handle.info },
            },
          );
        }
        if (putReason?.Code === 'ConditionalCheckFailed') {
          // Somebody wrote since we read: forget our version so that the next read starts afresh.
          this.version = undefined;
          const found = putReason.Item && Object.keys(putReason.Item).length > 0 ? parseStored(putReason.Item, this.description) : undefined;
          throw new CurvectlError(
            'INCONSISTENT',
            `The shared desired weights changed after this process read them (${expected === null ? 'there were none' : `version ${expected}`}; now ${
              found ? `version ${found.version}, written by ${found.updatedBy ?? 'unknown'} at ${found.updatedAt ?? 'an unknown time'}` : 'gone'
            }), so they were not overwritten.`,
            { hint: 'Run curvectl status to see the weights now, then run the command again.', cause: err, details: { expected, found: found ?? null } },
          );
        }
        const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= attempts) throw this.options.mapError(err, 'dynamodb:TransactWriteItems');
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  private get lockScope(): string {
    return this.options.lockKey.pk.replace(/^lock#/, '');
  }

  private async readItem(): Promise<Stored | undefined> {
    const { sdk, client } = await this.options.load();
    let out: DDB.GetItemCommandOutput;
    try {
      out = await client.send(new sdk.GetItemCommand({ TableName: this.options.table, Key: key(DESIRED_WEIGHTS_KEY), ConsistentRead: true }));
    } catch (err) {
      throw this.options.mapError(err, 'dynamodb:GetItem');
    }
    return out.Item ? parseStored(out.Item, this.description) : undefined;
  }
}

function key(k: { readonly pk: string; readonly sk: string }): Item {
  return marshall({ pk: k.pk, sk: k.sk });
}

/** The stored item, checked: a damaged one is an error, never silently read as no weights. */
function parseStored(item: Item, where: string): Stored {
  const damaged = (what: string, cause?: unknown) =>
    new CurvectlError('INCONSISTENT', `The shared desired weights in ${where} are damaged: ${what}.`, {
      hint: 'Restore the item from the table (point-in-time recovery), or put back {"cluster-name": weight, ...} as the live weights shown by curvectl status.',
      ...(cause === undefined ? {} : { cause }),
    });
  let fields: Record<string, unknown>;
  try {
    fields = unmarshall(item);
  } catch (err) {
    throw damaged('its attributes cannot be read', err);
  }
  const version = fields.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw damaged('its version is not a positive whole number');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof fields.weights === 'string' ? fields.weights : '');
  } catch (err) {
    throw damaged('its weights are not JSON', err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged('its weights are not an object of cluster name to weight');
  const weights: Record<string, number> = {};
  for (const [name, weight] of Object.entries(parsed)) {
    if (!isRecordWeight(weight)) {
      throw damaged(`the weight of "${name}" is not an integer from 0 to 255`);
    }
    weights[name] = weight;
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { weights, version, updatedAt: text(fields.updatedAt), updatedBy: text(fields.updatedBy) };
}
