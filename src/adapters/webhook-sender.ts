/**
 * WebhookPort with Node's fetch and p-retry: exponential backoff with jitter between attempts, on
 * network errors, 429 and 5xx; one deadline for the whole delivery (a hanging receiver is cut off
 * at the timeout, wherever the delivery is). Messages never hold the URL: a Slack incoming-webhook
 * URL is its own credential; they say what happened (status, error code, timeout) and nothing else.
 */
import pRetry, { AbortError } from 'p-retry';
import { CurvectlError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import type { WebhookDelivery, WebhookDeliveryOptions, WebhookPort } from '../core/ports/webhook.js';

/** First wait between attempts; doubled each time (with jitter), at most MAX_WAIT_MS. */
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 2000;

class RetryableAnswer extends Error {}

export class FetchWebhookSender implements WebhookPort {
  async post(url: string, body: unknown, options: WebhookDeliveryOptions): Promise<WebhookDelivery> {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      throw new CurvectlError('BAD_CONFIG', 'The webhook URL is not a valid URL.', { cause: err });
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new CurvectlError('BAD_CONFIG', 'The webhook URL must start with https:// (or http://).');
    }
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const payload = JSON.stringify(body);
    let attempts = 0;
    try {
      const status = await pRetry(
        async () => {
          attempts += 1;
          let response: Response;
          try {
            response = await fetch(target, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'user-agent': 'curvectl' },
              body: payload,
              redirect: 'manual',
              signal,
            });
          } catch (err) {
            if (signal.aborted) throw new AbortError(err instanceof Error ? err : String(err));
            throw new RetryableAnswer(networkReason(err));
          }
          // The body is not needed; reading it frees the connection.
          await response.arrayBuffer().catch(() => undefined);
          if (response.status >= 200 && response.status < 300) return response.status;
          const reason = `HTTP ${response.status}`;
          if (response.status === 429 || response.status >= 500) throw new RetryableAnswer(reason);
          throw new AbortError(reason);
        },
        {
          retries: options.retries,
          factor: 2,
          minTimeout: FIRST_WAIT_MS,
          maxTimeout: MAX_WAIT_MS,
          randomize: true,
          maxRetryTime: options.timeoutMs,
          signal,
        },
      );
      return { status, attempts };
    } catch (err) {
      if (options.signal?.aborted) throw new CurvectlError('INTERRUPTED', 'The notification was cancelled.', { cause: err });
      if (deadline.aborted) {
        throw new CurvectlError('ENVIRONMENT', `no answer within ${formatDuration(options.timeoutMs)} (${attempts} attempt${attempts === 1 ? '' : 's'})`, { cause: err });
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new CurvectlError('ENVIRONMENT', `${reason} (${attempts} attempt${attempts === 1 ? '' : 's'})`, { cause: err });
    }
  }
}

/** "ECONNREFUSED", "ENOTFOUND"...: the error code, never the message (undici's can hold the URL). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
