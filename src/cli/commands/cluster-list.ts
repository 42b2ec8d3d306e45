import { table } from '../../io/render.js';
import { weightsFromRecords } from '../../core/weights.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

/** Every cluster curvectl knows from any source: Terraform workspaces, desired weights, live records. */
export async function run(ctx: Context): Promise<CommandResult> {
  const [stacks, aws] = await Promise.all([ctx.stacks(), ctx.aws()]);
  const [workspaces, desired, records] = await Promise.all([stacks.listClusters(), stacks.readDesiredWeights(), aws.dns.readRecords()]);
  const live = weightsFromRecords(records);
  const names = [...new Set([...workspaces, ...Object.keys(desired), ...Object.keys(live)])].sort();
  const clusters = names.map((name) => ({
    name,
    terraform: workspaces.includes(name),
    weight: { desired: desired[name] ?? null, live: live[name] ?? null },
  }));
  const rows = clusters.map((c) => [c.name, c.terraform ? 'yes' : 'no', String(c.weight.desired ?? '-'), String(c.weight.live ?? '-')]);
  return {
    text: clusters.length === 0 ? ['No clusters yet. Create one with: curvectl cluster create <name>'] : table(['CLUSTER', 'STATE', 'DESIRED', 'LIVE'], rows, ctx.paint),
    json: { clusters },
  };
}
