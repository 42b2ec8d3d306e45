/**
 * The port notifications are delivered through (src/adapters/webhook-sender.ts implements it with
 * fetch). Owned by the core: the notifier decides what to send and when; the adapter only knows HTTP.
 */

export interface WebhookDeliveryOptions {
  /** The whole delivery's budget, retries and their waits included: it never takes longer. */
  readonly timeoutMs: number;
  /** Retries after the first attempt (network errors, 429 and 5xx only; other answers are final). */
  readonly retries: number;
  /** Gives up at once (second Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface WebhookDelivery {
  /** The 2xx status that ended it. */
  readonly status: number;
  readonly attempts: number;
}

export interface WebhookPort {
  /**
   * POSTs `body` as JSON to `url`, retrying with exponential backoff and jitter. Resolves on a 2xx;
   * rejects with a CurvectlError whose message and hint never contain the URL (it is a credential).
   */
  post(url: string, body: unknown, options: WebhookDeliveryOptions): Promise<WebhookDelivery>;
}
