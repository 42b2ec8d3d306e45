/**
 * HttpProbePort (the http gate): one GET with node:http / node:https, so that a Host header can be
 * set (fetch forbids it), e.g. to probe a cluster's load balancer directly under the public name.
 * With https and a custom host, that host is also the TLS server name (SNI and certificate check).
 * The body is discarded. Redirects are not followed: a 301 is the answer. Network errors and
 * timeouts reject (CurvectlError ENVIRONMENT); the gate engine counts them as errors, not failures.
 */
import { abortReason } from '../core/abort-reason.js';
import http from 'node:http';
import https from 'node:https';
import { CurvectlError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import type { HttpProbePort } from '../core/ports.js';

export class HttpProbe implements HttpProbePort {
  probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }): Promise<{ status: number }> {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      return Promise.reject(new CurvectlError('BAD_CONFIG', `"${url}" is not a valid URL for an http gate.`, { cause: err }));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(new CurvectlError('BAD_CONFIG', `"${url}" must start with http:// or https://.`));
    }
    const client = target.protocol === 'https:' ? https : http;
    const aborted = (): Error => abortReason(options.signal, 'The probe was aborted.');
    // Before a request exists: one destroyed before it was sent emits an 'error' ("socket hang up").
    if (options.signal?.aborted) return Promise.reject(aborted());
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const headers: Record<string, string> = { 'user-agent': 'curvectl-probe', accept: '*/*' };
      if (options.host) headers.host = options.host;
      const request = client.request(
        target,
        {
          method: 'GET',
          headers,
          ...(options.host && target.protocol === 'https:' ? { servername: options.host.replace(/:\d+$/, '') } : {}),
        },
        (response) => {
          response.resume();
          finish(() => resolve({ status: response.statusCode ?? 0 }));
          response.on('error', () => undefined);
        },
      );
      // At once: every way the request ends early (abort, timeout) destroys it, which emits 'error'.
      request.on('error', (err) => {
        finish(() => reject(new CurvectlError('ENVIRONMENT', `GET ${url} failed: ${err.message}`, { cause: err })));
      });
      const onAbort = () => {
        finish(() => reject(aborted()));
        request.destroy();
      };
      const timer = setTimeout(() => {
        finish(() => reject(new CurvectlError('ENVIRONMENT', `GET ${url} did not answer within ${formatDuration(options.timeoutMs)}.`)));
        request.destroy();
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      request.end();
    });
  }
}
