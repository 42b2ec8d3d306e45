/**
 * The WebhookPort contract (src/core/ports/webhook.ts), what the notifier relies on: a POST of the
 * body as JSON that resolves on a 2xx; retries on network errors, 429 and 5xx only (any other answer
 * is final); one budget, `timeoutMs`, for the whole delivery with its retries and their waits; a
 * CurvectlError whose message and hint never hold the URL (a Slack incoming-webhook URL is its own
 * credential); INTERRUPTED when its signal fires. Run against FakeWebhook (test/unit/contracts) and
 * FetchWebhookSender on a local receiver (test/integration/adapters/io-contracts.test.ts).
 *
 * The budget is shown by readiness, never by the clock: a receiver that never answers, and one that
 * fails every attempt while far more retries are allowed than the budget has room for, can only be
 * ended by the budget, so that the delivery ends at all is the proof.
 *
 * Each check is exported on its own so a negative control can run one against a broken double
 * (test/unit/contracts/negative-controls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { WebhookPort } from '../../../src/core/ports/webhook.js';
import { rejection } from '../rejection.js';

/** What a receiver does with one attempt: answer a status, drop the connection (a network error), or never answer. */
export type ReceiverAnswer = number | 'drop' | 'hang';

export interface WebhookWorld {
  readonly webhooks: WebhookPort;
  /**
   * The URL, with SECRET_TOKEN in its path, of a receiver answering attempt 1, 2, ... with
   * `answers` (the last repeats).
   */
  receiver(answers: readonly ReceiverAnswer[]): Promise<string>;
  /** The URL, with SECRET_TOKEN in its path, of a receiver nobody listens on. */
  unreachable(): Promise<string>;
  /** Resolves once `count` attempts have reached the receivers. */
  arrived(count: number): Promise<void>;
  /** The attempts the receivers got, in order: the body as sent, and its content type. */
  received(): readonly { readonly body: string; readonly contentType: string }[];
}

export interface WebhookSubject {
  readonly name: string;
  fresh(): Promise<WebhookWorld>;
}

/** In every receiver's path: a message or hint holding it has leaked the URL. */
export const SECRET_TOKEN = 'T000-B000-xoxb-secret-token';

const BODY = { text: 'Shift shift-1 towards cluster-b: step 1 of 4 done.', event: 'step' };

/** The URL never shows, nor any part of its path. */
function expectNoUrl(err: { message: string; hint?: string | undefined }, url: string): void {
  const shown = `${err.message} ${err.hint ?? ''}`;
  expect(shown).not.toContain(SECRET_TOKEN);
  expect(shown).not.toContain(new URL(url).host);
}

export const webhookChecks = {
  delivers: {
    title: 'POSTs the body as JSON and resolves on the first 2xx, with its status',
    async check(w: WebhookWorld): Promise<void> {
      expect(await w.webhooks.post(await w.receiver([200]), BODY, { timeoutMs: 30_000, retries: 3 })).toEqual({ status: 200, attempts: 1 });
      expect(await w.webhooks.post(await w.receiver([204]), BODY, { timeoutMs: 30_000, retries: 3 })).toEqual({ status: 204, attempts: 1 });
      const got = w.received();
      expect(got).toHaveLength(2);
      for (const attempt of got) {
        expect(JSON.parse(attempt.body)).toEqual(BODY);
        expect(attempt.contentType).toMatch(/^application\/json/);
      }
    },
  },
  retriesTransient: {
    title: 'retries a network error, a 429 and a 5xx, and resolves when a retry gets through',
    async check(w: WebhookWorld): Promise<void> {
      expect(await w.webhooks.post(await w.receiver(['drop', 429, 503, 200]), BODY, { timeoutMs: 30_000, retries: 3 })).toEqual({ status: 200, attempts: 4 });
      expect(w.received()).toHaveLength(4);
    },
  },
  finalAnswers: {
    title: 'never retries another answer (a 4xx, a redirect): one attempt, rejected with ENVIRONMENT without the URL',
    async check(w: WebhookWorld): Promise<void> {
      for (const status of [404, 400, 301]) {
        const url = await w.receiver([status]);
        const err = await rejection(w.webhooks.post(url, BODY, { timeoutMs: 30_000, retries: 3 }));
        expect(err.code).toBe('ENVIRONMENT');
        expectNoUrl(err, url);
      }
      expect(w.received()).toHaveLength(3);
    },
  },
  givesUp: {
    title: 'gives up after its retries with ENVIRONMENT, never showing the URL',
    async check(w: WebhookWorld): Promise<void> {
      const url = await w.receiver([500]);
      const err = await rejection(w.webhooks.post(url, BODY, { timeoutMs: 30_000, retries: 2 }));
      expect(err.code).toBe('ENVIRONMENT');
      expectNoUrl(err, url);
      expect(w.received()).toHaveLength(3);
      const nobody = await w.unreachable();
      const refused = await rejection(w.webhooks.post(nobody, BODY, { timeoutMs: 30_000, retries: 1 }));
      expect(refused.code).toBe('ENVIRONMENT');
      expectNoUrl(refused, nobody);
    },
  },
  budget: {
    title: 'timeoutMs is the whole delivery: a receiver that never answers, or always fails, is cut off by it, retries and waits included',
    async check(w: WebhookWorld): Promise<void> {
      const hanging = await w.receiver(['hang']);
      const cut = await rejection(w.webhooks.post(hanging, BODY, { timeoutMs: 300, retries: 5 }));
      expect(cut.code).toBe('ENVIRONMENT');
      expectNoUrl(cut, hanging);
      // The one attempt was still waiting when the budget ran out: no retry after it.
      expect(w.received()).toHaveLength(1);
      const failing = await w.receiver([503]);
      const spent = await rejection(w.webhooks.post(failing, BODY, { timeoutMs: 1000, retries: 1000 }));
      expect(spent.code).toBe('ENVIRONMENT');
      // Far fewer than the thousand retries allowed: the waits between them used the budget up.
      expect(w.received().length - 1).toBeLessThan(1000);
    },
  },
  aborted: {
    title: 'an aborted signal rejects with INTERRUPTED, before the first attempt or while one waits',
    async check(w: WebhookWorld): Promise<void> {
      const before = new AbortController();
      before.abort();
      expect((await rejection(w.webhooks.post(await w.receiver([200]), BODY, { timeoutMs: 30_000, retries: 3, signal: before.signal }))).code).toBe('INTERRUPTED');
      const sent = w.received().length;
      const during = new AbortController();
      const posting = w.webhooks.post(await w.receiver(['hang']), BODY, { timeoutMs: 3_600_000, retries: 3, signal: during.signal });
      await w.arrived(sent + 1);
      during.abort();
      expect((await rejection(posting)).code).toBe('INTERRUPTED');
    },
  },
} as const;

export function webhookContract(subject: WebhookSubject): void {
  describe(`WebhookPort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(webhookChecks)) it(title, async () => check(await subject.fresh()));
  });
}
