/**
 * The flux gate through the real adapters: DescribeCluster on the emulator (moto), an EKS token from
 * the default credential chain, @kubernetes/client-node against a local stand-in of the clusters'
 * Kubernetes APIs that checks the token by calling the emulator's STS GetCallerIdentity with it.
 * moto's DescribeCluster reports a random https://*.eks.amazonaws.com endpoint and a random CA
 * (nothing listens there), so the gate's apiServer setting points at the stand-in: the documented way
 * to reach an API server through a tunnel.
 */
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../../src/adapters/aws/clients.js';
import { systemClock } from '../../../src/adapters/clock.js';
import { EksKubernetes } from '../../../src/adapters/kubernetes/eks-kubernetes.js';
import { gateSchema } from '../../../src/config/schema.js';
import { GateRunner, type GateContext, type GateResultView } from '../../../src/core/gates/index.js';
import { freePort, startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { helmRelease, kustomization, startKubernetesStandIn, type KubernetesStandIn } from '../../_helpers/kubernetes-standin.js';

let emulator: Emulator;
let standIn: KubernetesStandIn;
let saved: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator();
  saved = { ...process.env };
  // The default credential chain reads the process environment, as it would in a shell.
  Object.assign(process.env, emulator.env);
  const eks = new EKSClient({ region: emulator.env.AWS_REGION, endpoint: emulator.endpoint });
  for (const name of ['green', 'blue']) {
    await eks.send(new CreateClusterCommand({ name, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: [] } }));
  }
  standIn = await startKubernetesStandIn();
});

afterAll(async () => {
  process.env = saved;
  await standIn?.close();
  await emulator?.stop();
});

const serving: GateContext = { weight: 0, weights: { blue: 100, green: 0 } };

async function check(context: GateContext, gate: Record<string, unknown> = {}, cluster = 'green'): Promise<GateResultView> {
  const ports = createAwsPorts({ region: emulator.env.AWS_REGION, dns: { zone: 'example.com', record: 'api.example.com' } });
  const runner = new GateRunner({
    gates: [gateSchema.parse({ type: 'flux', apiServer: `${standIn.url}/{cluster}`, ...gate })],
    clock: systemClock,
    gateErrorLimit: 3,
    kubernetes: new EksKubernetes({ eks: ports.eks, env: emulator.env, region: emulator.env.AWS_REGION }),
  });
  return (await runner.check({ cluster }, undefined, context)).results[0]!;
}

function fleet(green: { revision: string; ready?: 'True' | 'False'; helm?: 'True' | 'False' }, blue = { revision: 'main@sha1:1111111' }): void {
  standIn.clusters.set('green', {
    kustomizations: [kustomization('flux-system', green.revision), kustomization('apps', green.revision, green.ready ?? 'True')],
    helmReleases: [helmRelease('istio-system', 'istiod', green.helm ?? 'True')],
  });
  standIn.clusters.set('blue', {
    kustomizations: [kustomization('flux-system', blue.revision), kustomization('apps', blue.revision)],
    helmReleases: [helmRelease('istio-system', 'istiod')],
  });
}

describe('flux gate against a Kubernetes API stand-in and the emulator', () => {
  it('passes when all is Ready at the serving cluster revision, with tokens STS accepted for each cluster', async () => {
    fleet({ revision: 'main@sha1:1111111' });
    standIn.auth.length = 0;
    const r0 = await check(serving);
    expect(r0).toMatchObject({ outcome: 'pass', reason: '2 Kustomizations and 1 HelmRelease Ready at main@sha1:1111111, same revisions as blue' });
    // Both clusters read, each with its own token, each accepted by STS (the emulator's caller ARN).
    expect(new Set(standIn.auth.map((a) => a.cluster))).toEqual(new Set(['green', 'blue']));
    expect(standIn.auth.every((a) => typeof a.arn === 'string' && a.arn.startsWith('arn:aws:'))).toBe(true);
  });

  it('fails naming what is not Ready', async () => {
    fleet({ revision: 'main@sha1:1111111', ready: 'False', helm: 'False' });
    const result = await check(serving);
    expect(result.outcome).toBe('fail');
    expect(result.reason).toContain('Kustomization flux-system/apps Ready=False (HealthCheckFailed: timeout waiting for: [Deployment/apps/api status: InProgress])');
    expect(result.reason).toContain('HelmRelease istio-system/istiod Ready=False (UpgradeFailed');
  });

  it('fails naming the revision that differs from the serving cluster', async () => {
    fleet({ revision: 'main@sha1:2222222' });
    const result = await check(serving);
    expect(result).toMatchObject({ outcome: 'fail' });
    expect(result.reason).toContain('Kustomization flux-system/flux-system is at main@sha1:2222222 on green, main@sha1:1111111 on blue');
    expect(await check(serving, { sameRevisionAs: 'none' })).toMatchObject({ outcome: 'pass' });
  });

  it('is an error when the target API is unreachable, or refuses the token', async () => {
    fleet({ revision: 'main@sha1:1111111' });
    const port = await freePort();
    const down = await check(serving, { apiServer: `http://127.0.0.1:${port}/{cluster}` });
    expect(down.outcome).toBe('error');
    expect(down.reason).toMatch(/Cannot reach the Kubernetes API of green: .*ECONNREFUSED/);
    // Negative control: the stand-in really checks tokens (a token that is not an EKS token is refused).
    const refused = await fetch(`${standIn.url}/green/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
  });

  it('is an error for a cluster EKS does not know', async () => {
    const result = await check(serving, {}, 'purple');
    expect(result).toMatchObject({ outcome: 'error' });
    expect(result.reason).toContain('EKS cluster purple does not exist.');
  });
});
