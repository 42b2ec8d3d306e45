/**
 * `curvectl state bootstrap`: creates what curvectl.yaml's team backends need and cannot create
 * themselves: the S3 bucket of terraform.backend (type s3), the DynamoDB table of state
 * (backend dynamodb), and Terraform's lock table when terraform.backend.dynamodbTable is set.
 * Safe settings and idempotence are the core's (src/core/state-bootstrap.ts); --dry-run reads what
 * exists and prints what it would do, with the equivalent AWS CLI commands.
 */
import type { BootstrapReport, BootstrapTargets, ResourceReport, TableTarget } from '../../core/state-bootstrap.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

export async function run(ctx: Context): Promise<CommandResult> {
  const { config } = await ctx.config();
  const backend = config.terraform.backend;
  const tables: TableTarget[] = [];
  if (config.state.backend === 'dynamodb') {
    const region = config.state.region ?? config.region;
    tables.push({ name: config.state.table, purpose: 'state', ...(region ? { region } : {}) });
  }
  let bucket: BootstrapTargets['bucket'];
  if (backend.type === 's3') {
    const region = backend.region ?? config.region;
    bucket = { name: backend.bucket, ...(region ? { region } : {}) };
    if (backend.dynamodbTable) tables.push({ name: backend.dynamodbTable, purpose: 'terraform-lock', ...(region ? { region } : {}) });
  }
  const targets: BootstrapTargets = { ...(bucket ? { bucket } : {}), tables };

  const [{ bootstrapState }, { AwsStateBootstrap }, { formatCommandLine }] = await Promise.all([
    import('../../core/state-bootstrap.js'),
    import('../../adapters/state/bootstrap-aws.js'),
    import('../../adapters/process.js'),
  ]);
  const report = await bootstrapState(new AwsStateBootstrap(), targets, {
    dryRun: ctx.globals.dryRun,
    signal: ctx.interrupts.signal,
    onAction: (text) => ctx.io.notify({ level: 'info', code: 'state.bootstrap.action', text }),
  });
  for (const warning of report.warnings) ctx.io.notify({ level: 'warn', code: 'state.bootstrap.warning', text: warning });

  const command = (argv: readonly string[]) => formatCommandLine(argv[0] ?? 'aws', argv.slice(1));
  return {
    text: render(report, command),
    json: {
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
    },
  };
}

function title(r: ResourceReport): string {
  if (r.type === 's3-bucket') return `S3 bucket ${r.name} (${r.region}, Terraform state)`;
  return `DynamoDB table ${r.name} (${r.region}, ${r.purpose === 'terraform-lock' ? "Terraform's state lock" : "curvectl's lock and journal"})`;
}

function render(report: BootstrapReport, command: (argv: readonly string[]) => string): string[] {
  const lines: string[] = [];
  for (const r of report.resources) {
    const settings = r.settings.join(', ');
    if (r.actions.length === 0) {
      lines.push(`${title(r)} exists: ${settings}. Nothing to do.`);
      continue;
    }
    if (report.dryRun) {
      lines.push(`${title(r)} ${r.existed ? 'exists; would' : 'does not exist; would'}:`);
      for (const a of r.actions) {
        lines.push(`  - ${a.description}`, `      ${command(a.command)}`);
      }
      continue;
    }
    const created = r.actions.some((a) => a.action.kind === 'create-bucket' || a.action.kind === 'create-table');
    const failed = r.actions.filter((a) => a.outcome === 'failed');
    lines.push(`${title(r)} ${created ? 'created' : 'exists; updated'}: ${settings}.`);
    for (const a of failed) lines.push(`  Not done: ${a.description}; by hand: ${command(a.command)}`);
  }
  if (report.dryRun) lines.push('', 'Dry run: nothing was created or changed.');
  return lines;
}
