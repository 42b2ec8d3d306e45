/**
 * A team: two working directories (two operators' checkouts) with the same curvectl.yaml backends,
 * Terraform state in one S3 bucket and curvectl's lock and journal in one DynamoDB table, all in
 * one emulator. Clusters come from the cluster stub.
 *
 * - `state bootstrap` creates the bucket and the table, and says so when they exist;
 * - `init --backend s3` scaffolds a configuration that uses them;
 * - two shifts from the two directories: exactly one proceeds, the other exits 4 naming it;
 * - the journal written from one directory is the history read in the other;
 * - the desired weights are shared too: a fresh directory sees A's weights (no false drift), shifts
 *   from them, and A then sees B's;
 * - Terraform's own S3 state lock refuses a concurrent apply of the traffic stack.
 */
import { access, cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketVersioningCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerraformStacks } from '../../../src/adapters/terraform/stacks.js';
import { Terraform } from '../../../src/adapters/terraform/runner.js';
import { createWorkspace, exited, runCli, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { tf, tfOk } from '../../_helpers/terraform-env.js';

const BUCKET = 'team-tf-state';
const TABLE = 'curvectl-team';
const started = Date.now();

let emulator: Emulator;
let a: Workspace;
let b: Workspace;
let ddb: DynamoDBClient;
let bootstrap: { first: Awaited<ReturnType<Workspace['run']>>; again: Awaited<ReturnType<Workspace['run']>> };

const teamConfig = [
  [['terraform', 'backend'], { type: 's3', bucket: BUCKET }],
  [['state'], { backend: 'dynamodb', table: TABLE, lease: '15s' }],
] as const;

async function history(ws: Workspace): Promise<{ at: string; op: string; type: string }[]> {
  const result = await ws.run(['history', '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { events: { at: string; op: string; type: string }[] }).events;
}

interface StatusJson {
  clusters: { name: string; weight: { desired: number | null; live: number | null } }[];
  drift: unknown[];
}

async function statusOf(ws: Workspace): Promise<StatusJson> {
  const result = await ws.run(['status', '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusJson;
}

const weightsOfStatus = (status: StatusJson, side: 'desired' | 'live') => Object.fromEntries(status.clusters.map((c) => [c.name, c.weight[side]]));

/** This working directory's copy of the desired weights (undefined: none). */
async function varFile(ws: Workspace): Promise<Record<string, number> | undefined> {
  const file = path.join(ws.stacks.traffic, 'cluster_weighting.auto.tfvars.json');
  if (!(await access(file).then(() => true, () => false))) return undefined;
  return (JSON.parse(await readFile(file, 'utf8')) as { cluster_weighting: Record<string, number> }).cluster_weighting;
}

async function desiredItem(): Promise<{ weights: Record<string, number>; version: number } | undefined> {
  const out = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'desired#traffic' }, sk: { S: 'weights' } }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  return { weights: JSON.parse(out.Item.weights?.S ?? '') as Record<string, number>, version: Number(out.Item.version?.N) };
}

async function trafficLockItem(): Promise<Record<string, { S?: string; N?: string }> | undefined> {
  const out = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'lock#traffic' }, sk: { S: 'lock' } }, ConsistentRead: true }));
  return out.Item;
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ddb = new DynamoDBClient({ endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  [a, b] = await Promise.all([
    createWorkspace({ emulator, config: teamConfig.map(([k, v]) => [k, v] as [readonly string[], unknown]) }),
    createWorkspace({ emulator, config: teamConfig.map(([k, v]) => [k, v] as [readonly string[], unknown]) }),
  ]);
  bootstrap = { first: await a.run(['state', 'bootstrap']), again: await b.run(['state', 'bootstrap']) };
  expect(bootstrap.first.code, bootstrap.first.stderr).toBe(0);
  // Both clusters are created from A; B sees them through the shared Terraform state.
  for (const name of ['cluster-a', 'cluster-b']) {
    const created = await a.run(['cluster', 'create', name, '--yes']);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  ddb?.destroy();
  await emulator?.stop();
  console.log(`[teams/shared-state.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('state bootstrap', () => {
  it('creates the bucket (versioned, private, encrypted) and the table, then says they exist', async () => {
    expect(bootstrap.first.stdout).toContain(`S3 bucket ${BUCKET} (eu-west-1, Terraform state) created: versioning on, public access blocked, default encryption SSE-S3.`);
    expect(bootstrap.first.stdout).toMatch(new RegExp(`DynamoDB table ${TABLE} \\(eu-west-1, curvectl's lock and journal\\) created: on-demand, deletion protection on, point-in-time recovery (on|off)\\.`));
    expect(bootstrap.again.code, bootstrap.again.stderr).toBe(0);
    expect(bootstrap.again.stdout).toContain(`S3 bucket ${BUCKET} (eu-west-1, Terraform state) exists: versioning on, public access blocked, default encryption SSE-S3. Nothing to do.`);
    expect(bootstrap.again.stdout).toMatch(new RegExp(`DynamoDB table ${TABLE} .* exists: .*Nothing to do\\.`));

    const s3 = new S3Client({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
      expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }))).PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
    } finally {
      s3.destroy();
    }
  });

  it('--dry-run reads what exists and names the AWS CLI commands it would run', async () => {
    await a.configure([[['terraform', 'backend', 'dynamodbTable'], 'team-tf-locks']]);
    try {
      const result = await a.run(['state', 'bootstrap', '--dry-run', '-o', 'json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { dryRun: boolean; resources: { name: string; existed: boolean; actions: { command: string; outcome: string }[] }[] };
      expect(report.dryRun).toBe(true);
      expect(report.resources.map((r) => [r.name, r.existed, r.actions.length])).toEqual([
        [BUCKET, true, 0],
        [TABLE, true, 0],
        ['team-tf-locks', false, 2],
      ]);
      expect(report.resources[2]?.actions.map((x) => x.outcome)).toEqual(['planned', 'planned']);
      expect(report.resources[2]?.actions[0]?.command).toBe(
        'aws dynamodb create-table --table-name team-tf-locks --region eu-west-1 --attribute-definitions AttributeName=LockID,AttributeType=S --key-schema AttributeName=LockID,KeyType=HASH --billing-mode PAY_PER_REQUEST --deletion-protection-enabled',
      );
    } finally {
      await a.configure([[['terraform', 'backend'], { type: 's3', bucket: BUCKET }]]);
    }
  });

  it('init --backend s3 scaffolds a configuration that uses the bucket and the table', async () => {
    const dir = path.join(a.dir, 'fresh-team');
    const result = await runCli(
      ['init', dir, '--zone', 'example.test', '--record', 'api.example.test', '--backend', 's3', '--bucket', BUCKET, '--table', TABLE],
      { cwd: a.dir, env: a.env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('curvectl state bootstrap');
    const config = parse(await readFile(path.join(dir, 'curvectl.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(config.terraform?.backend).toEqual({ type: 's3', bucket: BUCKET, keyPrefix: 'curvectl', useLockfile: true });
    expect(config.state).toEqual({ backend: 'dynamodb', table: TABLE, lease: '60s' });
    const dry = await runCli(['state', 'bootstrap', '--dry-run'], { cwd: dir, env: a.env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Nothing to do.');
    const bad = await runCli(['init', path.join(a.dir, 'x'), '--zone', 'example.test', '--record', 'api.example.test', '--backend', 's3', '--bucket', BUCKET], {
      cwd: a.dir,
      env: a.env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--backend s3 needs --bucket \(Terraform state\) and --table/);
  });
});

describe('two operators, one lock', () => {
  it('B sees the clusters A created, through the shared Terraform state', async () => {
    const result = await b.run(['cluster', 'list', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { clusters: { name: string }[] }).clusters.map((c) => c.name)).toEqual(['cluster-a', 'cluster-b']);
  });

  it('a shift in B while A shifts exits 4 naming A; A finishes', async () => {
    const shiftA = a.spawn(['shift', '--to', 'cluster-b', '--step', '50', '--until', '50', '--bake', '8s', '--yes']);
    const item = await waitFor(async () => (await trafficLockItem()) ?? (shiftA.exitCode !== null ? { failed: {} } : undefined), 'A to take the traffic lock', 60_000, 100);
    expect(item, shiftA.output().stderr).not.toHaveProperty('failed');
    expect(item.pid?.N).toBe(String(shiftA.pid));

    const shiftB = await b.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '5s', '--yes']);
    expect(shiftB.code, shiftB.stderr).toBe(4);
    const line = shiftB.stderr.split('\n')[0] ?? '';
    expect(line).toMatch(
      new RegExp(`^curvectl: traffic is locked by \\S+@\\S+ \\(pid ${shiftA.pid}\\) running "shift --to cluster-b" since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; its lease expires in \\d+s\\.$`),
    );

    expect(await exited(shiftA), shiftA.output().stderr).toBe(0);
    expect(await a.liveWeights()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    expect(await trafficLockItem()).toBeUndefined();
    // Exactly one shift happened, and it was A's.
    const events = await history(a);
    expect(events.filter((e) => e.type === 'shift.planned')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'shift.completed')).toHaveLength(1);
  });

  it('the journal written from A is the history B reads, in the same order', async () => {
    const [fromA, fromB] = await Promise.all([history(a), history(b)]);
    expect(fromB).toEqual(fromA);
    const types = fromB.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['shift.planned', 'shift.step.done', 'shift.completed']));
    expect(types.indexOf('shift.planned')).toBeLessThan(types.indexOf('shift.completed'));
    expect([...fromB.map((e) => e.at)]).toEqual([...fromB.map((e) => e.at)].sort());
    // B's status shows the same (finished) state from its own directory: no lock, no operation.
    const status = await b.run(['status', '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ lock: null, operation: null });
  });
});

describe('shared desired weights', () => {
  it('B, whose directory never held the weights, sees A\'s (no drift), shifts from them, and A then sees B\'s', async () => {
    // A's creates and shift wrote the shared item; B's directory has no copy at all.
    const before = await desiredItem();
    expect(before?.weights).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    expect(await varFile(b)).toBeUndefined();
    const seenByB = await statusOf(b);
    expect(seenByB.drift).toEqual([]);
    expect(weightsOfStatus(seenByB, 'desired')).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });

    const shift = await b.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '5s', '--yes']);
    expect(shift.code, shift.stderr).toBe(0);
    expect(await b.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    // B's copy was written from the shared weights; the item moved on by one write.
    expect(await varFile(b)).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(await desiredItem()).toEqual({ weights: { 'cluster-a': 0, 'cluster-b': 100 }, version: (before?.version ?? 0) + 1 });

    // A's own copy is stale until its next traffic run, yet its status shows the team's weights.
    expect(await varFile(a)).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
    const seenByA = await statusOf(a);
    expect(seenByA.drift).toEqual([]);
    expect(weightsOfStatus(seenByA, 'desired')).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    expect(weightsOfStatus(seenByA, 'live')).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });

    // And A shifts back from there: its traffic runs apply the team's weights, not its stale copy.
    const back = await a.run(['shift', '--to', 'cluster-a', '--step', '100', '--bake', '5s', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(await a.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(await varFile(a)).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect((await statusOf(b)).drift).toEqual([]);
  });
});

describe("Terraform's own state lock on S3", () => {
  it('refuses a concurrent apply of the traffic stack from the other working directory', async () => {
    // B's traffic stack gets the backend exactly as curvectl configures it.
    const stacksB = new TerraformStacks({
      terraform: new Terraform(),
      stacksDir: path.dirname(b.stacks.traffic),
      dns: { zone: b.zone, record: b.record, ttl: 5 },
      backend: { type: 's3', bucket: BUCKET, keyPrefix: 'curvectl', useLockfile: true },
      clusterDefaults: { kubernetesVersion: '1.35', variables: {} },
      platformVariables: {},
    });
    const { overrideFile, backendConfig } = stacksB.backendFiles('traffic');
    await writeFile(path.join(b.stacks.traffic, 'curvectl_override.tf'), overrideFile ?? '');
    await tfOk(['init', '-input=false', '-no-color', ...Object.entries(backendConfig ?? {}).map(([k, v]) => `-backend-config=${k}=${v}`)], {
      cwd: b.stacks.traffic,
      env: b.env,
    });
    await cp(path.join(a.stacks.traffic, 'curvectl.auto.tfvars.json'), path.join(b.stacks.traffic, 'curvectl.auto.tfvars.json'));
    const weights = (w: Record<string, number>) => `${JSON.stringify({ cluster_weighting: w })}\n`;
    await writeFile(path.join(a.stacks.traffic, 'cluster_weighting.auto.tfvars.json'), weights({ 'cluster-a': 60, 'cluster-b': 40 }));
    await writeFile(path.join(b.stacks.traffic, 'cluster_weighting.auto.tfvars.json'), weights({ 'cluster-a': 40, 'cluster-b': 60 }));

    // Both at once, no patience: the Route 53 change holds the winner's lock for ~15 s.
    const args = ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=0s'];
    const [ra, rb] = await Promise.all([tf(args, { cwd: a.stacks.traffic, env: a.env }), tf(args, { cwd: b.stacks.traffic, env: b.env })]);
    const results = [ra, rb];
    const winners = results.filter((r) => r.exitCode === 0);
    const losers = results.filter((r) => r.exitCode !== 0);
    expect(winners, results.map((r) => r.stderr).join('\n---\n')).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]?.stderr).toMatch(/Error acquiring the state lock/);
    expect(losers[0]?.stderr).toMatch(/curvectl\/traffic\.tfstate/);
    // The winner's weights are live; the loser changed nothing.
    const live = await a.liveWeights();
    expect([{ 'cluster-a': 60, 'cluster-b': 40 }, { 'cluster-a': 40, 'cluster-b': 60 }]).toContainEqual(live);
    expect(ra.exitCode === 0 ? live['cluster-a'] : live['cluster-b']).toBe(60);
  });
});
