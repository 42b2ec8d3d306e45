/**
 * KubernetesPort for EKS clusters: DescribeCluster gives the API endpoint and its CA, an EKS token
 * (eks-token.ts) from the default credential chain authenticates, and @kubernetes/client-node reads
 * the lists. Loaded lazily: only a flux gate pays for the client. A configured apiServer replaces
 * the endpoint (a tunnel or proxy); plain http is refused except on loopback, so a token never
 * crosses a network in clear text.
 */
import { abortReason } from '../../core/abort-reason.js';
import { CurvectlError } from '../../core/errors.js';
import { formatDuration } from '../../core/duration.js';
import type { EksPort, KubernetesList, KubernetesPort } from '../../core/ports.js';
import { eksToken, stsEndpoint } from '../aws/eks-token.js';

export interface EksKubernetesOptions {
  readonly eks: EksPort;
  readonly region?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class EksKubernetes implements KubernetesPort {
  constructor(private readonly options: EksKubernetesOptions) {}

  async listObjects(
    cluster: string,
    lists: readonly KubernetesList[],
    options: { apiServer?: string; timeoutMs: number; signal?: AbortSignal },
  ): Promise<unknown[][]> {
    // Loading the client is not the cluster's time: the timeout starts once it is loaded.
    const libraries = await loadLibraries();
    const work = this.list(cluster, lists, options, libraries);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new CurvectlError('ENVIRONMENT', `The Kubernetes API of ${cluster} did not answer within ${formatDuration(options.timeoutMs)}.`)),
        options.timeoutMs,
      );
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      // Whatever abort() was given, rejected as an Error that reads as an abort.
      onAbort = () => reject(abortReason(options.signal));
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, timeout, aborted]);
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      // The losers of the race must not surface as unhandled rejections.
      work.catch(() => undefined);
      aborted.catch(() => undefined);
    }
  }

  private async list(
    cluster: string,
    lists: readonly KubernetesList[],
    options: { apiServer?: string; signal?: AbortSignal },
    { defaultProvider, k8s }: Libraries,
  ): Promise<unknown[][]> {
    const info = await this.options.eks.describeCluster(cluster, options.signal);
    if (!info) throw new CurvectlError('ENVIRONMENT', `EKS cluster ${cluster} does not exist.`);
    const server = options.apiServer ?? info.endpoint;
    if (!server) throw new CurvectlError('ENVIRONMENT', `EKS reports no API endpoint for ${cluster} (is it still being created?).`);
    const url = new URL(server);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      throw new CurvectlError('BAD_CONFIG', `Refusing to send a cluster token over plain http to ${url.host}: use https, or http only on loopback (a tunnel).`);
    }
    const region = this.options.region ?? this.options.env.AWS_REGION ?? this.options.env.AWS_DEFAULT_REGION;
    if (!region) throw new CurvectlError('BAD_CONFIG', 'No AWS region for the EKS token: set region in curvectl.yaml or AWS_REGION.');
    const token = await eksToken({ cluster, region, credentials: defaultProvider(), stsEndpoint: stsEndpoint(region, this.options.env) });
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster,
          server: server.replace(/\/+$/, ''),
          // client-node refuses http unless told there is no TLS to verify; http is loopback only (above).
          skipTLSVerify: url.protocol === 'http:',
          // The endpoint EKS reports chains to the cluster's own CA; an apiServer override uses the system's.
          ...(options.apiServer === undefined && info.certificateAuthority ? { caData: info.certificateAuthority } : {}),
        },
      ],
      users: [{ name: 'curvectl', token }],
      contexts: [{ name: cluster, cluster, user: 'curvectl' }],
      currentContext: cluster,
    });
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const out: unknown[][] = [];
    for (const list of lists) {
      try {
        const answer = (await api.listClusterCustomObject({ group: list.group, version: list.version, plural: list.plural })) as { items?: unknown };
        out.push(Array.isArray(answer.items) ? answer.items : []);
      } catch (err) {
        throw describeApiError(err, cluster, list);
      }
    }
    return out;
  }
}

type Libraries = Awaited<ReturnType<typeof loadLibraries>>;

async function loadLibraries() {
  const [{ defaultProvider }, k8s] = await Promise.all([import('@aws-sdk/credential-provider-node'), import('@kubernetes/client-node')]);
  return { defaultProvider, k8s };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function describeApiError(err: unknown, cluster: string, list: KubernetesList): CurvectlError {
  const code = (err as { code?: unknown }).code;
  const what = `${list.plural}.${list.group}/${list.version}`;
  if (code === 404) return new CurvectlError('ENVIRONMENT', `${cluster} does not serve ${what}: is Flux installed?`, { cause: err });
  if (code === 401) return new CurvectlError('ENVIRONMENT', `The Kubernetes API of ${cluster} refused the EKS token (401 Unauthorized).`, { cause: err });
  if (code === 403) return new CurvectlError('ENVIRONMENT', `The Kubernetes API of ${cluster} does not let this identity list ${what} (403 Forbidden).`, { cause: err });
  if (typeof code === 'number') return new CurvectlError('ENVIRONMENT', `The Kubernetes API of ${cluster} answered ${code} listing ${what}.`, { cause: err });
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const detail = typeof (err as { code?: unknown }).code === 'string' ? String(code) : typeof cause?.code === 'string' ? cause.code : (err as Error).message;
  return new CurvectlError('ENVIRONMENT', `Cannot reach the Kubernetes API of ${cluster}: ${detail}.`, { cause: err });
}
