import { parseDuration } from '../../core/duration.js';
import { badInput } from '../../core/errors.js';
import { createCluster } from '../../core/lifecycle/create.js';
import { formatWeightsInline } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: Record<string, unknown>, args: readonly unknown[]): Promise<CommandResult> {
  const name = String(args[0]);
  const loaded = await ctx.config();
  const version = options.kubernetesVersion === undefined ? loaded.config.cluster.kubernetesVersion : String(options.kubernetesVersion);
  if (!/^1\.\d{2}$/.test(version)) throw badInput(`"${version}" is not a valid --kubernetes-version: use an EKS minor version like 1.35.`);
  const [stacks, aws, state, clock, gates] = await Promise.all([ctx.stacks(), ctx.aws(), ctx.state(), ctx.clock(), ctx.gates()]);
  const outcome = await createCluster(
    { stacks, dns: aws.dns, eks: aws.eks, state, io: ctx.io, clock, gates, actor: ctx.actor, signal: ctx.interrupts.signal },
    {
      name,
      kubernetesVersion: version,
      platform: loaded.config.platform.enabled && !options.skipPlatform,
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
          `Weights: ${formatWeightsInline(outcome.weights)}`,
          `kubectl access: curvectl cluster kubeconfig ${outcome.name} --write`,
        ],
        json: { result: 'created', cluster: outcome.name, ingress: outcome.outputs.ingressDnsName, kubernetesVersion: outcome.outputs.kubernetesVersion, weights: outcome.weights, operation: outcome.op },
      };
    case 'exists':
      return {
        text: [`${outcome.name} already exists and is healthy; nothing changed.`, `Weights: ${formatWeightsInline(outcome.weights)}`],
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
