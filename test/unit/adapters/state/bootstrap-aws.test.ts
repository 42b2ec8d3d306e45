import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsStateBootstrap } from '../../../../src/adapters/state/bootstrap-aws.js';
import { TABLE_KEYS } from '../../../../src/core/state-bootstrap.js';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBClient);
let sleeps: number[];

beforeEach(() => {
  s3.reset();
  ddb.reset();
  sleeps = [];
});
afterEach(() => {
  s3.reset();
  ddb.reset();
});

const port = () => new AwsStateBootstrap({ sleep: async (ms) => void sleeps.push(ms) });

const s3Error = (name: string, status: number) => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('S3', () => {
  it('a missing bucket (404) does not exist', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    expect(await port().inspectBucket('b', 'eu-west-1')).toEqual({ exists: false });
  });

  it('reads versioning, public access block and default encryption of an existing bucket', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false },
    });
    s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } });
    expect(await port().inspectBucket('b', 'eu-west-1')).toEqual({ exists: true, versioning: true, publicAccessBlocked: false, encryption: 'aws:kms' });
  });

  it('treats a missing public access block and missing encryption as not set', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
    s3.on(GetBucketEncryptionCommand).rejects(s3Error('ServerSideEncryptionConfigurationNotFoundError', 404));
    expect(await port().inspectBucket('b', 'eu-west-1')).toEqual({ exists: true, versioning: false, publicAccessBlocked: false });
  });

  it('refuses a bucket another account owns (403)', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('Forbidden', 403));
    await expect(port().inspectBucket('b', 'eu-west-1')).rejects.toMatchObject({
      code: 'REFUSED',
      message: 'The S3 bucket b exists but this identity cannot use it (another account owns it, or a policy denies access).',
    });
  });

  it('creates a bucket with ACLs disabled, in its region (none named for us-east-1)', async () => {
    s3.on(CreateBucketCommand).resolves({});
    await port().createBucket('b', 'eu-west-1');
    await port().createBucket('c', 'us-east-1');
    const inputs = s3.commandCalls(CreateBucketCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { Bucket: 'b', ObjectOwnership: 'BucketOwnerEnforced', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } },
      { Bucket: 'c', ObjectOwnership: 'BucketOwnerEnforced' },
    ]);
  });

  it('a bucket already ours is fine; a name taken by someone else is refused', async () => {
    s3.on(CreateBucketCommand).rejectsOnce(s3Error('BucketAlreadyOwnedByYou', 409)).rejects(s3Error('BucketAlreadyExists', 409));
    await port().createBucket('b', 'eu-west-1');
    await expect(port().createBucket('b', 'eu-west-1')).rejects.toMatchObject({ code: 'REFUSED', message: 'The S3 bucket name b is taken by another AWS account.' });
  });

  it('turns on versioning, the full public access block and SSE-S3', async () => {
    s3.on(PutBucketVersioningCommand).resolves({});
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(PutBucketEncryptionCommand).resolves({});
    const p = port();
    await p.enableBucketVersioning('b', 'eu-west-1');
    await p.blockBucketPublicAccess('b', 'eu-west-1');
    await p.enableBucketEncryption('b', 'eu-west-1');
    expect(s3.commandCalls(PutBucketVersioningCommand)[0]!.args[0].input).toEqual({ Bucket: 'b', VersioningConfiguration: { Status: 'Enabled' } });
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0]!.args[0].input).toEqual({
      Bucket: 'b',
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0]!.args[0].input).toEqual({
      Bucket: 'b',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('maps access denied to the IAM action', async () => {
    s3.on(PutBucketVersioningCommand).rejects(s3Error('AccessDenied', 403));
    await expect(port().enableBucketVersioning('b', 'eu-west-1')).rejects.toMatchObject({ code: 'AWS', message: 'Access denied to s3:PutBucketVersioning.' });
  });
});

describe('DynamoDB', () => {
  it('a missing table does not exist', async () => {
    ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    expect(await port().inspectTable('t', 'eu-west-1')).toEqual({ exists: false });
  });

  it('reads keys, billing, deletion protection and PITR of an existing table', async () => {
    ddb.on(DescribeTableCommand).resolves({
      Table: {
        TableStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        DeletionProtectionEnabled: true,
      },
    });
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } },
    });
    expect(await port().inspectTable('t', 'eu-west-1')).toEqual({
      exists: true,
      status: 'ACTIVE',
      keys: TABLE_KEYS.state,
      billingMode: 'PAY_PER_REQUEST',
      deletionProtection: true,
      pointInTimeRecovery: false,
    });
  });

  it('leaves PITR unknown when it cannot be read', async () => {
    ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }] } });
    ddb.on(DescribeContinuousBackupsCommand).rejects(Object.assign(new Error('nope'), { name: 'UnknownOperationException' }));
    const facts = await port().inspectTable('t', 'eu-west-1');
    expect(facts).not.toHaveProperty('pointInTimeRecovery');
    expect(facts.keys).toEqual({ hash: { name: 'LockID', type: '?' } });
  });

  it('creates an on-demand table with deletion protection and waits until it is ACTIVE', async () => {
    ddb.on(CreateTableCommand).resolves({});
    ddb.on(DescribeTableCommand).resolvesOnce({ Table: { TableStatus: 'CREATING' } }).resolves({ Table: { TableStatus: 'ACTIVE' } });
    await port().createTable('t', 'eu-west-1', TABLE_KEYS.state);
    expect(ddb.commandCalls(CreateTableCommand)[0]!.args[0].input).toEqual({
      TableName: 't',
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(sleeps).toEqual([1000]);
  });

  it('waits for a table someone else is creating', async () => {
    ddb.on(CreateTableCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
    await port().createTable('t', 'eu-west-1', TABLE_KEYS['terraform-lock']);
    expect(ddb.commandCalls(CreateTableCommand)[0]!.args[0].input.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
  });

  it('gives up waiting with a hint to run it again', async () => {
    ddb.on(CreateTableCommand).resolves({});
    ddb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'CREATING' } });
    const p = new AwsStateBootstrap({ tableTimeoutMs: 0, sleep: async () => undefined });
    await expect(p.createTable('t', 'eu-west-1', TABLE_KEYS.state)).rejects.toMatchObject({
      code: 'AWS',
      hint: 'Run curvectl state bootstrap again in a minute: it picks up where it stopped.',
    });
  });

  it('turns on point-in-time recovery', async () => {
    ddb.on(UpdateContinuousBackupsCommand).resolves({});
    await port().enablePointInTimeRecovery('t', 'eu-west-1');
    expect(ddb.commandCalls(UpdateContinuousBackupsCommand)[0]!.args[0].input).toEqual({
      TableName: 't',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('resolves the region from the SDK when none is configured', async () => {
    const previous = process.env.AWS_REGION;
    process.env.AWS_REGION = 'ap-southeast-2';
    try {
      expect(await port().resolveRegion(undefined)).toBe('ap-southeast-2');
      expect(await port().resolveRegion('eu-west-1')).toBe('eu-west-1');
    } finally {
      if (previous === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = previous;
    }
  });
});
