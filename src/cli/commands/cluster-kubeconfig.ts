import { clusterKubeconfig } from '../../core/cluster-kubeconfig.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf, OptionsOf } from '../program.js';

export const needsConfig = true;

/**
 * `curvectl cluster kubeconfig <name> [--write] [--force]`: a kubeconfig context for the cluster,
 * printed, or merged into the file kubectl reads (the first file of KUBECONFIG, else ~/.kube/config).
 */
export async function run(ctx: Context, options: OptionsOf<'clusterKubeconfig'>, [name]: ArgsOf<'clusterKubeconfig'>): Promise<CommandResult> {
  const [loaded, aws, YAML, file] = await Promise.all([
    ctx.config(),
    ctx.aws(),
    import('yaml'),
    options.write ? import('../../adapters/kubeconfig-file.js').then(({ KubeconfigFile }) => new KubeconfigFile(ctx.env)) : undefined,
  ]);
  const dryRun = ctx.globals.dryRun === true;
  const result = await clusterKubeconfig(
    {
      eks: aws.eks,
      region: loaded.config.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION,
      ...(file ? { file } : {}),
      ...(ctx.env.AWS_PROFILE ? { profile: ctx.env.AWS_PROFILE } : {}),
    },
    name,
    { write: options.write === true, force: options.force === true, dryRun },
  );
  const context = result.entry.name;
  switch (result.kind) {
    case 'document':
      return { text: [YAML.stringify(result.document).trimEnd()], json: result.document };
    case 'unchanged':
      return { text: [`${result.file} already has the context ${context} (current); nothing changed.`], json: { file: result.file, context, changed: false, ...(dryRun ? { dryRun: true } : {}) } };
    case 'would-write':
      return {
        text: [`Would write ${result.file} with the context ${context} as the current one:`, '', YAML.stringify(result.document).trimEnd()],
        json: { file: result.file, context, changed: true, dryRun: true },
      };
    case 'written':
      return {
        text: [`Wrote the context ${context} to ${result.file} and made it the current one.`, `Try: kubectl --context ${context} get nodes`],
        json: { file: result.file, context, changed: true },
      };
  }
}
