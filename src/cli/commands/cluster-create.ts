import { parseDuration } from '../../core/duration.js';
import { createCluster } from '../../core/lifecycle/create.js';
import { formatWeights } from '../../core/weights.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf, OptionsOf } from '../program.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'clusterCreate'>, [name]: ArgsOf<'clusterCreate'>): Promise<CommandResult> {
  const loaded = await ctx.config();
  const version = options.kubernetesVersion ?? loaded.config.cluster.kubernetesVersion;
  const [stacks, aws, state, clock, gates] = await Promise.all([ctx.stacks(), ctx.aws(), ctx.state(), ctx.clock(), ctx.gates()]);
  const outcome = await createCluster(
    { stacks, dns: aws.dns, eks: aws.eks, state, io: ctx.io, clock, gates, actor: ctx.actor, signal: ctx.interrupts.signal },
    {
      name,
      kubernetesVersion: version,
      platform: loaded.config.platform.enabled && options.skipPlatform !== true,
      dryRun: ctx.globals.dryRun,
      gateTimeoutMs: parseDuration('20m'),
      gateIntervalMs: loaded.config.shift.gateIntervalMs,
    },
  );
  switch (outcome.kind) {
    case 'created':
      return {
        text: [
          `Created ${outcome.name} (Kubernetes ${outcome.outputs.kubernetesVersion}), ingress ${outcome.outputs.ingressDnsName}.`,
          `Weights: ${formatWeights(outcome.weights, 'compact')}`,
          `kubectl access: curvectl cluster kubeconfig ${outcome.name} --write`,
        ],
        json: { result: 'created', cluster: outcome.name, ingress: outcome.outputs.ingressDnsName, kubernetesVersion: outcome.outputs.kubernetesVersion, weights: outcome.weights, operation: outcome.op },
      };
    case 'exists':
      return {
        text: [`${outcome.name} already exists and is healthy; nothing changed.`, `Weights: ${formatWeights(outcome.weights, 'compact')}`],
        json: { result: 'exists', cluster: outcome.name, ingress: outcome.outputs.ingressDnsName, kubernetesVersion: outcome.outputs.kubernetesVersion, weights: outcome.weights },
      };
    case 'dry-run':
      return { text: [], json: { result: 'dry-run', cluster: outcome.name, summary: outcome.summary, resources: outcome.resources, commands: outcome.commands } };
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
