import { retireCluster } from '../../core/lifecycle/retire.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf, OptionsOf } from '../program.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'retire'>, [name]: ArgsOf<'retire'>): Promise<CommandResult> {
  const loaded = await ctx.config();
  const drainMs = options.drain ?? loaded.config.retire.drainMs ?? 2 * loaded.config.dns.ttl * 1000;
  const [stacks, aws, state, clock] = await Promise.all([ctx.stacks(), ctx.aws(), ctx.state(), ctx.clock()]);
  const outcome = await retireCluster(
    { stacks, dns: aws.dns, state, io: ctx.io, clock, actor: ctx.actor, signal: ctx.interrupts.signal, flows: aws.flows, leftovers: aws.leftovers },
    {
      name,
      drainMs,
      platform: loaded.config.platform.enabled,
      dryRun: ctx.globals.dryRun,
      flowCheck: { maxFlows: loaded.config.retire.maxFlows, windowMs: loaded.config.retire.flowWindowMs, requireData: loaded.config.retire.requireFlowData },
      deleteLeftovers: options.deleteLeftovers === true,
    },
  );
  switch (outcome.kind) {
    case 'retired':
      return { text: [`Retired ${outcome.name}: its record, platform, cluster and workspaces are gone.`], json: { result: 'retired', cluster: outcome.name, operation: outcome.op } };
    case 'dry-run':
      return {
        text: [],
        json: {
          result: 'dry-run',
          cluster: outcome.name,
          ready: outcome.ready,
          checks: outcome.checks,
          ...(outcome.recordChange ? { recordChange: outcome.recordChange } : {}),
          plans: outcome.plans,
          commands: outcome.commands,
          steps: outcome.steps,
        },
      };
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
