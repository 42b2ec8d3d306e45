import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CurvectlError, refused } from '../../core/errors.js';
import { kubeconfigDocument, kubeconfigEntry, mergeKubeconfig } from '../../core/kubeconfig.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf, OptionsOf } from '../program.js';

export const needsConfig = true;

/**
 * `curvectl cluster kubeconfig <name> [--write] [--force]`: a kubeconfig context for the cluster,
 * printed, or merged into the file kubectl reads (the first file of KUBECONFIG, else ~/.kube/config).
 */
export async function run(ctx: Context, options: OptionsOf<'clusterKubeconfig'>, [name]: ArgsOf<'clusterKubeconfig'>): Promise<CommandResult> {
  const [loaded, aws] = await Promise.all([ctx.config(), ctx.aws()]);
  const info = await aws.eks.describeCluster(name);
  if (!info) {
    throw refused(`There is no EKS cluster named ${name}.`, `Create it with "curvectl cluster create ${name}", or check the region (${loaded.config.region ?? ctx.env.AWS_REGION ?? 'from the AWS profile'}).`);
  }
  if (!info.endpoint || !info.certificateAuthority || !info.arn) {
    throw new CurvectlError('REFUSED', `The EKS cluster ${name} has no API endpoint or CA yet (status ${info.status}).`, {
      hint: 'Wait until it is ACTIVE (curvectl status), then run this again.',
    });
  }
  // The region the cluster lives in is part of its ARN (arn:aws:eks:<region>:<account>:cluster/<name>).
  const region = info.arn.split(':')[3] || loaded.config.region || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || '';
  const entry = kubeconfigEntry({
    clusterName: name,
    arn: info.arn,
    endpoint: info.endpoint,
    certificateAuthorityData: info.certificateAuthority,
    region,
    ...(ctx.env.AWS_PROFILE ? { profile: ctx.env.AWS_PROFILE } : {}),
  });
  const YAML = await import('yaml');

  if (!options.write) {
    const doc = kubeconfigDocument(entry);
    return { text: [YAML.stringify(doc).trimEnd()], json: doc };
  }

  const file = kubeconfigPath(ctx.env);
  let existing: unknown;
  try {
    existing = YAML.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CurvectlError('REFUSED', `Cannot read ${file} as a kubeconfig: ${(err as Error).message.split('\n')[0]}; nothing was written.`, {
        hint: 'Fix that file, or point KUBECONFIG at another one.',
        cause: err,
      });
    }
  }
  const merged = mergeKubeconfig(existing, entry, { force: options.force === true, file });
  const json = { file, context: entry.name, changed: merged.changed, ...(ctx.globals.dryRun ? { dryRun: true } : {}) };
  if (!merged.changed) {
    return { text: [`${file} already has the context ${entry.name} (current); nothing changed.`], json };
  }
  if (ctx.globals.dryRun) {
    return { text: [`Would write ${file} with the context ${entry.name} as the current one:`, '', YAML.stringify(merged.document).trimEnd()], json };
  }
  const { writeFileAtomic } = await import('../../adapters/fs-atomic.js');
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Owner-only, like kubectl and the AWS CLI: the file says how to reach and authenticate to clusters.
  await writeFileAtomic(file, YAML.stringify(merged.document), { mode: 0o600 });
  return {
    text: [`Wrote the context ${entry.name} to ${file} and made it the current one.`, `Try: kubectl --context ${entry.name} get nodes`],
    json,
  };
}

/** kubectl's rule: the first file of KUBECONFIG (path-list) is the one written; else ~/.kube/config. */
export function kubeconfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p.trim() !== '');
  return first ? path.resolve(first) : path.join(env.HOME || os.homedir(), '.kube', 'config');
}
