/**
 * StateStore in one DynamoDB table, for a team: every operator's curvectl, from any machine and
 * any working directory, sees the same locks and the same journal.
 *
 * Table layout (partition key `pk` string, sort key `sk` string; `curvectl state bootstrap`
 * creates it, PAY_PER_REQUEST):
 *
 * | item        | pk              | sk                         | other attributes                                           |
 * |-------------|-----------------|----------------------------|------------------------------------------------------------|
 * | a lock      | `lock#<scope>`  | `lock`                     | scope, owner, host, pid (N), operation, startedAt,         |
 * |             |                 |                            | expiresAt, renewedAt (ISO 8601), token                     |
 * | an event    | `journal`       | `<at ISO 8601>#<seq><rand>`| at, op, type, actor?, data? (the event's data as JSON text) |
 * | the desired | `desired#traffic`| `weights`                 | weights (JSON text), version (N), updatedAt, updatedBy     |
 * | weights     |                 |                            | (dynamodb-desired-weights.ts)                              |
 *
 * Locks are leases. acquireLock is one conditional PutItem
 * (`attribute_not_exists(pk) OR expiresAt < :now`): it succeeds when nobody holds the scope or the
 * holder's lease has run out, so a crashed (or `kill -9`ed) holder blocks others for at most one
 * lease. The holder renews the lease every lease/3 with a conditional UpdateItem (owner and token
 * must still be ours) on an unref'd timer that release() stops. A failed renewal is retried on the
 * next tick; the lease counts as lost when the item is no longer ours (someone took it over after it
 * lapsed, or forced it away) or when it lapsed before a renewal got through. The holder finds out
 * at once through `onWarning` (the CLI prints it as a warning) and through the handle, which is a
 * LeasedLockHandle: `lost` holds the reason and `signal` is aborted with it, for code that wants to
 * stop, and `stillHeld()`, which the shift checks before each step (it holds instead of moving more
 * traffic). curvectl does not kill the operation itself: stopping halfway through a Terraform apply
 * is worse than finishing a step the journal records anyway.
 *
 * An expired lease IS taken over by the next acquireLock (that is what a lease is for), but never
 * silently: the taker gets an `onWarning` naming the previous holder. Lease expiry is judged by
 * the clock of the machine asking, so the lease must stay well above the clock skew between
 * operators' machines (NTP keeps it under a second; the default lease is 60 s).
 *
 * Journal: one item per event under the single partition `journal`, sorted by time, so every
 * machine reads `history` and `status` in the same order (Query, paginated, consistent reads).
 * The sort key's `<seq>` keeps the events this process wrote in the same millisecond in the order
 * it wrote them; `<rand>` keeps two machines from ever overwriting each other's events (the put is
 * conditional too).
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { CurvectlError } from '../../core/errors.js';
import { formatDuration } from '../../core/duration.js';
import { leaseLeftText, lockedByText } from '../../core/lock-holder.js';
import { sameLock } from '../../core/lock-scope.js';
import type { JournalEvent, LockHandle, LockIdentity, LockInfo, LockStatus, StateStore } from '../../core/ports.js';
import { sdkLoader, type SdkLoader } from '../aws/client-factory.js';
import { awsErrorName, mapAwsError } from '../aws/errors.js';
import { DynamoDbDesiredWeights, type HeldLease } from './dynamodb-desired-weights.js';
import { osUserName } from '../os-user.js';

export type DynamoDbLoader = SdkLoader<typeof DDB, DDB.DynamoDBClient>;

export const DEFAULT_LEASE_MS = 60_000;
/** The partition key of every journal event. */
export const JOURNAL_PK = 'journal';
/** The sort key of every lock item. */
export const LOCK_SK = 'lock';

export const lockKey = (scope: string): { pk: string; sk: string } => ({ pk: `lock#${scope}`, sk: LOCK_SK });

export interface DynamoDbStateStoreOptions {
  readonly table: string;
  /** state.region ?? config.region; default: the SDK's chain (AWS_REGION, the profile). */
  readonly region?: string;
  /** How long a lease lasts without renewal; default 60 s. Renewed every third of it. */
  readonly leaseMs?: number;
  /** Who holds locks taken here; default os.userInfo().username. */
  readonly owner?: string;
  /** Default os.hostname(). */
  readonly host?: string;
  /** Default process.pid. */
  readonly pid?: number;
  /** Default () => new Date(). */
  readonly now?: () => Date;
  /**
   * Told when a held lease is lost (code "lock.lease-lost"), when an expired lease is taken over
   * ("lock.taken-over") and when release finds the lock no longer ours ("lock.release-not-ours").
   * Default: nothing (the handle still reports a lost lease).
   */
  readonly onWarning?: (warning: { code: string; text: string }) => void;
  /** Default: @aws-sdk/client-dynamodb, imported on first use. Tests pass a mock. */
  readonly load?: DynamoDbLoader;
  /** Attempts per call including the first; default 5. */
  readonly maxAttempts?: number;
}

/** A lock held as a lease. `signal` aborts (with `lost` as the reason) when the lease is lost. */
export interface LeasedLockHandle extends LockHandle {
  /** When the lease runs out unless renewed (moves on every renewal). */
  readonly expiresAt: string;
  /** Why the lease was lost; undefined while it is held. */
  readonly lost: CurvectlError | undefined;
  readonly signal: AbortSignal;
  /** Not lost, not released, and the lease has not run out by this machine's clock. */
  stillHeld(): boolean;
}

/** The scope of the lock under which the shared desired weights are written (core's TRAFFIC_LOCK). */
export const TRAFFIC_SCOPE = 'traffic';

type Item = Record<string, DDB.AttributeValue>;

interface StoredLock extends LockStatus {
  readonly token: string | undefined;
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';

export class DynamoDbStateStore implements StateStore {
  readonly table: string;
  readonly leaseMs: number;
  private readonly region: string | undefined;
  private readonly owner: string;
  private readonly host: string;
  private readonly pid: number;
  private readonly now: () => Date;
  private readonly warn: (warning: { code: string; text: string }) => void;
  private readonly load: DynamoDbLoader;
  private seq = 0;
  /** The leases this process holds now, by scope (for writes that must happen under a lock). */
  private readonly leases = new Map<string, HeldLease>();

  constructor(options: DynamoDbStateStoreOptions) {
    this.table = options.table;
    this.region = options.region;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isFinite(this.leaseMs) || this.leaseMs < 1000) {
      throw new CurvectlError('BAD_CONFIG', `A lock lease of ${formatDuration(this.leaseMs)} is too short: use at least 1s (60s is advised).`);
    }
    this.owner = options.owner ?? osUserName();
    this.host = options.host ?? os.hostname();
    this.pid = options.pid ?? process.pid;
    this.now = options.now ?? (() => new Date());
    this.warn = options.onWarning ?? (() => undefined);
    this.load =
      options.load ??
      sdkLoader(() => import('@aws-sdk/client-dynamodb'), (sdk, c) => new sdk.DynamoDBClient(c), {
        ...(options.region ? { region: options.region } : {}),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
  }

  // ---------------------------------------------------------------------------------------------
  // locks

  async acquireLock(scope: string, operation: string): Promise<LeasedLockHandle> {
    const { sdk, client } = await this.load();
    const now = this.now();
    const token = randomBytes(8).toString('hex');
    const info: LockInfo = {
      scope,
      owner: this.owner,
      host: this.host,
      pid: this.pid,
      operation,
      startedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.leaseMs).toISOString(),
    };
    let previous: Item | undefined;
    try {
      const out = await client.send(
        new sdk.PutItemCommand({
          TableName: this.table,
          Item: { ...lockItem(info, token), ...marshall({ renewedAt: info.startedAt }) },
          ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :now',
          ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: marshall({ ':now': info.startedAt }),
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      previous = out.Attributes;
    } catch (err) {
      if (awsErrorName(err) !== CONDITION_FAILED) throw this.mapError(err, 'dynamodb:PutItem');
      const holderItem = (err as { Item?: Item }).Item;
      const holder = holderItem ? parseLock(holderItem, scope) : await this.readLockItem(scope);
      throw lockedError(scope, holder ? withStale(holder, this.now()) : null, this.now());
    }
    if (previous && Object.keys(previous).length > 0) {
      const old = parseLock(previous, scope);
      this.warn({
        code: 'lock.taken-over',
        text: `Took over the ${scope} lock from ${old.owner}@${old.host} (pid ${old.pid}) running "${old.operation}" since ${old.startedAt}: its lease expired at ${old.expiresAt ?? 'unknown'}. Run curvectl status to see whether it left an operation unfinished.`,
      });
    }
    return this.hold(info, token);
  }

  /**
   * The team's desired weights, in this table, written only while this process holds the
   * `scope` lease (see dynamodb-desired-weights.ts).
   */
  desiredWeights(scope: string = TRAFFIC_SCOPE): DynamoDbDesiredWeights {
    return new DynamoDbDesiredWeights({
      table: this.table,
      load: this.load,
      now: this.now,
      writer: `${this.owner}@${this.host} (pid ${this.pid})`,
      lockKey: lockKey(scope),
      lease: () => this.leases.get(scope),
      mapError: (err, action) => this.mapError(err, action),
    });
  }

  /** The handle of a lease we hold, with its renewal timer. */
  private hold(info: LockInfo, token: string): LeasedLockHandle {
    const controller = new AbortController();
    let expiresAt = info.expiresAt ?? info.startedAt;
    let lost: CurvectlError | undefined;
    let released = false;
    let inFlight: Promise<void> | undefined;

    const loseLease = (reason: string, cause?: unknown) => {
      if (lost || released) return;
      lost = new CurvectlError('LOCKED', `Lost the ${info.scope} lock held for "${info.operation}": ${reason}.`, {
        hint: 'Another operator may be changing the same thing now: run curvectl status before going on.',
        ...(cause === undefined ? {} : { cause }),
        details: { lock: info },
      });
      clearInterval(timer);
      this.warn({ code: 'lock.lease-lost', text: lost.message });
      controller.abort(lost);
    };

    const renew = async () => {
      const { sdk, client } = await this.load();
      const now = this.now();
      const next = new Date(now.getTime() + this.leaseMs).toISOString();
      try {
        await client.send(
          new sdk.UpdateItemCommand({
            TableName: this.table,
            Key: keyItem(info.scope),
            UpdateExpression: 'SET #expiresAt = :expiresAt, #renewedAt = :now',
            ConditionExpression: '#owner = :owner AND #token = :token',
            ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#renewedAt': 'renewedAt', '#owner': 'owner', '#token': 'token' },
            ExpressionAttributeValues: marshall({ ':expiresAt': next, ':now': now.toISOString(), ':owner': info.owner, ':token': token }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        if (!released) expiresAt = next;
      } catch (err) {
        if (released) return;
        if (awsErrorName(err) === CONDITION_FAILED) {
          const item = (err as { Item?: Item }).Item;
          const other = item && Object.keys(item).length > 0 ? parseLock(item, info.scope) : undefined;
          loseLease(
            other
              ? `its lease ran out and ${other.owner}@${other.host} (pid ${other.pid}) took it over for "${other.operation}"`
              : 'it was removed (curvectl unlock --force?)',
            err,
          );
          return;
        }
        // A transient failure: the next tick tries again, unless the lease has already run out.
        if (this.now().getTime() >= Date.parse(expiresAt)) {
          loseLease(`its lease ran out at ${expiresAt} before it could be renewed (${errorText(this.mapError(err, 'dynamodb:UpdateItem'))})`, err);
        }
      }
    };

    const timer = setInterval(() => {
      if (inFlight || released || lost) return;
      inFlight = renew().finally(() => {
        inFlight = undefined;
      });
    }, Math.max(250, Math.floor(this.leaseMs / 3)));
    // The lease must never keep the process alive on its own.
    timer.unref();

    const now = this.now;
    const handle: LeasedLockHandle = {
      info,
      get expiresAt() {
        return expiresAt;
      },
      get lost() {
        return lost;
      },
      signal: controller.signal,
      stillHeld: () => !released && lost === undefined && now().getTime() < Date.parse(expiresAt),
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        if (this.leases.get(info.scope)?.token === token) this.leases.delete(info.scope);
        await inFlight?.catch(() => undefined);
        const { sdk, client } = await this.load();
        try {
          await client.send(
            new sdk.DeleteItemCommand({
              TableName: this.table,
              Key: keyItem(info.scope),
              ConditionExpression: '#token = :token',
              ExpressionAttributeNames: { '#token': 'token' },
              ExpressionAttributeValues: marshall({ ':token': token }),
            }),
          );
        } catch (err) {
          if (awsErrorName(err) !== CONDITION_FAILED) throw this.mapError(err, 'dynamodb:DeleteItem');
          // Not ours any more: somebody took it over after our lease ran out. Never delete theirs.
          if (!lost) {
            this.warn({
              code: 'lock.release-not-ours',
              text: `The ${info.scope} lock was no longer held by this process when it finished "${info.operation}" (its lease had run out and it was taken over or cleared); it was left alone.`,
            });
          }
        }
      },
    };
    this.leases.set(info.scope, { token, handle });
    return handle;
  }

  async readLock(scope: string): Promise<LockStatus | null> {
    const stored = await this.readLockItem(scope);
    if (!stored) return null;
    const { token: _token, ...status } = withStale(stored, this.now());
    return status;
  }

  async clearLock(scope: string, options: { force?: boolean; expected?: LockIdentity } = {}): Promise<LockStatus | null> {
    const found = await this.readLockItem(scope);
    if (!found) return null;
    const now = this.now();
    const stored = withStale(found, now);
    // Only the lock the caller read (then the delete below is conditioned on this item's token).
    if (options.expected && !sameLock(stored, options.expected)) return null;
    if (!stored.stale && !options.force) {
      throw new CurvectlError(
        'LOCKED',
        `${lockedByText(scope, stored)}. Its lease is still being renewed (it expires in ${leaseLeftText(stored, now)}), so the lock is not stale.`,
        {
          hint: `Wait for it to finish. If that process is gone, its lease runs out by ${stored.expiresAt ?? 'its expiry'} and the next command takes over; clear it now only with --force.`,
          details: { lock: withoutToken(stored) },
        },
      );
    }
    const { sdk, client } = await this.load();
    // Delete exactly what was read: if the holder renewed (or someone else took the lock) in the
    // meantime, the condition fails and nothing is removed.
    const conditions = [stored.token === undefined ? 'attribute_not_exists(#token)' : '#token = :token'];
    const values: Record<string, string> = stored.token === undefined ? {} : { ':token': stored.token };
    if (!options.force) {
      conditions.push('#expiresAt < :now');
      values[':now'] = now.toISOString();
    }
    try {
      await client.send(
        new sdk.DeleteItemCommand({
          TableName: this.table,
          Key: keyItem(scope),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#token': 'token', ...(options.force ? {} : { '#expiresAt': 'expiresAt' }) },
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: marshall(values) } : {}),
        }),
      );
    } catch (err) {
      if (awsErrorName(err) !== CONDITION_FAILED) throw this.mapError(err, 'dynamodb:DeleteItem');
      const current = await this.readLock(scope);
      throw new CurvectlError(
        'LOCKED',
        current ? `${lockedByText(scope, current)}. It changed while it was being cleared, so it was kept.` : `${scope} was unlocked a moment ago.`,
        { hint: 'Run the command again.', ...(current ? { details: { lock: current } } : {}) },
      );
    }
    return withoutToken(stored);
  }

  private async readLockItem(scope: string): Promise<StoredLock | undefined> {
    const { sdk, client } = await this.load();
    let out: DDB.GetItemCommandOutput;
    try {
      out = await client.send(new sdk.GetItemCommand({ TableName: this.table, Key: keyItem(scope), ConsistentRead: true }));
    } catch (err) {
      throw this.mapError(err, 'dynamodb:GetItem');
    }
    if (!out.Item) return undefined;
    return { ...parseLock(out.Item, scope), stale: false };
  }

  // ---------------------------------------------------------------------------------------------
  // journal

  async append(event: Omit<JournalEvent, 'at'> & { at?: string }): Promise<JournalEvent> {
    const full: JournalEvent = { ...event, at: event.at ?? this.now().toISOString() };
    const { sdk, client } = await this.load();
    this.seq += 1;
    const sk = `${full.at}#${this.seq.toString(36).padStart(6, '0')}${randomBytes(6).toString('hex')}`;
    // `data` is stored as JSON text, so an event's data never depends on DynamoDB's type rules.
    const item = marshall(
      { pk: JOURNAL_PK, sk, at: full.at, op: full.op, type: full.type, actor: full.actor, data: full.data === undefined ? undefined : JSON.stringify(full.data) },
      { removeUndefinedValues: true },
    );
    try {
      await client.send(
        new sdk.PutItemCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (err) {
      throw this.mapError(err, 'dynamodb:PutItem');
    }
    return full;
  }

  async readJournal(filter: { op?: string; typePrefix?: string } = {}): Promise<JournalEvent[]> {
    const { sdk, client } = await this.load();
    const names: Record<string, string> = { '#pk': 'pk' };
    const values: Record<string, string> = { ':pk': JOURNAL_PK };
    const filters: string[] = [];
    if (filter.op !== undefined) {
      names['#op'] = 'op';
      values[':op'] = filter.op;
      filters.push('#op = :op');
    }
    if (filter.typePrefix !== undefined && filter.typePrefix !== '') {
      names['#type'] = 'type';
      values[':typePrefix'] = filter.typePrefix;
      filters.push('begins_with(#type, :typePrefix)');
    }
    const events: JournalEvent[] = [];
    // A loop of our own rather than the SDK's paginateQuery: the paginator reuses one input object
    // for every page (it writes ExclusiveStartKey into it), so what each request carried cannot be
    // checked afterwards, and the unit tests check exactly that the first page starts at the top.
    let startKey: Item | undefined;
    do {
      let out: DDB.QueryCommandOutput;
      try {
        out = await client.send(
          new sdk.QueryCommand({
            TableName: this.table,
            KeyConditionExpression: '#pk = :pk',
            ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: marshall(values),
            ConsistentRead: true,
            ScanIndexForward: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (err) {
        throw this.mapError(err, 'dynamodb:Query');
      }
      for (const item of out.Items ?? []) {
        const event = parseEvent(item);
        // The filter runs on the server; checking again costs nothing and guards a partial one.
        if (!event) continue;
        if (filter.op !== undefined && event.op !== filter.op) continue;
        if (filter.typePrefix !== undefined && !event.type.startsWith(filter.typePrefix)) continue;
        events.push(event);
      }
      startKey = out.LastEvaluatedKey && Object.keys(out.LastEvaluatedKey).length > 0 ? out.LastEvaluatedKey : undefined;
    } while (startKey);
    return events;
  }

  // ---------------------------------------------------------------------------------------------

  private mapError(err: unknown, action: string): unknown {
    if (awsErrorName(err) === 'ResourceNotFoundException') {
      return new CurvectlError(
        'ENVIRONMENT',
        `The DynamoDB table ${this.table}${this.region ? ` (${this.region})` : ''} that holds curvectl's lock and journal does not exist.`,
        { hint: 'Create it with curvectl state bootstrap, or fix state.table (and state.region) in curvectl.yaml.', cause: err, details: { action, table: this.table } },
      );
    }
    return mapAwsError(err, action);
  }
}

// -----------------------------------------------------------------------------------------------
// items

function keyItem(scope: string): Item {
  const { pk, sk } = lockKey(scope);
  return marshall({ pk, sk });
}

function lockItem(info: LockInfo, token: string): Item {
  return {
    ...keyItem(info.scope),
    ...marshall({
      scope: info.scope,
      owner: info.owner,
      host: info.host,
      pid: info.pid,
      operation: info.operation,
      startedAt: info.startedAt,
      expiresAt: info.expiresAt ?? info.startedAt,
      token,
    }),
  };
}

/** An item's attributes as plain values (@aws-sdk/util-dynamodb); {} for one that cannot be read, so parsing never throws. */
function fieldsOf(item: Item): { text(name: string): string | undefined; value(name: string): unknown } {
  let fields: Record<string, unknown>;
  try {
    fields = unmarshall(item);
  } catch {
    fields = {};
  }
  return { text: (name) => (typeof fields[name] === 'string' ? fields[name] : undefined), value: (name) => fields[name] };
}

/** A lock item as LockInfo; fields a damaged item lacks read "unknown" (never throws). */
function parseLock(item: Item, scope: string): Omit<StoredLock, 'stale'> {
  const f = fieldsOf(item);
  const pid = Number(f.value('pid'));
  const expiresAt = f.text('expiresAt');
  return {
    scope: f.text('scope') ?? scope,
    owner: f.text('owner') ?? 'unknown',
    host: f.text('host') ?? 'unknown',
    pid: Number.isFinite(pid) ? pid : 0,
    operation: f.text('operation') ?? 'unknown',
    startedAt: f.text('startedAt') ?? 'unknown',
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    token: f.text('token'),
  };
}

/** Stale = the lease has run out (or cannot be read, so it can never run out by itself). */
function withStale(lock: Omit<StoredLock, 'stale'>, now: Date): StoredLock {
  const expires = lock.expiresAt === undefined ? Number.NaN : Date.parse(lock.expiresAt);
  return { ...lock, stale: Number.isNaN(expires) || expires <= now.getTime() };
}

function withoutToken(lock: StoredLock): LockStatus {
  const { token: _token, ...status } = lock;
  return status;
}

function parseEvent(item: Item): JournalEvent | undefined {
  const f = fieldsOf(item);
  const at = f.text('at');
  const op = f.text('op');
  const type = f.text('type');
  if (at === undefined || op === undefined || type === undefined) return undefined;
  const actor = f.text('actor');
  let data: Record<string, unknown> | undefined;
  const text = f.text('data');
  if (text !== undefined) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    } catch {
      // unreadable data: keep the event, drop the detail
    }
  }
  return { at, op, type, ...(actor !== undefined ? { actor } : {}), ...(data !== undefined ? { data } : {}) };
}

// -----------------------------------------------------------------------------------------------
// messages (same wording as the local store where they mean the same)

function lockedError(scope: string, holder: StoredLock | null, now: Date): CurvectlError {
  if (!holder) {
    // Released between our put and our read: say so rather than guess.
    return new CurvectlError('LOCKED', `${scope} was locked a moment ago.`, { hint: 'Run the command again.' });
  }
  const lock = withoutToken(holder);
  const since = lockedByText(scope, holder);
  if (holder.stale) {
    // Its lease ran out between the holder's last renewal and our put (or our clock is behind theirs).
    return new CurvectlError('LOCKED', `${since}; its lease has just expired.`, {
      hint: 'Run the command again to take the lock over; run curvectl status first to see whether that operation left anything unfinished.',
      details: { lock },
    });
  }
  return new CurvectlError('LOCKED', `${since}; its lease expires in ${leaseLeftText(holder, now)}.`, {
    hint: `Wait for it to finish. If that process is gone, its lease runs out by ${holder.expiresAt ?? 'its expiry'} and the next command takes the lock over.`,
    details: { lock },
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
