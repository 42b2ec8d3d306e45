/**
 * `curvectl state bootstrap`: creates what curvectl.yaml's team backends need and cannot create
 * themselves: the S3 bucket of terraform.backend (type s3), the DynamoDB table of state
 * (backend dynamodb), and Terraform's lock table when terraform.backend.dynamodbTable is set.
 * Which resources, safe settings and idempotence are the core's (src/core/state-bootstrap.ts);
 * --dry-run reads what exists and prints what it would do, with the equivalent AWS CLI commands.
 */
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

export async function run(ctx: Context): Promise<CommandResult> {
  const { config } = await ctx.config();
  const [{ bootstrapState, bootstrapTargets, bootstrapJson }, { AwsStateBootstrap }, { formatCommandLine }, { renderBootstrap }] = await Promise.all([
    import('../../core/state-bootstrap.js'),
    import('../../adapters/state/bootstrap-aws.js'),
    import('../../adapters/process.js'),
    import('../../io/state-bootstrap-text.js'),
  ]);
  const report = await bootstrapState(new AwsStateBootstrap(), bootstrapTargets(config), {
    dryRun: ctx.globals.dryRun,
    signal: ctx.interrupts.signal,
    onAction: (text) => ctx.io.notify({ level: 'info', code: 'state.bootstrap.action', text }),
  });
  for (const warning of report.warnings) ctx.io.notify({ level: 'warn', code: 'state.bootstrap.warning', text: warning });
  const command = (argv: readonly string[]) => formatCommandLine(argv[0] ?? 'aws', argv.slice(1));
  return { text: renderBootstrap(report, command), json: bootstrapJson(report, command) };
}
