/**
 * `cluster kubeconfig`: a kubeconfig context for a cluster, from EKS's description of it, either
 * returned (to print) or merged into the file kubectl reads, keeping everything else in it.
 */
import { CurvectlError, refused } from './errors.js';
import { kubeconfigDocument, kubeconfigEntry, mergeKubeconfig, type KubeconfigEntry } from './kubeconfig.js';
import type { EksPort } from './ports/eks.js';
import type { KubeconfigFilePort } from './ports/kubeconfig-file.js';

export interface ClusterKubeconfigDeps {
  readonly eks: EksPort;
  /** Only for a write. */
  readonly file?: KubeconfigFilePort;
  /** Where the cluster is when its ARN does not say (the configuration's region, then the environment's). */
  readonly region: string | undefined;
  /** AWS_PROFILE, passed on to `aws eks get-token` in the context's exec block. */
  readonly profile?: string;
}

export interface ClusterKubeconfigOptions {
  /** Merge into the kubeconfig file instead of returning the document. */
  readonly write: boolean;
  /** Replace a different entry of the same name (the cluster was re-created). */
  readonly force: boolean;
  /** With write: say what would be written, write nothing. */
  readonly dryRun: boolean;
}

export type ClusterKubeconfigResult =
  | { readonly kind: 'document'; readonly entry: KubeconfigEntry; readonly document: Record<string, unknown> }
  | { readonly kind: 'unchanged'; readonly entry: KubeconfigEntry; readonly file: string }
  | { readonly kind: 'would-write'; readonly entry: KubeconfigEntry; readonly file: string; readonly document: Record<string, unknown> }
  | { readonly kind: 'written'; readonly entry: KubeconfigEntry; readonly file: string };

export async function clusterKubeconfig(deps: ClusterKubeconfigDeps, name: string, options: ClusterKubeconfigOptions): Promise<ClusterKubeconfigResult> {
  const info = await deps.eks.describeCluster(name);
  if (!info) {
    throw refused(`There is no EKS cluster named ${name}.`, `Create it with "curvectl cluster create ${name}", or check the region (${deps.region ?? 'from the AWS profile'}).`);
  }
  if (!info.endpoint || !info.certificateAuthority || !info.arn) {
    throw new CurvectlError('REFUSED', `The EKS cluster ${name} has no API endpoint or CA yet (status ${info.status}).`, {
      hint: 'Wait until it is ACTIVE (curvectl status), then run this again.',
    });
  }
  // The region the cluster lives in is part of its ARN (arn:aws:eks:<region>:<account>:cluster/<name>).
  const region = info.arn.split(':')[3] || deps.region || '';
  const entry = kubeconfigEntry({
    clusterName: name,
    arn: info.arn,
    endpoint: info.endpoint,
    certificateAuthorityData: info.certificateAuthority,
    region,
    ...(deps.profile ? { profile: deps.profile } : {}),
  });
  if (!options.write) return { kind: 'document', entry, document: kubeconfigDocument(entry) };
  const file = deps.file;
  if (!file) throw new CurvectlError('INTERNAL', 'cluster kubeconfig --write needs the kubeconfig file port.');
  const merged = mergeKubeconfig(await file.read(), entry, { force: options.force, file: file.file });
  if (!merged.changed) return { kind: 'unchanged', entry, file: file.file };
  if (options.dryRun) return { kind: 'would-write', entry, file: file.file, document: merged.document };
  await file.write(merged.document);
  return { kind: 'written', entry, file: file.file };
}
