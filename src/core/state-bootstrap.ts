/**
 * `curvectl state bootstrap`: the S3 bucket for Terraform state and the DynamoDB table(s) for
 * locks and the journal, created with safe settings, through a narrow port (the SDK lives in
 * src/adapters/state/bootstrap-aws.ts).
 *
 * Safe settings:
 * - bucket: versioning on (every state ever written can be restored), all public access blocked,
 *   default encryption SSE-S3, ACLs disabled (bucket owner enforced).
 * - tables: PAY_PER_REQUEST, deletion protection on, point-in-time recovery on. PITR is best
 *   effort: where the API refuses it (an emulator, a policy) the run warns and carries on, since
 *   the table works without it.
 *
 * Idempotent: what exists is reported, never recreated; a safe setting an existing bucket or table
 * lacks is switched on (that is also how a run that failed halfway is finished). An existing
 * default encryption (SSE-KMS, say) is left as it is. A table whose keys are not the ones curvectl
 * needs is refused rather than used.
 */
import { definedOnly } from './defined-only.js';
import { CurvectlError, isCurvectlError } from './errors.js';

/** What a table is for: curvectl's lock and journal (pk + sk), or Terraform's own S3-backend lock table (LockID). */
export type TablePurpose = 'state' | 'terraform-lock';

export interface KeyAttribute {
  readonly name: string;
  /** S | N | B */
  readonly type: string;
}

export interface TableKeys {
  readonly hash: KeyAttribute;
  readonly range?: KeyAttribute;
}

export const TABLE_KEYS: Readonly<Record<TablePurpose, TableKeys>> = {
  state: { hash: { name: 'pk', type: 'S' }, range: { name: 'sk', type: 'S' } },
  'terraform-lock': { hash: { name: 'LockID', type: 'S' } },
};

export interface BucketFacts {
  readonly exists: boolean;
  readonly versioning?: boolean;
  /** All four public access block settings on. */
  readonly publicAccessBlocked?: boolean;
  /** The default encryption algorithm (AES256, aws:kms...), undefined when none is set. */
  readonly encryption?: string;
}

export interface TableFacts {
  readonly exists: boolean;
  readonly status?: string;
  readonly keys?: TableKeys;
  readonly billingMode?: string;
  readonly deletionProtection?: boolean;
  /** undefined when it could not be read (the API is missing, say). */
  readonly pointInTimeRecovery?: boolean;
}

/** The AWS calls bootstrap needs; regions are resolved ones. */
export interface StateBootstrapPort {
  /** The region calls go to: `region` itself, or the SDK's default (AWS_REGION, the profile). */
  resolveRegion(region: string | undefined, signal?: AbortSignal): Promise<string>;
  inspectBucket(name: string, region: string, signal?: AbortSignal): Promise<BucketFacts>;
  /** Creates the bucket with ACLs disabled; succeeds if this account already owns it. */
  createBucket(name: string, region: string, signal?: AbortSignal): Promise<void>;
  enableBucketVersioning(name: string, region: string, signal?: AbortSignal): Promise<void>;
  blockBucketPublicAccess(name: string, region: string, signal?: AbortSignal): Promise<void>;
  /** Default encryption SSE-S3 (AES256). */
  enableBucketEncryption(name: string, region: string, signal?: AbortSignal): Promise<void>;
  inspectTable(name: string, region: string, signal?: AbortSignal): Promise<TableFacts>;
  /** PAY_PER_REQUEST, deletion protection on; resolves once the table is ACTIVE. */
  createTable(name: string, region: string, keys: TableKeys, signal?: AbortSignal): Promise<void>;
  enablePointInTimeRecovery(name: string, region: string, signal?: AbortSignal): Promise<void>;
}

export interface BucketTarget {
  readonly name: string;
  readonly region?: string;
}

export interface TableTarget {
  readonly name: string;
  readonly region?: string;
  readonly purpose: TablePurpose;
}

export interface BootstrapTargets {
  /** terraform.backend (s3).bucket */
  readonly bucket?: BucketTarget;
  /** state.table (curvectl's lock and journal) and terraform.backend.dynamodbTable (Terraform's lock table). */
  readonly tables: readonly TableTarget[];
}

/**
 * The parts of curvectl.yaml that name what the bootstrap creates; the loaded configuration is one
 * (the core does not import src/config, so it says what it reads).
 */
export interface BootstrapSettings {
  readonly region?: string | undefined;
  readonly state: { readonly backend: string; readonly table?: string; readonly region?: string | undefined };
  readonly terraform: {
    readonly backend: { readonly type: string; readonly bucket?: string; readonly region?: string | undefined; readonly dynamodbTable?: string | undefined };
  };
}

/**
 * What the configuration asks the bootstrap to create: the DynamoDB state table (state.backend
 * dynamodb), the S3 state bucket (terraform.backend type s3) and Terraform's lock table when
 * dynamodbTable is set. Each in its own region, else the top-level one.
 */
export function bootstrapTargets(settings: BootstrapSettings): BootstrapTargets {
  const tables: TableTarget[] = [];
  const { state } = settings;
  if (state.backend === 'dynamodb' && state.table !== undefined) {
    tables.push({ name: state.table, purpose: 'state', ...definedOnly({ region: state.region ?? settings.region }) });
  }
  const backend = settings.terraform.backend;
  if (backend.type !== 's3' || backend.bucket === undefined) return { tables };
  const region = definedOnly({ region: backend.region ?? settings.region });
  if (backend.dynamodbTable) tables.push({ name: backend.dynamodbTable, purpose: 'terraform-lock', ...region });
  return { bucket: { name: backend.bucket, ...region }, tables };
}

/** The `-o json` shape of a report (part of the command-line contract: add fields, never change them). */
export function bootstrapJson(report: BootstrapReport, command: (argv: readonly string[]) => string): Record<string, unknown> {
  return {
    dryRun: report.dryRun,
    resources: report.resources.map((r) => ({
      type: r.type,
      name: r.name,
      region: r.region,
      ...(r.purpose ? { purpose: r.purpose } : {}),
      existed: r.existed,
      settings: r.settings,
      actions: r.actions.map((a) => ({
        kind: a.action.kind,
        description: a.description,
        outcome: a.outcome,
        command: command(a.command),
        ...(a.warning ? { warning: a.warning } : {}),
      })),
    })),
    warnings: report.warnings,
  };
}

export type BootstrapAction =
  | { readonly kind: 'create-bucket'; readonly name: string; readonly region: string }
  | { readonly kind: 'bucket-versioning'; readonly name: string; readonly region: string }
  | { readonly kind: 'bucket-public-access-block'; readonly name: string; readonly region: string }
  | { readonly kind: 'bucket-encryption'; readonly name: string; readonly region: string }
  | { readonly kind: 'create-table'; readonly name: string; readonly region: string; readonly keys: TableKeys }
  | { readonly kind: 'table-pitr'; readonly name: string; readonly region: string };

export interface ActionReport {
  readonly action: BootstrapAction;
  /** One line: "turn on versioning". */
  readonly description: string;
  /** The AWS CLI command doing the same, as argv (for --dry-run and for doing it by hand). */
  readonly command: readonly string[];
  /** planned: --dry-run; done; failed: only for best-effort actions (PITR), with the reason in `warning`. */
  readonly outcome: 'planned' | 'done' | 'failed';
  readonly warning?: string;
}

export interface ResourceReport {
  readonly type: 's3-bucket' | 'dynamodb-table';
  readonly name: string;
  readonly region: string;
  /** For tables: what it holds. */
  readonly purpose?: TablePurpose;
  /** It was there before this run. */
  readonly existed: boolean;
  readonly actions: readonly ActionReport[];
  /** Settings as found or made, for the summary: "versioning on", ... */
  readonly settings: readonly string[];
}

export interface BootstrapReport {
  readonly dryRun: boolean;
  readonly resources: readonly ResourceReport[];
  readonly warnings: readonly string[];
}

export interface BootstrapOptions {
  readonly dryRun: boolean;
  readonly signal?: AbortSignal;
  /** Progress, one line per action (stderr in the CLI). */
  readonly onAction?: (text: string) => void;
}

export function describeAction(action: BootstrapAction): string {
  switch (action.kind) {
    case 'create-bucket':
      return `create S3 bucket ${action.name} in ${action.region} (ACLs disabled)`;
    case 'bucket-versioning':
      return `turn on versioning of bucket ${action.name}`;
    case 'bucket-public-access-block':
      return `block all public access to bucket ${action.name}`;
    case 'bucket-encryption':
      return `turn on default encryption (SSE-S3) of bucket ${action.name}`;
    case 'create-table':
      return `create DynamoDB table ${action.name} in ${action.region} (keys ${keysText(action.keys)}, on-demand, deletion protection)`;
    case 'table-pitr':
      return `turn on point-in-time recovery of table ${action.name}`;
    default:
      return unreachable(action);
  }
}

/** The AWS CLI equivalent of an action. */
export function awsCliArgv(action: BootstrapAction): string[] {
  const region = ['--region', action.region];
  switch (action.kind) {
    case 'create-bucket':
      return [
        'aws', 's3api', 'create-bucket', '--bucket', action.name, ...region,
        ...(action.region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${action.region}`]),
        '--object-ownership', 'BucketOwnerEnforced',
      ];
    case 'bucket-versioning':
      return ['aws', 's3api', 'put-bucket-versioning', '--bucket', action.name, ...region, '--versioning-configuration', 'Status=Enabled'];
    case 'bucket-public-access-block':
      return [
        'aws', 's3api', 'put-public-access-block', '--bucket', action.name, ...region,
        '--public-access-block-configuration', 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
      ];
    case 'bucket-encryption':
      return [
        'aws', 's3api', 'put-bucket-encryption', '--bucket', action.name, ...region,
        '--server-side-encryption-configuration', '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}',
      ];
    case 'create-table': {
      const attrs = [action.keys.hash, ...(action.keys.range ? [action.keys.range] : [])];
      return [
        'aws', 'dynamodb', 'create-table', '--table-name', action.name, ...region,
        '--attribute-definitions', ...attrs.map((a) => `AttributeName=${a.name},AttributeType=${a.type}`),
        '--key-schema', `AttributeName=${action.keys.hash.name},KeyType=HASH`,
        ...(action.keys.range ? [`AttributeName=${action.keys.range.name},KeyType=RANGE`] : []),
        '--billing-mode', 'PAY_PER_REQUEST', '--deletion-protection-enabled',
      ];
    }
    case 'table-pitr':
      return [
        'aws', 'dynamodb', 'update-continuous-backups', '--table-name', action.name, ...region,
        '--point-in-time-recovery-specification', 'PointInTimeRecoveryEnabled=true',
      ];
    default:
      return unreachable(action);
  }
}

export function keysText(keys: TableKeys): string {
  return [keys.hash, ...(keys.range ? [keys.range] : [])].map((k) => `${k.name} (${k.type})`).join(' + ');
}

const sameKeys = (a: TableKeys, b: TableKeys): boolean =>
  a.hash.name === b.hash.name &&
  a.hash.type === b.hash.type &&
  (a.range?.name ?? '') === (b.range?.name ?? '') &&
  (a.range?.type ?? '') === (b.range?.type ?? '');

/** Refuses targets that cannot all be right before anything is called. */
export function checkTargets(targets: BootstrapTargets): void {
  if (!targets.bucket && targets.tables.length === 0) {
    throw new CurvectlError('REFUSED', 'curvectl.yaml keeps Terraform state and the lock locally: there is nothing to bootstrap.', {
      hint: 'Set terraform.backend (type: s3, bucket) and state (backend: dynamodb, table) in curvectl.yaml, or start from curvectl init --backend s3 --bucket <bucket> --table <table>.',
    });
  }
  const seen = new Map<string, TableTarget>();
  for (const table of targets.tables) {
    const key = `${table.region ?? ''}\0${table.name}`;
    const other = seen.get(key);
    if (other && other.purpose !== table.purpose) {
      throw new CurvectlError('BAD_CONFIG', `state.table and terraform.backend.dynamodbTable both name the table ${table.name}: they must be two tables.`, {
        hint: `curvectl's table has the keys ${keysText(TABLE_KEYS.state)}, Terraform's lock table ${keysText(TABLE_KEYS['terraform-lock'])}; name another table in one of them (or drop dynamodbTable and keep useLockfile: true).`,
      });
    }
    seen.set(key, table);
  }
}

export async function bootstrapState(port: StateBootstrapPort, targets: BootstrapTargets, options: BootstrapOptions): Promise<BootstrapReport> {
  checkTargets(targets);
  const signal = options.signal;
  const resources: ResourceReport[] = [];
  const warnings: string[] = [];

  if (targets.bucket) {
    const region = await port.resolveRegion(targets.bucket.region, signal);
    const name = targets.bucket.name;
    const facts = await port.inspectBucket(name, region, signal);
    const actions: BootstrapAction[] = [];
    if (!facts.exists) actions.push({ kind: 'create-bucket', name, region });
    if (!facts.exists || facts.versioning !== true) actions.push({ kind: 'bucket-versioning', name, region });
    if (!facts.exists || facts.publicAccessBlocked !== true) actions.push({ kind: 'bucket-public-access-block', name, region });
    if (!facts.exists || facts.encryption === undefined) actions.push({ kind: 'bucket-encryption', name, region });
    const reports: ActionReport[] = [];
    for (const action of actions) {
      reports.push(await perform(port, action, options));
    }
    const done = (kind: BootstrapAction['kind']) => reports.some((r) => r.action.kind === kind && r.outcome !== 'failed');
    resources.push({
      type: 's3-bucket',
      name,
      region,
      existed: facts.exists,
      actions: reports,
      settings: [
        facts.versioning === true || done('bucket-versioning') ? 'versioning on' : 'versioning off',
        facts.publicAccessBlocked === true || done('bucket-public-access-block') ? 'public access blocked' : 'public access not blocked',
        facts.encryption !== undefined ? `default encryption ${encryptionName(facts.encryption)}` : done('bucket-encryption') ? 'default encryption SSE-S3' : 'no default encryption',
      ],
    });
  }

  for (const table of targets.tables) {
    const region = await port.resolveRegion(table.region, signal);
    const keys = TABLE_KEYS[table.purpose];
    const facts = await port.inspectTable(table.name, region, signal);
    if (facts.exists && facts.keys && !sameKeys(facts.keys, keys)) {
      throw new CurvectlError(
        'BAD_CONFIG',
        `The DynamoDB table ${table.name} (${region}) exists with the keys ${keysText(facts.keys)}, but ${purposeText(table.purpose)} needs ${keysText(keys)}.`,
        { hint: `Name another table in curvectl.yaml (${table.purpose === 'state' ? 'state.table' : 'terraform.backend.dynamodbTable'}); bootstrap never changes or deletes an existing table.` },
      );
    }
    const actions: BootstrapAction[] = [];
    if (!facts.exists) actions.push({ kind: 'create-table', name: table.name, region, keys });
    if (!facts.exists || facts.pointInTimeRecovery !== true) actions.push({ kind: 'table-pitr', name: table.name, region });
    const reports: ActionReport[] = [];
    for (const action of actions) {
      const report = await perform(port, action, options);
      if (report.warning) warnings.push(report.warning);
      reports.push(report);
    }
    const pitr = facts.pointInTimeRecovery === true || reports.some((r) => r.action.kind === 'table-pitr' && r.outcome === 'done');
    const pitrPlanned = reports.some((r) => r.action.kind === 'table-pitr' && r.outcome === 'planned');
    resources.push({
      type: 'dynamodb-table',
      name: table.name,
      region,
      purpose: table.purpose,
      existed: facts.exists,
      actions: reports,
      settings: [
        facts.exists ? (facts.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : `billing ${facts.billingMode ?? 'unknown'}`) : 'on-demand',
        facts.exists ? (facts.deletionProtection ? 'deletion protection on' : 'deletion protection off') : 'deletion protection on',
        pitr || pitrPlanned ? 'point-in-time recovery on' : 'point-in-time recovery off',
      ],
    });
  }
  return { dryRun: options.dryRun, resources, warnings };
}

async function perform(port: StateBootstrapPort, action: BootstrapAction, options: BootstrapOptions): Promise<ActionReport> {
  const description = describeAction(action);
  const command = awsCliArgv(action);
  if (options.dryRun) return { action, description, command, outcome: 'planned' };
  const signal = options.signal;
  options.onAction?.(`${capitalise(description)}...`);
  switch (action.kind) {
    case 'create-bucket':
      await port.createBucket(action.name, action.region, signal);
      break;
    case 'bucket-versioning':
      await port.enableBucketVersioning(action.name, action.region, signal);
      break;
    case 'bucket-public-access-block':
      await port.blockBucketPublicAccess(action.name, action.region, signal);
      break;
    case 'bucket-encryption':
      await port.enableBucketEncryption(action.name, action.region, signal);
      break;
    case 'create-table':
      await port.createTable(action.name, action.region, action.keys, signal);
      break;
    case 'table-pitr':
      try {
        await port.enablePointInTimeRecovery(action.name, action.region, signal);
      } catch (err) {
        if (isCurvectlError(err) && err.code === 'INTERRUPTED') throw err;
        if (err instanceof Error && err.name === 'AbortError') throw err;
        // Best effort: the table works without it (moto, for one, may not offer it).
        const reason = err instanceof Error ? err.message : String(err);
        return {
          action,
          description,
          command,
          outcome: 'failed',
          warning: `Point-in-time recovery of table ${action.name} could not be turned on (${reason.replace(/\.$/, '')}); the table works without it, but turn it on by hand when you can.`,
        };
      }
      break;
    default:
      return unreachable(action);
  }
  return { action, description, command, outcome: 'done' };
}

function purposeText(purpose: TablePurpose): string {
  return purpose === 'state' ? "curvectl's lock and journal" : "Terraform's state lock";
}

function encryptionName(algorithm: string): string {
  return algorithm === 'AES256' ? 'SSE-S3' : algorithm === 'aws:kms' ? 'SSE-KMS' : algorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : algorithm;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function unreachable(value: never): never {
  throw new CurvectlError('INTERNAL', `Unexpected bootstrap action ${JSON.stringify(value)}.`);
}
