/** FetchWebhookSender against a local receiver: delivery, retries with backoff, the deadline, final answers. */
import { afterEach, describe, expect, it } from 'vitest';
import { FetchWebhookSender } from '../../../src/adapters/webhook-sender.js';
import { CurvectlError } from '../../../src/core/errors.js';
import { startReceiver, type Receiver } from '../../_helpers/webhook-receiver.js';

const PATH = '/services/T0/B0/secret-token-123456';
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const sender = new FetchWebhookSender();

async function failure(promise: Promise<unknown>): Promise<CurvectlError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    return err as CurvectlError;
  }
  throw new Error('delivered');
}

describe('FetchWebhookSender', () => {
  it('POSTs the body as JSON once when the receiver answers 2xx', async () => {
    receiver = await startReceiver(PATH);
    const result = await sender.post(receiver.url, { text: 'hello' }, { timeoutMs: 5000, retries: 3 });
    expect(result).toEqual({ status: 200, attempts: 1 });
    expect(receiver.requests.map((r) => [r.path, r.body])).toEqual([[PATH, { text: 'hello' }]]);
  });

  it('retries a 500 with growing, jittered waits, then gives up naming the status, never the URL', async () => {
    receiver = await startReceiver(PATH, 'fail');
    const err = await failure(sender.post(receiver.url, { n: 1 }, { timeoutMs: 10_000, retries: 2 }));
    expect(receiver.requests).toHaveLength(3);
    expect(err.message).toBe('HTTP 500 (3 attempts)');
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain('secret-token');
    const gaps = receiver.requests.slice(1).map((r, i) => r.receivedAt - receiver!.requests[i]!.receivedAt);
    // p-retry waits at least minTimeout (250 ms) before the first retry.
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
  });

  it('succeeds when a retry gets through', async () => {
    receiver = await startReceiver(PATH, 'fail');
    const r = receiver;
    void r.waitFor(1).then(() => (r.mode = 'ok'));
    const result = await sender.post(r.url, { n: 1 }, { timeoutMs: 10_000, retries: 3 });
    expect(result).toEqual({ status: 200, attempts: 2 });
  });

  it('cuts a hanging receiver off at the timeout, retries included', async () => {
    receiver = await startReceiver(PATH, 'hang');
    // The receiver never answers, so only the deadline can end the post: that it ends, with one
    // attempt and the deadline named, is the proof (no elapsed-time bound, which a loaded machine breaks).
    const err = await failure(sender.post(receiver.url, { n: 1 }, { timeoutMs: 800, retries: 5 }));
    expect(err.message).toMatch(/^no answer within 800ms \(1 attempt\)$/);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    // The receiver sees the client close the request: it is not left holding it.
    const closedAt = await req.closed;
    expect(closedAt).toBeGreaterThanOrEqual(req.receivedAt);
  });

  it('does not retry a 4xx answer other than 429', async () => {
    receiver = await startReceiver(PATH, 'gone');
    const err = await failure(sender.post(receiver.url, {}, { timeoutMs: 5000, retries: 3 }));
    expect(err.message).toBe('HTTP 404 (1 attempt)');
    expect(receiver.requests).toHaveLength(1);
  });

  it('says ECONNREFUSED, not the URL, when nobody listens', async () => {
    receiver = await startReceiver(PATH);
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const err = await failure(sender.post(url, {}, { timeoutMs: 5000, retries: 1 }));
    expect(err.message).toBe('ECONNREFUSED (2 attempts)');
  });
});
