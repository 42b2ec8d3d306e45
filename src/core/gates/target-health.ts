/** target-health gate: the targets behind the cluster's ingress load balancer ({ingress}). */
import type { Gate } from './spec.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { oneLine, percent } from './text.js';

export async function checkTargetHealth(gate: Gate<'target-health'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const elbv2 = env.ports.elbv2;
  if (!elbv2) return { outcome: 'error', reason: 'no ELBv2 client is available to this command' };
  if (!target.ingress) return { outcome: 'error', reason: `the ingress load balancer of ${target.cluster} is unknown` };
  const targets = await elbv2.targetHealthForLoadBalancer(target.ingress, env.signal);
  // Zero targets is a failure, not a vacuous pass: nothing would serve the traffic.
  if (targets.length === 0) return { outcome: 'fail', reason: `no targets registered behind ${target.ingress}` };
  const healthy = targets.filter((t) => t.state === 'healthy').length;
  const fraction = healthy / targets.length;
  const summary = `${healthy}/${targets.length} targets healthy`;
  if (fraction >= gate.minHealthy) return { outcome: 'pass', reason: summary };
  const bad = targets
    .filter((t) => t.state !== 'healthy')
    .slice(0, 3)
    .map((t) => `${t.targetId} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
  return { outcome: 'fail', reason: oneLine(`${summary}, need ${percent(gate.minHealthy)}: ${bad.join(', ')}`) };
}
