/**
 * web gate: an external system decides (an approval service, Datadog or New Relic through their
 * APIs, a load test runner), the way Argo Rollouts' web metric provider and Flagger's webhooks do.
 * GET the URL, or POST it the context of the check as JSON. Without jsonPath the status code decides;
 * with it, the one value the path selects must meet the condition (booleans are 1 and 0).
 */
import { formatNumber, holds } from './condition.js';
import { scrub } from './headers.js';
import { openHttpGate } from './http-gate.js';
import type { Gate } from './spec.js';
import { displayUrl, oneLine } from './text.js';
import type { GateContext, GateEnv, GateTarget, GateVerdict } from './types.js';
import { definedOnly } from '../defined-only.js';
import { textOf } from '../text-of.js';

/** The JSON body of a POST: what the receiver needs to judge this check. */
export interface WebGateBody {
  readonly gate: 'web';
  readonly cluster: string;
  readonly ingress: string | null;
  readonly weight: number | null;
  readonly step: { readonly index: number; readonly total: number } | null;
  readonly weights: Readonly<Record<string, number>> | null;
  readonly operationId: string | null;
}

export function webGateBody(target: GateTarget, context: GateContext): WebGateBody {
  return {
    gate: 'web',
    cluster: target.cluster,
    ingress: target.ingress ?? null,
    weight: context.weight ?? null,
    step: context.step ?? null,
    weights: context.weights ?? null,
    operationId: context.operationId ?? null,
  };
}

export async function checkWeb(gate: Gate<'web'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const opened = openHttpGate(gate.headersFromEnv, env);
  if (!opened.ok) return opened.verdict;
  const { client, secrets } = opened;
  const url = gate.url.render(env.placeholders);
  const what = `${gate.method} ${displayUrl(url)}`;
  const answer = await client.request({
    method: gate.method,
    url,
    headers: { accept: 'application/json', ...opened.headers },
    ...(gate.method === 'POST' ? { json: webGateBody(target, env.context) } : {}),
    timeoutMs: gate.timeoutMs,
    ...definedOnly({ signal: env.signal }),
  });
  const clean = (text: string) => scrub(oneLine(text), secrets);
  if (!gate.select) {
    const ok = gate.expectStatus === undefined ? answer.status >= 200 && answer.status <= 299 : answer.status === gate.expectStatus;
    const expected = gate.expectStatus === undefined ? '2xx' : String(gate.expectStatus);
    if (ok) return { outcome: 'pass', reason: `${what} answered ${answer.status}` };
    return { outcome: 'fail', reason: clean(`${what} answered ${answer.status}, expected ${expected}${bodyHint(answer.body)}`) };
  }
  // With a jsonPath the answer must be a successful JSON document: anything else shows nothing.
  if (answer.status < 200 || answer.status > 299) return { outcome: 'error', reason: clean(`${what} answered ${answer.status}${bodyHint(answer.body)}`) };
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    return { outcome: 'error', reason: clean(`${what} answered ${answer.status} without JSON${bodyHint(answer.body)}`) };
  }
  const jsonPath = env.ports.jsonPath;
  if (!jsonPath) return { outcome: 'error', reason: 'no JSONPath evaluator is available to this command' };
  const { path, condition } = gate.select;
  const value = selectNumber(jsonPath.evaluate(path, json), path);
  if ('error' in value) return { outcome: 'error', reason: clean(`${what}: ${value.error}`) };
  const shown = `${path} = ${value.shown}`;
  if (holds(condition, value.number)) return { outcome: 'pass', reason: clean(`${shown} (${condition.text})`) };
  return { outcome: 'fail', reason: clean(`${shown}, needs ${condition.text}`) };
}

/**
 * The one number a JSONPath selected: a number, a boolean (1/0) or a numeric string. Nothing, several
 * values, null, an object or text are errors naming what was found: none of them shows health.
 */
export function selectNumber(matches: readonly unknown[], path: string): { number: number; shown: string } | { error: string } {
  if (matches.length === 0) return { error: `${path} matched nothing in the answer` };
  if (matches.length > 1) return { error: `${path} matched ${matches.length} values, expected one` };
  const value = matches[0];
  if (typeof value === 'boolean') return { number: value ? 1 : 0, shown: String(value) };
  if (typeof value === 'number' && Number.isFinite(value)) return { number: value, shown: formatNumber(value) };
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { number: Number(value), shown: JSON.stringify(value) };
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : textOf(value);
  return { error: `${path} is ${kind}, not a number or a boolean` };
}

function bodyHint(body: string): string {
  const first = body.trim().split(/\r?\n/)[0] ?? '';
  return first ? `: ${first.slice(0, 120)}` : '';
}
