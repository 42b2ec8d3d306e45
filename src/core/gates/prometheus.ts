/**
 * prometheus gate: one instant query through the HTTP API (GET <address>/api/v1/query, see
 * https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries) and a condition on
 * the one number it returns. Fail closed: no data, NaN, several series or a range vector are
 * errors naming what came back, never a pass.
 */
import { formatNumber, holds } from './condition.js';
import { scrub } from './headers.js';
import { openHttpGate } from './http-gate.js';
import type { Gate } from './spec.js';
import { displayUrl, oneLine } from './text.js';
import type { GateEnv, GateTarget, GateVerdict } from './types.js';
import { definedOnly } from '../defined-only.js';

export async function checkPrometheus(gate: Gate<'prometheus'>, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  const opened = openHttpGate(gate.headersFromEnv, env);
  if (!opened.ok) return opened.verdict;
  const { client, secrets } = opened;
  const address = gate.address.render(env.placeholders);
  const url = instantQueryUrl(address, gate.query.render(env.placeholders), gate.timeoutMs);
  const answer = await client.request({
    method: 'GET',
    url,
    headers: { accept: 'application/json', ...opened.headers },
    timeoutMs: gate.timeoutMs,
    ...definedOnly({ signal: env.signal }),
  });
  const read = readInstantQuery(answer.status, answer.body);
  const where = displayUrl(address);
  if ('error' in read) return { outcome: 'error', reason: scrub(oneLine(`${where}: ${read.error}`), secrets) };
  const value = formatNumber(read.value);
  if (holds(gate.condition, read.value)) return { outcome: 'pass', reason: `${value} (${gate.condition.text})` };
  return { outcome: 'fail', reason: `${value}, needs ${gate.condition.text}` };
}

/** <address>/api/v1/query?query=...; the server is told the timeout too, so it stops evaluating. */
export function instantQueryUrl(address: string, query: string, timeoutMs: number): string {
  const base = address.replace(/\/+$/, '');
  const params = new URLSearchParams({ query, timeout: `${Math.max(1, Math.round(timeoutMs))}ms` });
  return `${base}/api/v1/query?${params.toString()}`;
}

/**
 * The one number an instant query answered, or why there is none. The answer's envelope is
 * {status, data: {resultType, result}} or {status: "error", errorType, error}.
 */
export function readInstantQuery(status: number, body: string): { readonly value: number } | { readonly error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const first = body.trim().split(/\r?\n/)[0] ?? '';
    return { error: `HTTP ${status}, not a Prometheus API answer${first ? `: ${first}` : ''}` };
  }
  const envelope = (json ?? {}) as { status?: unknown; errorType?: unknown; error?: unknown; data?: unknown };
  if (envelope.status === 'error') {
    const type = typeof envelope.errorType === 'string' && envelope.errorType ? ` (${envelope.errorType})` : '';
    return { error: `Prometheus error${type}: ${typeof envelope.error === 'string' ? envelope.error : 'no message'}` };
  }
  if (status < 200 || status > 299 || envelope.status !== 'success') {
    return { error: `HTTP ${status}, status ${JSON.stringify(envelope.status ?? null)}: not a successful Prometheus API answer` };
  }
  const data = (envelope.data ?? {}) as { resultType?: unknown; result?: unknown };
  switch (data.resultType) {
    case 'scalar':
      return sampleValue(data.result, 'scalar');
    case 'vector': {
      const series = Array.isArray(data.result) ? (data.result as { metric?: Record<string, string>; value?: unknown }[]) : [];
      if (series.length === 0) return { error: 'the query returned no data (an empty vector): nothing shows the cluster is healthy' };
      if (series.length > 1) {
        const labels = series.slice(0, 3).map((s) => labelText(s.metric)).join(', ');
        return { error: `the query returned a vector of ${series.length} series (${labels}${series.length > 3 ? ', ...' : ''}), expected one: aggregate it, e.g. with sum()` };
      }
      return sampleValue(series[0]?.value, 'vector');
    }
    case 'matrix':
      return { error: 'the query returned a range vector (matrix), expected one number: drop the [range] or wrap it in a function like rate()' };
    case 'string':
      return { error: 'the query returned a string, expected a number' };
    default:
      return { error: `the answer has an unknown result type ${JSON.stringify(data.resultType ?? null)}` };
  }
}

function sampleValue(sample: unknown, shape: string): { readonly value: number } | { readonly error: string } {
  // A sample is [<unix time>, "<value>"]; the value is a string so NaN and ±Inf survive JSON.
  if (!Array.isArray(sample) || sample.length !== 2 || typeof sample[1] !== 'string') {
    return { error: `the ${shape} result is not a [time, "value"] sample` };
  }
  // Prometheus writes infinities as +Inf / -Inf (Go's strconv), which Number() does not read.
  const text = sample[1];
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  if (Number.isNaN(value)) return { error: `the query returned NaN (for a ratio: no requests at all?)` };
  return { value };
}

function labelText(metric: Record<string, string> | undefined): string {
  const pairs = Object.entries(metric ?? {}).map(([k, v]) => `${k}="${v}"`);
  return `{${pairs.join(',')}}`;
}
