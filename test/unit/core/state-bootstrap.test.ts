import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import {
  awsCliArgv,
  bootstrapState,
  TABLE_KEYS,
  type BucketFacts,
  type StateBootstrapPort,
  type TableFacts,
  type TableKeys,
} from '../../../src/core/state-bootstrap.js';

/** An account in memory: what exists, and every call made. */
function fakeAccount(initial: { buckets?: Record<string, BucketFacts>; tables?: Record<string, TableFacts>; pitr?: 'ok' | Error } = {}) {
  const buckets = new Map(Object.entries(initial.buckets ?? {}));
  const tables = new Map(Object.entries(initial.tables ?? {}));
  const calls: string[] = [];
  const port: StateBootstrapPort = {
    resolveRegion: async (region) => region ?? 'eu-west-1',
    inspectBucket: async (name, region) => {
      calls.push(`inspectBucket ${name} ${region}`);
      return buckets.get(name) ?? { exists: false };
    },
    createBucket: async (name, region) => {
      calls.push(`createBucket ${name} ${region}`);
      buckets.set(name, { exists: true, versioning: false, publicAccessBlocked: false });
    },
    enableBucketVersioning: async (name) => {
      calls.push(`enableBucketVersioning ${name}`);
      buckets.set(name, { ...buckets.get(name)!, versioning: true });
    },
    blockBucketPublicAccess: async (name) => {
      calls.push(`blockBucketPublicAccess ${name}`);
      buckets.set(name, { ...buckets.get(name)!, publicAccessBlocked: true });
    },
    enableBucketEncryption: async (name) => {
      calls.push(`enableBucketEncryption ${name}`);
      buckets.set(name, { ...buckets.get(name)!, encryption: 'AES256' });
    },
    inspectTable: async (name, region) => {
      calls.push(`inspectTable ${name} ${region}`);
      return tables.get(name) ?? { exists: false };
    },
    createTable: async (name, region, keys: TableKeys) => {
      calls.push(`createTable ${name} ${region} ${keys.hash.name}${keys.range ? `+${keys.range.name}` : ''}`);
      tables.set(name, { exists: true, status: 'ACTIVE', keys, billingMode: 'PAY_PER_REQUEST', deletionProtection: true, pointInTimeRecovery: false });
    },
    enablePointInTimeRecovery: async (name) => {
      calls.push(`enablePointInTimeRecovery ${name}`);
      if (initial.pitr instanceof Error) throw initial.pitr;
      tables.set(name, { ...tables.get(name)!, pointInTimeRecovery: true });
    },
  };
  return { port, calls, buckets, tables };
}

const targets = {
  bucket: { name: 'team-state', region: 'eu-west-1' },
  tables: [{ name: 'curvectl', region: 'eu-west-1', purpose: 'state' as const }],
};

describe('bootstrapState', () => {
  it('creates the bucket and the table with every safe setting, in order', async () => {
    const account = fakeAccount();
    const progress: string[] = [];
    const report = await bootstrapState(account.port, targets, { dryRun: false, onAction: (t) => progress.push(t) });
    expect(account.calls).toEqual([
      'inspectBucket team-state eu-west-1',
      'createBucket team-state eu-west-1',
      'enableBucketVersioning team-state',
      'blockBucketPublicAccess team-state',
      'enableBucketEncryption team-state',
      'inspectTable curvectl eu-west-1',
      'createTable curvectl eu-west-1 pk+sk',
      'enablePointInTimeRecovery curvectl',
    ]);
    expect(progress[0]).toBe('Create S3 bucket team-state in eu-west-1 (ACLs disabled)...');
    expect(report.resources.map((r) => [r.type, r.name, r.existed, r.settings])).toEqual([
      ['s3-bucket', 'team-state', false, ['versioning on', 'public access blocked', 'default encryption SSE-S3']],
      ['dynamodb-table', 'curvectl', false, ['on-demand', 'deletion protection on', 'point-in-time recovery on']],
    ]);
    expect(report.resources.flatMap((r) => r.actions.map((a) => a.outcome))).toEqual(Array(6).fill('done'));
    expect(report.warnings).toEqual([]);
  });

  it('is idempotent: a second run finds everything and changes nothing', async () => {
    const account = fakeAccount();
    await bootstrapState(account.port, targets, { dryRun: false });
    account.calls.length = 0;
    const report = await bootstrapState(account.port, targets, { dryRun: false });
    expect(account.calls).toEqual(['inspectBucket team-state eu-west-1', 'inspectTable curvectl eu-west-1']);
    expect(report.resources.every((r) => r.existed && r.actions.length === 0)).toBe(true);
  });

  it('switches on only the safe settings an existing bucket lacks, and keeps its own encryption', async () => {
    const account = fakeAccount({ buckets: { 'team-state': { exists: true, versioning: false, publicAccessBlocked: true, encryption: 'aws:kms' } } });
    const report = await bootstrapState(account.port, { bucket: targets.bucket, tables: [] }, { dryRun: false });
    expect(account.calls).toEqual(['inspectBucket team-state eu-west-1', 'enableBucketVersioning team-state']);
    expect(report.resources[0]?.settings).toEqual(['versioning on', 'public access blocked', 'default encryption SSE-KMS']);
  });

  it('--dry-run inspects only, and lists the actions with their AWS CLI commands', async () => {
    const account = fakeAccount({ tables: { curvectl: { exists: true, keys: TABLE_KEYS.state, billingMode: 'PAY_PER_REQUEST', deletionProtection: true, pointInTimeRecovery: true } } });
    const report = await bootstrapState(account.port, targets, { dryRun: true });
    expect(account.calls).toEqual(['inspectBucket team-state eu-west-1', 'inspectTable curvectl eu-west-1']);
    expect(report.dryRun).toBe(true);
    const bucket = report.resources[0]!;
    expect(bucket.actions.map((a) => [a.outcome, a.command.join(' ')])).toEqual([
      ['planned', 'aws s3api create-bucket --bucket team-state --region eu-west-1 --create-bucket-configuration LocationConstraint=eu-west-1 --object-ownership BucketOwnerEnforced'],
      ['planned', 'aws s3api put-bucket-versioning --bucket team-state --region eu-west-1 --versioning-configuration Status=Enabled'],
      [
        'planned',
        'aws s3api put-public-access-block --bucket team-state --region eu-west-1 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      ],
      [
        'planned',
        'aws s3api put-bucket-encryption --bucket team-state --region eu-west-1 --server-side-encryption-configuration {"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}',
      ],
    ]);
    expect(report.resources[1]).toMatchObject({ existed: true, actions: [] });
  });

  it('warns instead of failing when point-in-time recovery cannot be turned on', async () => {
    const account = fakeAccount({ pitr: new CurvectlError('AWS', 'dynamodb:UpdateContinuousBackups failed: NotImplemented: not supported.') });
    const report = await bootstrapState(account.port, { tables: targets.tables }, { dryRun: false });
    expect(report.warnings).toEqual([
      'Point-in-time recovery of table curvectl could not be turned on (dynamodb:UpdateContinuousBackups failed: NotImplemented: not supported); the table works without it, but turn it on by hand when you can.',
    ]);
    expect(report.resources[0]?.actions.map((a) => [a.action.kind, a.outcome])).toEqual([
      ['create-table', 'done'],
      ['table-pitr', 'failed'],
    ]);
    expect(report.resources[0]?.settings).toContain('point-in-time recovery off');
  });

  it('an interruption during PITR is not turned into a warning', async () => {
    const account = fakeAccount({ pitr: new CurvectlError('INTERRUPTED', 'Interrupted.') });
    await expect(bootstrapState(account.port, { tables: targets.tables }, { dryRun: false })).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });

  it("creates Terraform's lock table with the LockID key", async () => {
    const account = fakeAccount();
    await bootstrapState(account.port, { tables: [{ name: 'tf-locks', purpose: 'terraform-lock' }] }, { dryRun: false });
    expect(account.calls).toContain('createTable tf-locks eu-west-1 LockID');
    expect(awsCliArgv({ kind: 'create-table', name: 't', region: 'us-east-1', keys: TABLE_KEYS['terraform-lock'] }).join(' ')).toBe(
      'aws dynamodb create-table --table-name t --region us-east-1 --attribute-definitions AttributeName=LockID,AttributeType=S --key-schema AttributeName=LockID,KeyType=HASH --billing-mode PAY_PER_REQUEST --deletion-protection-enabled',
    );
    expect(awsCliArgv({ kind: 'create-bucket', name: 'b', region: 'us-east-1' })).not.toContain('--create-bucket-configuration');
  });

  it('refuses an existing table whose keys are not the ones needed, and never touches it', async () => {
    const account = fakeAccount({ tables: { curvectl: { exists: true, keys: { hash: { name: 'LockID', type: 'S' } } } } });
    const err = await bootstrapState(account.port, { tables: targets.tables }, { dryRun: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'BAD_CONFIG',
      message: "The DynamoDB table curvectl (eu-west-1) exists with the keys LockID (S), but curvectl's lock and journal needs pk (S) + sk (S).",
    });
    expect(account.calls).toEqual(['inspectTable curvectl eu-west-1']);
  });

  it('refuses one table for both purposes, and a configuration with nothing to bootstrap', async () => {
    const account = fakeAccount();
    await expect(
      bootstrapState(
        account.port,
        { tables: [{ name: 'x', purpose: 'state' }, { name: 'x', purpose: 'terraform-lock' }] },
        { dryRun: true },
      ),
    ).rejects.toMatchObject({ code: 'BAD_CONFIG', message: 'state.table and terraform.backend.dynamodbTable both name the table x: they must be two tables.' });
    await expect(bootstrapState(account.port, { tables: [] }, { dryRun: true })).rejects.toMatchObject({
      code: 'REFUSED',
      message: 'curvectl.yaml keeps Terraform state and the lock locally: there is nothing to bootstrap.',
    });
    expect(account.calls).toEqual([]);
  });
});
