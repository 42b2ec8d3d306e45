/** eks and nodegroups gates: the control plane and the managed node groups. */
import type { Gate } from './spec.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { oneLine, plural } from './text.js';

export async function checkEks(gate: Gate<'eks'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const eks = env.ports.eks;
  if (!eks) return { outcome: 'error', reason: 'no EKS client is available to this command' };
  const info = await eks.describeCluster(target.cluster, env.signal);
  if (!info) return { outcome: 'fail', reason: `EKS cluster ${target.cluster} does not exist` };
  if (info.status !== 'ACTIVE') return { outcome: 'fail', reason: `EKS cluster is ${info.status}, not ACTIVE` };
  if (info.healthIssues.length > 0) {
    return { outcome: 'fail', reason: oneLine(`EKS reports ${plural(info.healthIssues.length, 'health issue')}: ${info.healthIssues.join('; ')}`) };
  }
  const expected = gate.version ?? target.kubernetesVersion;
  if (expected !== undefined && info.version !== expected) {
    return { outcome: 'fail', reason: `runs Kubernetes ${info.version}, expected ${expected}` };
  }
  return {
    outcome: 'pass',
    reason: `ACTIVE, Kubernetes ${info.version}${expected === undefined ? ' (no expected version to compare)' : ''}`,
  };
}

export async function checkNodegroups(_gate: Gate<'nodegroups'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const eks = env.ports.eks;
  if (!eks) return { outcome: 'error', reason: 'no EKS client is available to this command' };
  const groups = await eks.listNodegroups(target.cluster, env.signal);
  if (groups.length === 0) return { outcome: 'fail', reason: `cluster ${target.cluster} has no node groups` };
  const inactive = groups.filter((g) => g.status !== 'ACTIVE');
  if (inactive.length > 0) {
    return { outcome: 'fail', reason: oneLine(`not ACTIVE: ${inactive.map((g) => `${g.name} ${g.status}`).join(', ')}`) };
  }
  const unhealthy = groups.filter((g) => g.healthIssues.length > 0);
  if (unhealthy.length > 0) {
    return {
      outcome: 'fail',
      reason: oneLine(`health issues: ${unhealthy.map((g) => `${g.name}: ${g.healthIssues.join('; ')}`).join(', ')}`),
    };
  }
  return { outcome: 'pass', reason: `${plural(groups.length, 'node group')} ACTIVE` };
}
