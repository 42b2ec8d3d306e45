/**
 * The lease: a holder killed with `kill -9` cannot release its DynamoDB lock, and nobody may take
 * it over until the lease (8 s here) runs out; after that the next command takes it over, says so,
 * and `shift resume` finishes the shift the dead holder left. Clusters come from the cluster stub.
 */
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

const BUCKET = 'lease-tf-state';
const TABLE = 'curvectl-lease';
// Long enough for a refused command to start, ask and exit within it on a loaded machine.
const LEASE_MS = 20_000;
const started = Date.now();

let emulator: Emulator;
let ws: Workspace;
let ddb: DynamoDBClient;

async function lockItem(): Promise<Record<string, { S?: string; N?: string }> | undefined> {
  const out = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } }, ConsistentRead: true }));
  return out.Item;
}

async function history(): Promise<{ op: string; type: string }[]> {
  const result = await ws.run(['history', '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { events: { op: string; type: string }[] }).events;
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ddb = new DynamoDBClient({ endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  ws = await createWorkspace({
    emulator,
    config: [
      [['terraform', 'backend'], { type: 's3', bucket: BUCKET }],
      [['state'], { backend: 'dynamodb', table: TABLE, lease: `${LEASE_MS / 1000}s` }],
    ],
  });
  const bootstrap = await ws.run(['state', 'bootstrap']);
  expect(bootstrap.code, bootstrap.stderr).toBe(0);
  for (const name of ['cluster-a', 'cluster-b']) {
    const created = await ws.run(['cluster', 'create', name, '--yes']);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await ws?.cleanup();
  ddb?.destroy();
  await emulator?.stop();
  console.log(`[teams/lease-takeover.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('a holder killed with kill -9', () => {
  it('keeps the lock until its lease runs out; then it is taken over and shift resume finishes the shift', async () => {
    const holder = ws.spawn(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '120s', '--yes']);
    // Kill it in its first bake: step 1 (50/50) is verified and journalled, step 2 is not started.
    await waitFor(
      async () => {
        if (holder.exitCode !== null) throw new Error(`the shift ended early (${holder.exitCode}):\n${holder.output().stderr}`);
        return (await history()).some((e) => e.type === 'shift.step.done');
      },
      'the first step to be done',
      120_000,
      500,
    );
    // The holder renews its lease while it works: the lock item's expiresAt moves on (the signal
    // waited for, not a guessed sleep), and past the end of the lease first seen it still holds it.
    const first = await lockItem();
    const firstEnd = Date.parse(first?.expiresAt?.S ?? '');
    expect(first?.pid?.N).toBe(String(holder.pid));
    await waitFor(async () => Date.parse((await lockItem())?.expiresAt?.S ?? '') > firstEnd, 'a renewal of the lease', 3 * LEASE_MS, 250);
    // The lease's own end (a deadline of the feature, read from the item, not a wall-clock limit).
    await waitFor(async () => Date.now() > firstEnd, 'the end of the lease first seen', 3 * LEASE_MS, 250);
    const renewed = await lockItem();
    expect(renewed?.pid?.N).toBe(String(holder.pid));
    expect(Date.parse(renewed?.expiresAt?.S ?? '')).toBeGreaterThan(firstEnd);

    holder.kill('SIGKILL');
    await exited(holder);
    const dead = await lockItem();
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });

    // Right after the kill the lease is still running: refused, naming the dead holder, and nobody
    // renewed or took the lock. (A renewal comes every third of the 20 s lease, so at least ~13 s
    // of it remain at the kill: margin for one command on a loaded machine, not an assertion.)
    const early = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '5s', '--yes']);
    expect(early.code, early.stderr).toBe(4);
    expect(early.stderr).toMatch(
      new RegExp(`^curvectl: traffic is locked by \\S+ \\(pid ${holder.pid}\\) running "shift --to cluster-b" since \\S+; its lease expires in \\d+(ms|s)\\.$`, 'm'),
    );
    expect(await lockItem()).toEqual(dead);

    // Once the lease has run out (its expiresAt, as the item holds it), the next command takes the
    // lock over (and says so). A new shift then refuses because the dead holder's shift is unfinished...
    const deadEnd = Date.parse(dead?.expiresAt?.S ?? '');
    await waitFor(async () => Date.now() > deadEnd, 'the dead holder\'s lease to run out', 3 * LEASE_MS, 100);
    const status = await ws.run(['status', '-o', 'json']);
    expect(JSON.parse(status.stdout).lock).toMatchObject({ scope: 'traffic', pid: holder.pid, stale: true });
    const again = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '5s', '--yes']);
    expect(again.stderr).toMatch(new RegExp(`Took over the traffic lock from \\S+ \\(pid ${holder.pid}\\) running "shift --to cluster-b"`));
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/shift resume/);

    // ...and shift resume finishes it from the journal.
    const resumed = await ws.run(['shift', 'resume', '--bake', '5s', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(await lockItem()).toBeUndefined();
    const events = await history();
    expect(events.filter((e) => e.type === 'shift.planned')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('shift.completed');
  });

  it('unlock clears only an expired lease', async () => {
    // A lease that is still running, as another machine would hold it.
    // 45 s, so that the message reads "4Ns" however quickly the commands below run (60 s reads "1m").
    const expiresAt = new Date(Date.now() + 45_000).toISOString();
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    await ddb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: 'lock#traffic' },
          sk: { S: 'lock' },
          scope: { S: 'traffic' },
          owner: { S: 'alice' },
          host: { S: 'elsewhere' },
          pid: { N: '42' },
          operation: { S: 'shift --to cluster-a' },
          startedAt: { S: new Date().toISOString() },
          expiresAt: { S: expiresAt },
          token: { S: 'theirs' },
        },
      }),
    );
    try {
      const kept = await ws.run(['unlock']);
      expect(kept.code, kept.stderr).toBe(4);
      expect(await lockItem()).toBeDefined();
      const shift = await ws.run(['shift', '--to', 'cluster-a', '--step', '50', '--bake', '5s', '--yes']);
      expect(shift.code).toBe(4);
      expect(shift.stderr).toMatch(/^curvectl: traffic is locked by alice@elsewhere \(pid 42\) running "shift --to cluster-a" since \S+; its lease expires in \d+s\.$/m);
    } finally {
      await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } } }));
    }
  });
});
