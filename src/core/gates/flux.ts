/**
 * flux gate: Flux has reconciled everything on the target, at the Git revision the clusters taking
 * traffic run. Read through the target's Kubernetes API (KubernetesPort):
 * - every Kustomization (kustomize.toolkit.fluxcd.io/v1) and HelmRelease (helm.toolkit.fluxcd.io/v2)
 *   has the condition Ready=True for its current generation (status.observedGeneration ==
 *   metadata.generation) and is not suspended. Shapes: fluxcd/kustomize-controller api/v1/
 *   kustomization_types.go (KustomizationStatus: conditions, observedGeneration, lastAppliedRevision,
 *   lastAttemptedRevision) and fluxcd/helm-controller api/v2/helmrelease_types.go (HelmReleaseStatus:
 *   conditions, observedGeneration, history, lastAttemptedRevision).
 * - with sameRevisionAs: serving, each Kustomization's status.lastAppliedRevision (e.g.
 *   "main@sha1:0f1e...", the applied source artifact's revision) equals that of the same
 *   Kustomization on every other cluster with weight, when that cluster can be reached.
 * Fail closed: no Flux objects at all is a failure; an unreadable target is an error.
 */
import type { KubernetesList } from '../ports.js';
import type { Gate } from './spec.js';
import { oneLine, plural } from './text.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { definedOnly } from '../defined-only.js';
import { textOf } from '../text-of.js';

export const KUSTOMIZATIONS: KubernetesList = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' };
export const HELM_RELEASES: KubernetesList = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' };

export interface FluxObject {
  readonly kind: 'Kustomization' | 'HelmRelease';
  /** namespace/name */
  readonly id: string;
  /** Undefined when Ready; else why not, in a few words. */
  readonly notReady?: string;
  /** Kustomizations: status.lastAppliedRevision. */
  readonly revision?: string;
}

interface RawCondition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

interface RawObject {
  metadata?: { name?: unknown; namespace?: unknown; generation?: unknown };
  spec?: { suspend?: unknown };
  status?: { conditions?: unknown; observedGeneration?: unknown; lastAppliedRevision?: unknown };
}

/** One Flux object as the gate judges it, from the API's JSON. */
export function fluxObjectOf(kind: FluxObject['kind'], raw: unknown): FluxObject {
  const o = (raw ?? {}) as RawObject;
  const id = `${textOf(o.metadata?.namespace ?? '?')}/${textOf(o.metadata?.name ?? '?')}`;
  const revision = typeof o.status?.lastAppliedRevision === 'string' && o.status.lastAppliedRevision ? o.status.lastAppliedRevision : undefined;
  const base = { kind, id, ...definedOnly({ revision }) };
  if (o.spec?.suspend === true) return { ...base, notReady: 'suspended' };
  const conditions = Array.isArray(o.status?.conditions) ? (o.status.conditions as RawCondition[]) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready) return { ...base, notReady: 'no Ready condition yet' };
  if (ready.status !== 'True') {
    const why = [ready.reason, ready.message].filter((t): t is string => typeof t === 'string' && t !== '').join(': ');
    return { ...base, notReady: `Ready=${String(ready.status)}${why ? ` (${why})` : ''}` };
  }
  const generation = o.metadata?.generation;
  const observed = o.status?.observedGeneration;
  // Ready describes the generation the controller last saw; a newer spec is not reconciled yet.
  if (typeof generation === 'number' && (typeof observed !== 'number' || observed < generation)) {
    return { ...base, notReady: `generation ${generation} not reconciled yet (observed ${typeof observed === 'number' ? observed : 'none'})` };
  }
  return base;
}

async function readFlux(cluster: string, gate: Gate<'flux'>, env: GateEnv, apiServer: string | undefined): Promise<FluxObject[]> {
  const kubernetes = env.ports.kubernetes!;
  const [kustomizations = [], helmReleases = []] = await kubernetes.listObjects(cluster, [KUSTOMIZATIONS, HELM_RELEASES], {
    ...definedOnly({ apiServer, signal: env.signal }),
    timeoutMs: gate.timeoutMs,
  });
  return [...kustomizations.map((k) => fluxObjectOf('Kustomization', k)), ...helmReleases.map((h) => fluxObjectOf('HelmRelease', h))];
}

export async function checkFlux(gate: Gate<'flux'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  if (!env.ports.kubernetes) return { outcome: 'error', reason: 'no Kubernetes client is available to this command' };
  const objects = await readFlux(target.cluster, gate, env, gate.apiServer?.render(env.placeholders));
  if (objects.length === 0) return { outcome: 'fail', reason: `no Flux Kustomization or HelmRelease on ${target.cluster}: Flux has not reconciled anything` };
  const notReady = objects.filter((o) => o.notReady !== undefined);
  if (notReady.length > 0) {
    const shown = notReady.slice(0, 3).map((o) => `${o.kind} ${o.id} ${o.notReady}`);
    return { outcome: 'fail', reason: oneLine(`not Ready: ${shown.join('; ')}${notReady.length > 3 ? `; and ${notReady.length - 3} more` : ''}`) };
  }
  const counts = summary(objects);
  if (gate.sameRevisionAs === 'none') return { outcome: 'pass', reason: `${counts} Ready` };
  const weights = env.context.weights;
  if (!weights) return { outcome: 'pass', reason: `${counts} Ready (which clusters serve is unknown here: revisions not compared)` };
  const serving = Object.entries(weights)
    .filter(([name, weight]) => name !== target.cluster && weight > 0)
    .map(([name]) => name)
    .sort();
  if (serving.length === 0) return { outcome: 'pass', reason: `${counts} Ready (no other cluster takes traffic: revisions not compared)` };
  const mine = new Map(objects.filter((o) => o.kind === 'Kustomization').map((o) => [o.id, o.revision] as const));
  const compared: string[] = [];
  const unreachable: string[] = [];
  // Every serving cluster at once: a slow one costs one timeout, not one per cluster.
  const reads = await Promise.all(
    serving.map(async (other) => {
      try {
        // The serving cluster's own API server: the same override, rendered for that cluster.
        return { other, objects: await readFlux(other, gate, env, gate.apiServer?.render({ cluster: other })) };
      } catch (err) {
        if (env.signal?.aborted) throw err;
        return { other, objects: undefined };
      }
    }),
  );
  const differ: string[] = [];
  for (const { other, objects: theirs } of reads) {
    if (!theirs) {
      unreachable.push(other);
      continue;
    }
    for (const o of theirs) {
      if (o.kind !== 'Kustomization' || o.revision === undefined) continue;
      const own = mine.get(o.id);
      if (own !== o.revision) differ.push(`Kustomization ${o.id} is at ${own ?? (mine.has(o.id) ? 'no applied revision' : 'missing')} on ${target.cluster}, ${o.revision} on ${other}`);
    }
    compared.push(other);
  }
  if (differ.length > 0) {
    return { outcome: 'fail', reason: oneLine(`revision differs: ${differ.slice(0, 2).join('; ')}${differ.length > 2 ? `; and ${differ.length - 2} more` : ''}`) };
  }
  const root = revisionOf(objects);
  const at = root ? ` at ${root}` : '';
  if (compared.length === 0) return { outcome: 'pass', reason: `${counts} Ready${at} (${unreachable.join(', ')} unreachable: revisions not compared)` };
  const note = unreachable.length > 0 ? `; ${unreachable.join(', ')} unreachable` : '';
  return { outcome: 'pass', reason: `${counts} Ready${at}, same revisions as ${compared.join(', ')}${note}` };
}

function summary(objects: readonly FluxObject[]): string {
  const k = objects.filter((o) => o.kind === 'Kustomization').length;
  const h = objects.length - k;
  return [k > 0 ? plural(k, 'Kustomization') : '', h > 0 ? plural(h, 'HelmRelease') : ''].filter(Boolean).join(' and ');
}

/** The revision to show: flux-system's (the bootstrap root), else the first Kustomization's. */
function revisionOf(objects: readonly FluxObject[]): string | undefined {
  const ks = objects.filter((o) => o.kind === 'Kustomization' && o.revision !== undefined);
  return (ks.find((o) => o.id === 'flux-system/flux-system') ?? ks[0])?.revision;
}
