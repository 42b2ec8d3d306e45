/**
 * StateBootstrapPort on the AWS SDK: S3 for the Terraform state bucket, DynamoDB for the tables.
 * Clients are made per region on first use, with the same settings as every other AWS client
 * (adaptive retries, curvectl user agent, the SDK's own credential and endpoint chain).
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type * as S3 from '@aws-sdk/client-s3';
import { setTimeout as delay } from 'node:timers/promises';
import { CurvectlError } from '../../core/errors.js';
import type { BucketFacts, StateBootstrapPort, TableFacts, TableKeys } from '../../core/state-bootstrap.js';
import { perRegion, sdkLoader, type SdkLoader } from '../aws/client-factory.js';
import { awsCall, awsErrorName, httpStatusOf, mapAwsError, missingRegionError } from '../aws/errors.js';

export type S3Loader = (region: string | undefined) => ReturnType<SdkLoader<typeof S3, S3.S3Client>>;
export type DynamoLoader = (region: string | undefined) => ReturnType<SdkLoader<typeof DDB, DDB.DynamoDBClient>>;

export interface AwsStateBootstrapOptions {
  /** Default: the SDK modules, imported on first use. Tests pass mocks. */
  readonly s3?: S3Loader;
  readonly dynamodb?: DynamoLoader;
  /** How long createTable waits for ACTIVE; default 5 minutes. */
  readonly tableTimeoutMs?: number;
  /** Default an abortable setTimeout. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TABLE_POLL_MS = 1_000;

export class AwsStateBootstrap implements StateBootstrapPort {
  private readonly s3: S3Loader;
  private readonly ddb: DynamoLoader;
  private readonly tableTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: AwsStateBootstrapOptions = {}) {
    this.s3 =
      options.s3 ??
      perRegion((region) => sdkLoader(() => import('@aws-sdk/client-s3'), (sdk, c) => new sdk.S3Client(c), region ? { region } : {}));
    this.ddb =
      options.dynamodb ??
      perRegion((region) => sdkLoader(() => import('@aws-sdk/client-dynamodb'), (sdk, c) => new sdk.DynamoDBClient(c), region ? { region } : {}));
    this.tableTimeoutMs = options.tableTimeoutMs ?? 5 * 60_000;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined));
  }

  async resolveRegion(region: string | undefined): Promise<string> {
    if (region) return region;
    const { client } = await this.ddb(undefined);
    let resolved: string | undefined;
    let cause: unknown;
    try {
      resolved = await client.config.region();
    } catch (err) {
      cause = err;
    }
    if (!resolved) {
      throw missingRegionError(cause);
    }
    return resolved;
  }

  // ---------------------------------------------------------------------------------------------
  // S3

  async inspectBucket(name: string, region: string, signal?: AbortSignal): Promise<BucketFacts> {
    const { sdk, client } = await this.s3(region);
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket: name }), { abortSignal: signal });
    } catch (err) {
      const status = httpStatusOf(err);
      if (awsErrorName(err) === 'NotFound' || awsErrorName(err) === 'NoSuchBucket' || status === 404) return { exists: false };
      if (status === 403) {
        throw new CurvectlError('REFUSED', `The S3 bucket ${name} exists but this identity cannot use it (another account owns it, or a policy denies access).`, {
          hint: 'Bucket names are global: choose another terraform.backend.bucket, or get access to this one.',
          cause: err,
        });
      }
      if (status === 301) {
        throw new CurvectlError('BAD_CONFIG', `The S3 bucket ${name} exists in another region than ${region}.`, {
          hint: 'Set terraform.backend.region in curvectl.yaml to the bucket\'s region.',
          cause: err,
        });
      }
      throw mapAwsError(err, 's3:ListBucket');
    }
    const versioning = await awsCall('s3:GetBucketVersioning', () =>
      client.send(new sdk.GetBucketVersioningCommand({ Bucket: name }), { abortSignal: signal }),
    );
    let publicAccessBlocked = false;
    try {
      const out = await client.send(new sdk.GetPublicAccessBlockCommand({ Bucket: name }), { abortSignal: signal });
      const c = out.PublicAccessBlockConfiguration;
      publicAccessBlocked = Boolean(c?.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets);
    } catch (err) {
      if (awsErrorName(err) !== 'NoSuchPublicAccessBlockConfiguration') throw mapAwsError(err, 's3:GetBucketPublicAccessBlock');
    }
    let encryption: string | undefined;
    try {
      const out = await client.send(new sdk.GetBucketEncryptionCommand({ Bucket: name }), { abortSignal: signal });
      encryption = out.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
        ?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    } catch (err) {
      if (awsErrorName(err) !== 'ServerSideEncryptionConfigurationNotFoundError') throw mapAwsError(err, 's3:GetEncryptionConfiguration');
    }
    return { exists: true, versioning: versioning.Status === 'Enabled', publicAccessBlocked, ...(encryption ? { encryption } : {}) };
  }

  async createBucket(name: string, region: string, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.s3(region);
    try {
      await client.send(
        new sdk.CreateBucketCommand({
          Bucket: name,
          ObjectOwnership: 'BucketOwnerEnforced',
          // us-east-1 is the one region that refuses its own name as a location constraint.
          ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as S3.BucketLocationConstraint } }),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      const name_ = awsErrorName(err);
      if (name_ === 'BucketAlreadyOwnedByYou') return;
      if (name_ === 'BucketAlreadyExists') {
        throw new CurvectlError('REFUSED', `The S3 bucket name ${name} is taken by another AWS account.`, {
          hint: 'Bucket names are global: choose another terraform.backend.bucket in curvectl.yaml.',
          cause: err,
        });
      }
      throw mapAwsError(err, 's3:CreateBucket');
    }
  }

  async enableBucketVersioning(name: string, region: string, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.s3(region);
    await awsCall('s3:PutBucketVersioning', () =>
      client.send(new sdk.PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }), { abortSignal: signal }),
    );
  }

  async blockBucketPublicAccess(name: string, region: string, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.s3(region);
    await awsCall('s3:PutBucketPublicAccessBlock', () =>
      client.send(
        new sdk.PutPublicAccessBlockCommand({
          Bucket: name,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        }),
        { abortSignal: signal },
      ),
    );
  }

  async enableBucketEncryption(name: string, region: string, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.s3(region);
    await awsCall('s3:PutEncryptionConfiguration', () =>
      client.send(
        new sdk.PutBucketEncryptionCommand({
          Bucket: name,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        }),
        { abortSignal: signal },
      ),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // DynamoDB

  async inspectTable(name: string, region: string, signal?: AbortSignal): Promise<TableFacts> {
    const { sdk, client } = await this.ddb(region);
    let table: DDB.TableDescription | undefined;
    try {
      table = (await client.send(new sdk.DescribeTableCommand({ TableName: name }), { abortSignal: signal })).Table;
    } catch (err) {
      if (awsErrorName(err) === 'ResourceNotFoundException') return { exists: false };
      throw mapAwsError(err, 'dynamodb:DescribeTable');
    }
    let pointInTimeRecovery: boolean | undefined;
    try {
      const out = await client.send(new sdk.DescribeContinuousBackupsCommand({ TableName: name }), { abortSignal: signal });
      pointInTimeRecovery = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
    } catch {
      // Unknown (no such API, or not allowed): bootstrap tries to turn it on and warns if it cannot.
    }
    const keys = keysOf(table);
    return {
      exists: true,
      ...(table?.TableStatus ? { status: table.TableStatus } : {}),
      ...(keys ? { keys } : {}),
      billingMode: table?.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
      deletionProtection: table?.DeletionProtectionEnabled === true,
      ...(pointInTimeRecovery === undefined ? {} : { pointInTimeRecovery }),
    };
  }

  async createTable(name: string, region: string, keys: TableKeys, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.ddb(region);
    const attributes = [keys.hash, ...(keys.range ? [keys.range] : [])];
    try {
      await client.send(
        new sdk.CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          AttributeDefinitions: attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type as DDB.ScalarAttributeType })),
          KeySchema: [
            { AttributeName: keys.hash.name, KeyType: 'HASH' },
            ...(keys.range ? [{ AttributeName: keys.range.name, KeyType: 'RANGE' as const }] : []),
          ],
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      // Someone (a second bootstrap) is creating it right now: wait for it like for our own.
      if (awsErrorName(err) !== 'ResourceInUseException') throw mapAwsError(err, 'dynamodb:CreateTable');
    }
    const deadline = Date.now() + this.tableTimeoutMs;
    for (;;) {
      const out = await awsCall('dynamodb:DescribeTable', () => client.send(new sdk.DescribeTableCommand({ TableName: name }), { abortSignal: signal }));
      if (out.Table?.TableStatus === 'ACTIVE') return;
      if (Date.now() > deadline) {
        throw new CurvectlError('AWS', `The DynamoDB table ${name} was created but is still ${out.Table?.TableStatus ?? 'not ACTIVE'} after ${Math.round(this.tableTimeoutMs / 1000)}s.`, {
          hint: 'Run curvectl state bootstrap again in a minute: it picks up where it stopped.',
        });
      }
      await this.sleep(TABLE_POLL_MS, signal);
    }
  }

  async enablePointInTimeRecovery(name: string, region: string, signal?: AbortSignal): Promise<void> {
    const { sdk, client } = await this.ddb(region);
    await awsCall('dynamodb:UpdateContinuousBackups', () =>
      client.send(
        new sdk.UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        { abortSignal: signal },
      ),
    );
  }
}

function keysOf(table: DDB.TableDescription | undefined): TableKeys | undefined {
  const schema = table?.KeySchema ?? [];
  const typeOf = (attr: string) => table?.AttributeDefinitions?.find((d) => d.AttributeName === attr)?.AttributeType ?? '?';
  const hash = schema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  if (!hash) return undefined;
  return { hash: { name: hash, type: typeOf(hash) }, ...(range ? { range: { name: range, type: typeOf(range) } } : {}) };
}
