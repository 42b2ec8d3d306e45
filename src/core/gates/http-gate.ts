/**
 * What the HTTP gates that read an answer (prometheus, web) need before their request: the HTTP
 * client of this command and the headers whose values come from the environment. Either missing is
 * the gate's error (fail closed), said the same way by both.
 */
import type { HttpClientPort } from '../ports/http.js';
import { resolveHeaders, type HeadersFromEnv } from './headers.js';
import type { GateEnv, GateVerdict } from './types.js';

export type OpenedHttpGate =
  | { readonly ok: true; readonly client: HttpClientPort; readonly headers: Record<string, string>; readonly secrets: readonly string[] }
  | { readonly ok: false; readonly verdict: GateVerdict };

export function openHttpGate(headersFromEnv: HeadersFromEnv, env: GateEnv): OpenedHttpGate {
  const client = env.ports.httpClient;
  if (!client) return { ok: false, verdict: { outcome: 'error', reason: 'no HTTP client is available to this command' } };
  const resolved = resolveHeaders(headersFromEnv, env.environment);
  if ('error' in resolved) return { ok: false, verdict: { outcome: 'error', reason: resolved.error } };
  return { ok: true, client, headers: resolved.headers, secrets: resolved.secrets };
}
