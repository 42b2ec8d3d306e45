/**
 * A local stand-in of clusters' Kubernetes APIs for the flux gate: one HTTP server, each cluster
 * under its own path prefix (/<cluster>/apis/...), serving Flux objects in their real shape. It
 * authenticates like EKS's authenticator: the bearer token must be an EKS token (k8s-aws-v1. +
 * base64url of a presigned STS GetCallerIdentity URL, 60 s, x-k8s-aws-id signed) and calling that
 * URL with x-k8s-aws-id: <cluster> must answer with a caller identity. Here the URL points at the
 * emulator, because the code under test presigns against AWS_ENDPOINT_URL like every SDK does.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { decodeEksToken } from '../../src/adapters/aws/eks-token.js';

export interface ClusterObjects {
  kustomizations: unknown[];
  helmReleases: unknown[];
}

export interface KubernetesStandIn {
  /** Base URL; a cluster's API server is `${url}/${cluster}`. */
  readonly url: string;
  readonly clusters: Map<string, ClusterObjects>;
  /** Every authentication decision: which cluster, and the caller ARN STS gave (or why it refused). */
  readonly auth: { cluster: string; arn?: string; refused?: string }[];
  close(): Promise<void>;
}

const LISTS: Record<string, { key: keyof ClusterObjects; kind: string; apiVersion: string }> = {
  '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations': { key: 'kustomizations', kind: 'KustomizationList', apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
  '/apis/helm.toolkit.fluxcd.io/v2/helmreleases': { key: 'helmReleases', kind: 'HelmReleaseList', apiVersion: 'helm.toolkit.fluxcd.io/v2' },
};

async function authenticate(header: string | undefined, cluster: string): Promise<{ arn: string } | { refused: string }> {
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  if (!token) return { refused: 'no bearer token' };
  const url = decodeEksToken(token);
  if (!url) return { refused: 'not an EKS token' };
  if (url.searchParams.get('Action') !== 'GetCallerIdentity') return { refused: 'not a GetCallerIdentity URL' };
  if (url.searchParams.get('X-Amz-Expires') !== '60') return { refused: 'not valid for 60 s' };
  if (!(url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';').includes('x-k8s-aws-id')) return { refused: 'x-k8s-aws-id is not signed' };
  const answer = await getCallerIdentity(url, cluster);
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(answer.body)?.[1];
  if (answer.status !== 200 || !arn) return { refused: `STS answered ${answer.status}: ${answer.body.slice(0, 200)}` };
  return { arn };
}

/**
 * GET the presigned URL, as the authenticator does. moto quirk: moto_server picks the service from
 * the Authorization header's credential scope and sends a request without one to S3 (it does not
 * look at a presigned query), so the same credential, signed headers and signature are also given in
 * header form. moto checks neither. Real STS needs nothing of this.
 */
function getCallerIdentity(url: URL, cluster: string): Promise<{ status: number; body: string }> {
  const q = url.searchParams;
  const authorization = `AWS4-HMAC-SHA256 Credential=${q.get('X-Amz-Credential') ?? ''}, SignedHeaders=${q.get('X-Amz-SignedHeaders') ?? ''}, Signature=${q.get('X-Amz-Signature') ?? ''}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: { 'x-k8s-aws-id': cluster, authorization, 'x-amz-date': q.get('X-Amz-Date') ?? '' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function startKubernetesStandIn(): Promise<KubernetesStandIn> {
  const clusters = new Map<string, ClusterObjects>();
  const auth: KubernetesStandIn['auth'] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const cluster = path.split('/')[1] ?? '';
      const rest = path.slice(cluster.length + 1);
      const status = (code: number, reason: string, message: string) =>
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
      const decision = await authenticate(req.headers.authorization, cluster);
      auth.push({ cluster, ...decision });
      if ('refused' in decision) return status(401, 'Unauthorized', 'Unauthorized');
      const objects = clusters.get(cluster);
      const list = LISTS[rest];
      if (!objects || !list) return status(404, 'NotFound', 'the server could not find the requested resource');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ apiVersion: list.apiVersion, kind: list.kind, metadata: { resourceVersion: '1' }, items: objects[list.key] }),
      );
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    clusters,
    auth,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Kustomization as kustomize-controller writes it (api/v1 KustomizationStatus). */
export function kustomization(name: string, revision: string, ready: 'True' | 'False' = 'True'): unknown {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', generation: 2, uid: `uid-${name}`, resourceVersion: '100' },
    spec: { interval: '10m0s', path: `./clusters/${name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status: {
      observedGeneration: 2,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      conditions: [
        ready === 'True'
          ? { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}`, observedGeneration: 2, lastTransitionTime: '2026-12-01T21:00:00Z' }
          : { type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: 'timeout waiting for: [Deployment/apps/api status: InProgress]', observedGeneration: 2, lastTransitionTime: '2026-12-01T21:00:00Z' },
      ],
      inventory: { entries: [] },
    },
  };
}

/** A HelmRelease as helm-controller writes it (api/v2 HelmReleaseStatus: history, lastAttemptedRevision). */
export function helmRelease(namespace: string, name: string, ready: 'True' | 'False' = 'True'): unknown {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace, generation: 1 },
    spec: { interval: '5m', chart: { spec: { chart: name, version: '1.24.0', sourceRef: { kind: 'HelmRepository', name: 'istio' } } } },
    status: {
      observedGeneration: 1,
      lastAttemptedRevision: '1.24.0',
      lastAttemptedConfigDigest: 'sha256:0f1e',
      history: [{ name, namespace, version: 3, chartName: name, chartVersion: '1.24.0', configDigest: 'sha256:0f1e', status: ready === 'True' ? 'deployed' : 'failed', firstDeployed: '2026-12-01T20:00:00Z', lastDeployed: '2026-12-01T21:00:00Z' }],
      conditions: [
        ready === 'True'
          ? { type: 'Ready', status: 'True', reason: 'UpgradeSucceeded', message: `Helm upgrade succeeded for release ${namespace}/${name}.v3 with chart ${name}@1.24.0`, observedGeneration: 1, lastTransitionTime: '2026-12-01T21:00:00Z' }
          : { type: 'Ready', status: 'False', reason: 'UpgradeFailed', message: `Helm upgrade failed for release ${namespace}/${name} with chart ${name}@1.24.0: context deadline exceeded`, observedGeneration: 1, lastTransitionTime: '2026-12-01T21:00:00Z' },
      ],
    },
  };
}
