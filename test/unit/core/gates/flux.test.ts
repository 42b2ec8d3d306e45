import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../../../src/config/schema.js';
import { fluxObjectOf } from '../../../../src/core/gates/flux.js';
import { GateRunner, type GateContext, type GateResultView } from '../../../../src/core/gates/index.js';
import type { KubernetesList, KubernetesPort } from '../../../../src/core/ports.js';
import { FakeClock } from '../../../_helpers/fakes.js';

/** A Flux object in the API's shape (Ready condition, generations, applied revision). */
function ks(name: string, revision: string, ready: 'True' | 'False' | 'Unknown' = 'True', extra: { generation?: number; observed?: number; suspend?: boolean } = {}) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', generation: extra.generation ?? 1 },
    spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...(extra.suspend ? { suspend: true } : {}) },
    status: {
      observedGeneration: extra.observed ?? extra.generation ?? 1,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      conditions: [
        { type: 'Ready', status: ready, reason: ready === 'True' ? 'ReconciliationSucceeded' : 'BuildFailed', message: ready === 'True' ? `Applied revision: ${revision}` : 'kustomize build failed', lastTransitionTime: '2026-12-01T21:00:00Z', observedGeneration: 1 },
      ],
    },
  };
}

class FakeKubernetes implements KubernetesPort {
  readonly calls: { cluster: string; apiServer?: string }[] = [];
  constructor(private readonly clusters: Record<string, { kustomizations: unknown[]; helmReleases?: unknown[] } | Error>) {}
  async listObjects(cluster: string, lists: readonly KubernetesList[], options: { apiServer?: string }): Promise<unknown[][]> {
    this.calls.push({ cluster, ...(options.apiServer !== undefined ? { apiServer: options.apiServer } : {}) });
    const c = this.clusters[cluster];
    if (!c) throw new Error(`connect ECONNREFUSED (${cluster})`);
    if (c instanceof Error) throw c;
    return lists.map((l) => (l.plural === 'kustomizations' ? c.kustomizations : (c.helmReleases ?? [])));
  }
}

async function check(k8s: FakeKubernetes, context: GateContext, gate: Record<string, unknown> = {}): Promise<GateResultView> {
  const runner = new GateRunner({ gates: [gateSchema.parse({ type: 'flux', ...gate })], clock: new FakeClock(), gateErrorLimit: 3, kubernetes: k8s });
  return (await runner.check({ cluster: 'green' }, undefined, context)).results[0]!;
}

const serving: GateContext = { weight: 0, weights: { blue: 100, green: 0 } };

describe('fluxObjectOf (the Ready rule)', () => {
  it('is Ready only with Ready=True for the current generation, not suspended', () => {
    expect(fluxObjectOf('Kustomization', ks('apps', 'main@sha1:aaa'))).toEqual({ kind: 'Kustomization', id: 'flux-system/apps', revision: 'main@sha1:aaa' });
    expect(fluxObjectOf('Kustomization', ks('apps', 'main@sha1:aaa', 'False')).notReady).toBe('Ready=False (BuildFailed: kustomize build failed)');
    expect(fluxObjectOf('Kustomization', ks('apps', 'main@sha1:aaa', 'True', { generation: 3, observed: 2 })).notReady).toBe('generation 3 not reconciled yet (observed 2)');
    expect(fluxObjectOf('Kustomization', ks('apps', 'main@sha1:aaa', 'True', { suspend: true })).notReady).toBe('suspended');
    expect(fluxObjectOf('HelmRelease', { metadata: { name: 'istiod', namespace: 'istio-system' }, status: {} }).notReady).toBe('no Ready condition yet');
  });
});

describe('flux gate', () => {
  it('passes when everything is Ready at the revision the serving cluster runs', async () => {
    const k8s = new FakeKubernetes({ green: { kustomizations: [ks('flux-system', 'main@sha1:aaa'), ks('apps', 'main@sha1:aaa')] }, blue: { kustomizations: [ks('flux-system', 'main@sha1:aaa'), ks('apps', 'main@sha1:aaa')] } });
    expect(await check(k8s, serving)).toMatchObject({ outcome: 'pass', reason: '2 Kustomizations Ready at main@sha1:aaa, same revisions as blue' });
    expect(k8s.calls.map((c) => c.cluster)).toEqual(['green', 'blue']);
  });

  it('fails naming what is not Ready', async () => {
    const k8s = new FakeKubernetes({ green: { kustomizations: [ks('apps', 'main@sha1:aaa', 'False')], helmReleases: [{ metadata: { name: 'istiod', namespace: 'istio-system' }, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Progressing' }] } }] } });
    expect(await check(k8s, serving)).toMatchObject({
      outcome: 'fail',
      reason: 'not Ready: Kustomization flux-system/apps Ready=False (BuildFailed: kustomize build failed); HelmRelease istio-system/istiod Ready=Unknown (Progressing)',
    });
  });

  it('fails naming the revision that differs, or a Kustomization missing on the target', async () => {
    const k8s = new FakeKubernetes({ green: { kustomizations: [ks('apps', 'main@sha1:bbb')] }, blue: { kustomizations: [ks('apps', 'main@sha1:aaa'), ks('infra', 'main@sha1:aaa')] } });
    expect(await check(k8s, serving)).toMatchObject({
      outcome: 'fail',
      reason: 'revision differs: Kustomization flux-system/apps is at main@sha1:bbb on green, main@sha1:aaa on blue; Kustomization flux-system/infra is at missing on green, main@sha1:aaa on blue',
    });
    expect(await check(k8s, serving, { sameRevisionAs: 'none' })).toMatchObject({ outcome: 'pass', reason: '1 Kustomization Ready' });
  });

  it('compares with reachable serving clusters only, and says which were not', async () => {
    const k8s = new FakeKubernetes({ green: { kustomizations: [ks('apps', 'main@sha1:aaa')] } });
    expect(await check(k8s, serving)).toMatchObject({ outcome: 'pass', reason: '1 Kustomization Ready at main@sha1:aaa (blue unreachable: revisions not compared)' });
    expect(await check(k8s, {})).toMatchObject({ outcome: 'pass', reason: '1 Kustomization Ready (which clusters serve is unknown here: revisions not compared)' });
  });

  it('is an error when the target cannot be read, and a failure when Flux has nothing', async () => {
    expect(await check(new FakeKubernetes({}), serving)).toMatchObject({ outcome: 'error', reason: 'connect ECONNREFUSED (green)' });
    expect(await check(new FakeKubernetes({ green: { kustomizations: [] } }), serving)).toMatchObject({ outcome: 'fail', reason: expect.stringContaining('no Flux Kustomization or HelmRelease on green') });
  });

  it('renders apiServer for each cluster it reads', async () => {
    const k8s = new FakeKubernetes({ green: { kustomizations: [ks('apps', 'r1')] }, blue: { kustomizations: [ks('apps', 'r1')] } });
    await check(k8s, serving, { apiServer: 'http://127.0.0.1:8001/{cluster}' });
    expect(k8s.calls).toEqual([
      { cluster: 'green', apiServer: 'http://127.0.0.1:8001/green' },
      { cluster: 'blue', apiServer: 'http://127.0.0.1:8001/blue' },
    ]);
  });
});
