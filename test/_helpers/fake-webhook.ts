/**
 * A WebhookPort fake: receivers by URL, each answering its attempts from a list (the last repeats;
 * a URL without one answers 200), recording every attempt that reached one. It keeps the WebhookPort
 * contract (test/_helpers/contracts/webhook.ts) as FetchWebhookSender does: retries on network
 * errors, 429 and 5xx only, with waits doubling from 250 ms up to 2 s, all inside the one
 * `timeoutMs` budget; messages never hold the URL. The waits between attempts are counted against
 * the budget, not slept: only an attempt that hangs waits in real time (for what is left of the
 * budget, or the signal).
 */
import { formatDuration } from '../../src/core/duration.js';
import { CurvectlError } from '../../src/core/errors.js';
import type { WebhookDelivery, WebhookDeliveryOptions, WebhookPort } from '../../src/core/ports/webhook.js';
import { pendingUntil } from './fake-waits.js';

/** A status, a dropped connection, nobody listening (the attempt reaches no receiver), or no answer ever. */
export type FakeWebhookAnswer = number | 'drop' | 'refused' | 'hang';

/** FetchWebhookSender's first wait between attempts, doubled each time up to the last. */
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 2000;

export class FakeWebhook implements WebhookPort {
  /** Every attempt that reached a receiver, in order. */
  readonly posts: { url: string; body: unknown; options: WebhookDeliveryOptions }[] = [];
  private readonly receivers = new Map<string, { answers: readonly FakeWebhookAnswer[]; attempts: number }>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  /** The receiver at `url` answers attempt 1, 2, ... with `answers` (the last repeats). */
  answer(url: string, answers: readonly FakeWebhookAnswer[]): this {
    this.receivers.set(url, { answers, attempts: 0 });
    return this;
  }

  /** Resolves once `count` attempts have reached receivers. */
  arrived(count: number): Promise<void> {
    if (this.posts.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async post(url: string, body: unknown, options: WebhookDeliveryOptions): Promise<WebhookDelivery> {
    try {
      const target = new URL(url);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('not http');
    } catch (err) {
      throw new CurvectlError('BAD_CONFIG', 'The webhook URL is not a valid http(s) URL.', { cause: err });
    }
    const interrupted = () => new CurvectlError('INTERRUPTED', 'The notification was cancelled.');
    const tally = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;
    let spent = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (options.signal?.aborted) throw interrupted();
      const answer = this.next(url);
      if (answer !== 'refused') this.record({ url, body, options });
      let reason: string;
      if (answer === 'hang') {
        try {
          await pendingUntil(options.timeoutMs - spent, options.signal);
        } catch {
          throw interrupted();
        }
        throw new CurvectlError('ENVIRONMENT', `no answer within ${formatDuration(options.timeoutMs)} (${tally(attempt)})`);
      } else if (answer === 'drop') reason = 'ECONNRESET';
      else if (answer === 'refused') reason = 'ECONNREFUSED';
      else if (answer >= 200 && answer < 300) return { status: answer, attempts: attempt };
      else if (answer === 429 || answer >= 500) reason = `HTTP ${answer}`;
      else throw new CurvectlError('ENVIRONMENT', `HTTP ${answer} (${tally(attempt)})`);
      if (attempt > options.retries) throw new CurvectlError('ENVIRONMENT', `${reason} (${tally(attempt)})`);
      spent += Math.min(FIRST_WAIT_MS * 2 ** (attempt - 1), MAX_WAIT_MS);
      if (spent >= options.timeoutMs) throw new CurvectlError('ENVIRONMENT', `no answer within ${formatDuration(options.timeoutMs)} (${tally(attempt)})`);
      // A turn of the event loop between attempts, as a real wait gives: an abort can land here.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private next(url: string): FakeWebhookAnswer {
    const receiver = this.receivers.get(url);
    if (!receiver) return 200;
    receiver.attempts += 1;
    return receiver.answers[Math.min(receiver.attempts, receiver.answers.length) - 1] ?? 200;
  }

  private record(post: { url: string; body: unknown; options: WebhookDeliveryOptions }): void {
    this.posts.push(post);
    for (const w of this.waiters.filter((x) => this.posts.length >= x.count)) w.resolve();
  }
}
