/**
 * HttpClientPort (prometheus and web gates) with Node's fetch. Redirects are not followed (a 3xx is
 * the answer: a gate must not be bounced somewhere else with its headers); bodies are cut at 1 MiB.
 * Network errors and timeouts reject with CurvectlError ENVIRONMENT; messages show the URL without
 * user info or query, which may hold secrets.
 */
import { CurvectlError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import type { HttpAnswer, HttpClientPort, HttpRequest } from '../core/ports.js';

const MAX_BODY_BYTES = 1024 * 1024;

export class FetchHttpClient implements HttpClientPort {
  async request(request: HttpRequest): Promise<HttpAnswer> {
    const shown = `${request.method} ${displayUrl(request.url)}`;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (err) {
      throw new CurvectlError('BAD_CONFIG', `${shown}: not a valid URL.`, { cause: err });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CurvectlError('BAD_CONFIG', `${shown}: the URL must start with http:// or https://.`);
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'user-agent': 'curvectl', ...request.headers };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
        redirect: 'manual',
        signal,
      });
      return { status: response.status, body: await readBounded(response) };
    } catch (err) {
      if (request.signal?.aborted) throw request.signal.reason ?? err;
      if (timeout.aborted) throw new CurvectlError('ENVIRONMENT', `${shown} did not answer within ${formatDuration(request.timeoutMs)}.`, { cause: err });
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : (err as Error).message;
      throw new CurvectlError('ENVIRONMENT', `${shown} failed: ${detail}.`, { cause: err });
    }
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  // Bytes, as the Fetch standard says; undici's types leave the chunk type open (ReadableStream<any>).
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
