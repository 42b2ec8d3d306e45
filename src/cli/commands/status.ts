import { collectStatus } from '../../core/status.js';
import { renderStatus } from '../../io/render.js';
import type { CommandModule, CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

export async function run(ctx: Context): Promise<CommandResult> {
  const [config, stacks, aws, state, { readCurrentOperation }] = await Promise.all([
    ctx.config(),
    ctx.stacks(),
    ctx.aws(),
    ctx.state(),
    import('../../core/shift/index.js'),
  ]);
  const report = await collectStatus({
    stacks,
    dns: aws.dns,
    eks: aws.eks,
    state,
    ttl: config.config.dns.ttl,
    currentOperation: readCurrentOperation,
  });
  return { text: renderStatus(report, ctx.paint), json: report };
}

