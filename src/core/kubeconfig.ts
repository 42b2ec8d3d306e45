/**
 * A kubeconfig entry for an EKS cluster, the way `aws eks update-kubeconfig` writes one: the cluster
 * (API endpoint and CA), a user that gets its token by running `aws eks get-token` (exec credential
 * plugin, client.authentication.k8s.io/v1beta1), and a context joining the two, all named by the
 * cluster's ARN (https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html,
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins).
 * Merging follows kubectl's rule that entries are keyed by name; an entry of the same name that
 * differs is someone else's and is only replaced when the operator says so (force).
 */
import { CurvectlError } from './errors.js';

export interface KubeconfigInput {
  readonly clusterName: string;
  readonly arn: string;
  readonly endpoint: string;
  /** Base64 PEM, as DescribeCluster returns it. */
  readonly certificateAuthorityData: string;
  readonly region: string;
  /** AWS_PROFILE to pass to `aws eks get-token`, when one is in use. */
  readonly profile?: string;
}

type Named = { readonly name: string; readonly [key: string]: unknown };

export interface KubeconfigEntry {
  readonly name: string;
  readonly cluster: Named;
  readonly user: Named;
  readonly context: Named;
}

export function kubeconfigEntry(input: KubeconfigInput): KubeconfigEntry {
  const name = input.arn;
  return {
    name,
    cluster: { name, cluster: { server: input.endpoint, 'certificate-authority-data': input.certificateAuthorityData } },
    user: {
      name,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['--region', input.region, 'eks', 'get-token', '--cluster-name', input.clusterName, '--output', 'json'],
          ...(input.profile ? { env: [{ name: 'AWS_PROFILE', value: input.profile }] } : {}),
          interactiveMode: 'IfAvailable',
          provideClusterInfo: false,
        },
      },
    },
    context: { name, context: { cluster: name, user: name } },
  };
}

/** A whole kubeconfig holding only this entry (what `cluster kubeconfig` prints). */
export function kubeconfigDocument(entry: KubeconfigEntry): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [entry.cluster],
    users: [entry.user],
    contexts: [entry.context],
    'current-context': entry.name,
  };
}

export interface MergeResult {
  readonly document: Record<string, unknown>;
  /** False when the file already held exactly this entry as its current context. */
  readonly changed: boolean;
}

/**
 * Merges the entry into an existing kubeconfig (parsed; undefined for none): every other cluster,
 * user and context is kept as it was, and the entry's context becomes the current one.
 */
export function mergeKubeconfig(existing: unknown, entry: KubeconfigEntry, options: { force: boolean; file: string }): MergeResult {
  if (existing !== undefined && existing !== null && (typeof existing !== 'object' || Array.isArray(existing))) {
    throw new CurvectlError('REFUSED', `${options.file} is not a kubeconfig (not a mapping); nothing was written.`, {
      hint: 'Fix or move that file, or point KUBECONFIG at another one.',
    });
  }
  const doc: Record<string, unknown> = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...((existing as Record<string, unknown> | null) ?? {}) };
  let changed = false;
  for (const [key, item] of [['clusters', entry.cluster], ['users', entry.user], ['contexts', entry.context]] as const) {
    const value = doc[key] ?? [];
    if (!Array.isArray(value)) {
      throw new CurvectlError('REFUSED', `${options.file}: "${key}" is not a list; nothing was written.`, { hint: 'Fix that file, or point KUBECONFIG at another one.' });
    }
    // Array.isArray says any[]; the entries are whatever the file holds.
    const list: readonly unknown[] = value;
    const at = list.findIndex((x: unknown) => typeof x === 'object' && x !== null && (x as Named).name === item.name);
    if (at === -1) {
      doc[key] = [...list, item];
      changed = true;
    } else if (JSON.stringify(list[at]) !== JSON.stringify(item)) {
      if (!options.force) {
        throw new CurvectlError('REFUSED', `${options.file} already has a different ${key.slice(0, -1)} named ${item.name}; nothing was written.`, {
          hint: 'Pass --force to replace it (the cluster may have been re-created), or remove it with kubectl config.',
        });
      }
      doc[key] = list.map((x: unknown, i: number) => (i === at ? item : x));
      changed = true;
    } else {
      doc[key] = list;
    }
  }
  if (doc['current-context'] !== entry.name) {
    doc['current-context'] = entry.name;
    changed = true;
  }
  return { document: doc, changed };
}
