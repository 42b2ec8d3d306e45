/** alarm and metric gates (CloudWatch). */
import { formatDuration } from '../duration.js';
import type { MetricSelector } from './spec.js';
import type { Gate } from './spec.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { oneLine, percent, plural } from './text.js';

export async function checkAlarms(gate: Gate<'alarm'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const cloudwatch = env.ports.cloudwatch;
  if (!cloudwatch) return { outcome: 'error', reason: 'no CloudWatch client is available to this command' };
  const names = [...new Set(gate.alarms.map((a) => a.render(env.placeholders)))];
  const states = await cloudwatch.alarmStates(names, env.signal);
  const byName = new Map(states.map((s) => [s.name, s] as const));
  // A missing alarm is a configuration or naming problem, not a verdict on the cluster: error.
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) return { outcome: 'error', reason: oneLine(`no such alarm: ${missing.join(', ')}`) };
  const bad: string[] = [];
  for (const name of names) {
    const alarm = byName.get(name)!;
    if (alarm.state === 'OK') continue;
    if (alarm.state === 'INSUFFICIENT_DATA' && gate.allowInsufficientData) continue;
    bad.push(`${name} is ${alarm.state}${alarm.reason ? ` (${alarm.reason})` : ''}`);
  }
  if (bad.length > 0) return { outcome: 'fail', reason: oneLine(bad.join('; ')) };
  return { outcome: 'pass', reason: names.length === 1 ? `${names[0]} OK` : `${plural(names.length, 'alarm')} OK` };
}

export async function checkMetric(gate: Gate<'metric'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const cloudwatch = env.ports.cloudwatch;
  if (!cloudwatch) return { outcome: 'error', reason: 'no CloudWatch client is available to this command' };
  const windowMs = gate.windowMs;
  // Before the target has any traffic there is nothing to judge (the pre-flight of a cluster at 0).
  if (env.context.weight === 0) return { outcome: 'skipped', reason: 'no traffic yet (the target has weight 0)' };
  const end = env.clock.now();
  const start = new Date(end.getTime() - windowMs);
  const namespace = gate.namespace.render(env.placeholders);
  const [errors, total] = await Promise.all([
    cloudwatch.sumMetric({ namespace, ...metric(gate.errors, env), start, end }, env.signal),
    cloudwatch.sumMetric({ namespace, ...metric(gate.total, env), start, end }, env.signal),
  ]);
  const window = formatDuration(windowMs);
  // The target has weight, so requests should show: no data (a mistyped metric name or dimension
  // looks exactly like this) or too few requests cannot show health. Fail closed: an error, counted
  // against gateErrorLimit, unless the gate accepts it (noData: pass).
  if (total <= 0 || total < gate.minTotal) {
    const reason = `${total <= 0 ? 'no data' : 'too little traffic'}: ${total} requests in ${window} (minimum ${Math.max(gate.minTotal, 1)})`;
    if (gate.noData === 'pass') return { outcome: 'pass', reason: `${reason}; accepted (noData: pass)` };
    return { outcome: 'error', reason: `${reason}; check the metric's name and dimensions` };
  }
  const ratio = errors / total;
  const summary = `${percent(ratio)} errors (${errors}/${total}) in ${window}, max ${percent(gate.maxRatio)}`;
  return { outcome: ratio <= gate.maxRatio ? 'pass' : 'fail', reason: summary };
}

function metric(selector: MetricSelector, env: GateEnv): { metricName: string; dimensions: Record<string, string> } {
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(selector.dimensions)) dimensions[name] = value.render(env.placeholders);
  return { metricName: selector.metricName.render(env.placeholders), dimensions };
}
