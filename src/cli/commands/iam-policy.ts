import { curvectlPolicy, EXCEPTIONS, STATEMENT_NOTES, terraformPolicy } from '../../core/iam-policy.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';

export const needsConfig = true;

/**
 * `curvectl iam-policy [--role operator|ci|bootstrap] [--cluster NAME]... [--part curvectl|terraform]`:
 * the IAM policies, scoped to this configuration's zone, table, state bucket and clusters. Reads
 * the account (STS), the zone id (Route 53) and the known clusters; changes nothing.
 */
export async function run(ctx: Context, options: OptionsOf<'iamPolicy'>): Promise<CommandResult> {
  // Commander checked --role and --part against their choices, and each --cluster (option-values.ts).
  const { role, part } = options;
  const extra = options.cluster ?? [];

  const [loaded, aws, stacks, { callerIdentityReader }] = await Promise.all([ctx.config(), ctx.aws(), ctx.stacks(), import('../../adapters/aws/identity.js')]);
  const c = loaded.config;
  const [identity, zoneId, workspaces, records] = await Promise.all([
    callerIdentityReader(c.region)(),
    aws.dns.hostedZoneId ? aws.dns.hostedZoneId() : Promise.resolve('*'),
    stacks.listClusters(),
    aws.dns.readRecords(),
  ]);
  const clusters = [...new Set([...workspaces, ...records.map((r) => r.setIdentifier), ...extra])].sort();
  const region = c.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? '';
  const backend = c.terraform.backend;
  const context = {
    partition: identity.partition,
    region,
    account: identity.account,
    zoneId,
    clusters: clusters.length > 0 ? clusters : ['*'],
    ...(c.state.backend === 'dynamodb' ? { table: c.state.table } : {}),
    ...(backend.type === 's3' ? { stateBucket: backend.bucket, ...(backend.dynamodbTable ? { lockTable: backend.dynamodbTable } : {}) } : {}),
  };
  if (clusters.length === 0) {
    ctx.io.notify({ level: 'warn', code: 'iam.no-clusters', text: 'No clusters known yet: EKS reads are allowed on every cluster; pass --cluster NAME (or a prefix like cluster-*) to scope them.' });
  }
  const own = curvectlPolicy(role, context);
  // Only the notes of statements this role's policy has.
  const notes = STATEMENT_NOTES.filter((n) => own.Statement.some((st) => st.Sid.startsWith(n.sid.replace(/\*$/, ''))));
  const terraform = terraformPolicy(role, context);
  if (part === 'curvectl') return { text: [JSON.stringify(own, null, 2)], json: own };
  if (part === 'terraform') return { text: [JSON.stringify(terraform, null, 2)], json: terraform };
  return {
    text: [
      `# curvectl's own AWS calls (role ${role}); print this document alone with --part curvectl.`,
      JSON.stringify(own, null, 2),
      '',
      `# What Terraform needs to apply the stacks (role ${role}); --part terraform.`,
      JSON.stringify(terraform, null, 2),
      '',
      ...EXCEPTIONS.map((e) => `# ${e.action}: ${e.reason}.`),
      ...notes.map((n) => `# ${n.sid}: ${n.when}.`),
    ],
    json: { role, scope: context, curvectl: own, terraform, exceptions: EXCEPTIONS, notes },
  };
}
