/** The pre-flight gates on the target, before any weight moves (and again when a shift resumes). */
import { formatDuration } from '../duration.js';
import { CurvectlError, refused } from '../errors.js';
import { summarizeCheck } from '../gates/runner.js';
import type { GateCheck, GateContext, GateTarget } from '../gates/types.js';
import type { WeightedRecord } from '../ports.js';
import { pause } from './bake.js';
import type { ShiftDeps } from './types.js';

/** Pre-flight tries at most this many times while gates only error (GateRunner's limit usually ends it sooner). */
const MAX_PREFLIGHT_ATTEMPTS = 10;

/** {ingress} is the target's record value; the expected version comes from the cluster stack only when a gate needs it. */
export async function gateTarget(deps: ShiftDeps, cluster: string, records: readonly WeightedRecord[]): Promise<GateTarget> {
  const ingress = records.find((r) => r.setIdentifier === cluster)?.value;
  let kubernetesVersion: string | undefined;
  if (deps.gates.needsKubernetesVersion()) {
    kubernetesVersion = (await deps.stacks.clusterOutputs(cluster, { signal: deps.interrupts.signal }))?.kubernetesVersion;
  }
  return { cluster, ...(ingress !== undefined ? { ingress } : {}), ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}) };
}

/** One check, repeated while it only errors (transient errors are not a verdict), up to the error limit. */
export async function settledCheck(deps: ShiftDeps, target: GateTarget, intervalMs: number, context: GateContext): Promise<GateCheck> {
  let check = await deps.gates.check(target, deps.interrupts.signal, context);
  for (let attempt = 1; check.verdict === 'error' && attempt < MAX_PREFLIGHT_ATTEMPTS; attempt += 1) {
    deps.io.notify({ level: 'warn', code: 'shift.gates.error', text: `Gates on ${target.cluster}: ${summarizeCheck(check)}; checking again in ${formatDuration(intervalMs)}.` });
    await pause(deps, intervalMs);
    if (deps.interrupts.requested) break;
    check = await deps.gates.check(target, deps.interrupts.signal, context);
  }
  return check;
}

export async function preflight(deps: ShiftDeps, target: GateTarget, intervalMs: number, context: GateContext): Promise<void> {
  const check = await settledCheck(deps, target, intervalMs, context);
  if (deps.interrupts.requested) {
    deps.interrupts.acknowledge();
    throw new CurvectlError('STOPPED', 'Stopped by the operator before any weight moved.', { hint: 'Nothing was changed; run the shift again when ready.' });
  }
  deps.io.show({ type: 'gates', results: check.results });
  if (check.verdict !== 'pass') {
    throw refused(
      `Pre-flight gates on ${target.cluster} did not pass (${summarizeCheck(check)}); no weight was changed.`,
      `Fix what the gates report on ${target.cluster}, then run the shift again.`,
      { gates: check.results },
    );
  }
}
