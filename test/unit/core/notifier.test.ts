import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/core/io-host.js';
import type { JournalEvent } from '../../../src/core/ports.js';
import type { WebhookDeliveryOptions, WebhookPort } from '../../../src/core/ports/webhook.js';
import { Notifier, notificationOf, type NotifyTargetConfig } from '../../../src/core/notifier.js';
import { CurvectlError } from '../../../src/core/errors.js';
import { redact } from '../../../src/core/redact.js';

const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/xxxxxxxxxxxxxxxxxxxxxxxx';
const JSON_URL = 'http://127.0.0.1:8999/hook/secret-path-token';

function recorder(answer: (url: string, n: number) => Promise<void> = async () => undefined) {
  const posts: { url: string; body: any; options: WebhookDeliveryOptions }[] = [];
  const port: WebhookPort = {
    post: async (url, body, options) => {
      posts.push({ url, body, options });
      await answer(url, posts.length);
      return { status: 200, attempts: 1 };
    },
  };
  return { port, posts };
}

function host() {
  const messages: Message[] = [];
  return { messages, io: { notify: (m: Message) => void messages.push(m) } };
}

const ev = (type: string, data: Record<string, unknown> = {}): JournalEvent => ({ at: '2026-12-01T10:00:00.000Z', op: 'shift-1', type, actor: 'ann@ci', data });

const SHIFT: JournalEvent[] = [
  ev('shift.planned', { to: 'b', from: { a: 100, b: 0 }, steps: [{ a: 50, b: 50 }, { a: 0, b: 100 }] }),
  ev('shift.step.intent', { index: 1, total: 2, target: { a: 50, b: 50 } }),
  ev('shift.step.done', { index: 1, total: 2, weights: { a: 50, b: 50 } }),
  ev('shift.step.baked', { index: 1, total: 2, weights: { a: 50, b: 50 } }),
  ev('shift.step.intent', { index: 2, total: 2, target: { a: 0, b: 100 } }),
  ev('shift.rollback.started', { cause: 'gate', reason: 'alarm b-5xx', index: 1, to: { a: 100, b: 0 } }),
  ev('shift.rollback.dns-done', { weights: { a: 100, b: 0 } }),
  ev('shift.rolled-back', { cause: 'gate', weights: { a: 100, b: 0 } }),
];

const target = (over: Partial<NotifyTargetConfig> = {}): NotifyTargetConfig => ({ type: 'json', urlEnv: 'HOOK_URL', timeoutMs: 1000, retries: 2, ...over });

describe('Notifier', () => {
  it('sends the chosen journal events in order, as JSON and in Slack format', async () => {
    const r = recorder();
    const h = host();
    const n = new Notifier({
      targets: [target(), target({ type: 'slack', urlEnv: 'SLACK_URL', events: ['rollback'] })],
      env: { HOOK_URL: JSON_URL, SLACK_URL },
      webhooks: r.port,
      io: h.io,
      record: 'api.example.test',
    });
    for (const e of SHIFT) n.onJournal(e);
    await n.flush();
    const json = r.posts.filter((p) => p.url === JSON_URL).map((p) => p.body);
    expect(json.map((b) => [b.event, b.type])).toEqual([
      ['plan', 'shift.planned'],
      ['start', 'shift.step.intent'],
      ['step', 'shift.step.done'],
      ['rollback', 'shift.rollback.started'],
      ['rollback', 'shift.rolled-back'],
    ]);
    expect(json[0]).toMatchObject({ source: 'curvectl', record: 'api.example.test', op: 'shift-1', actor: 'ann@ci', text: 'Shift shift-1 towards b: 2 steps from a 100, b 0 (b: 50 → 100).' });
    const slack = r.posts.filter((p) => p.url === SLACK_URL).map((p) => p.body);
    expect(slack).toEqual([
      { text: 'curvectl (api.example.test): Shift shift-1 is rolling back to a 100, b 0 (gate: alarm b-5xx). (by ann@ci)' },
      { text: 'curvectl (api.example.test): Shift shift-1 was rolled back: traffic is at a 100, b 0. (by ann@ci)' },
    ]);
    expect(r.posts[0]?.options).toMatchObject({ timeoutMs: 1000, retries: 2 });
    expect(h.messages).toEqual([]);
  });

  it('never waits for a delivery in onJournal, and flush waits for all of them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = recorder(() => gate);
    const n = new Notifier({ targets: [target()], env: { HOOK_URL: JSON_URL }, webhooks: r.port, io: host().io, record: 'r' });
    n.onJournal(SHIFT[0]!);
    n.onJournal(SHIFT[2]!);
    let flushed = false;
    const flush = n.flush().then(() => (flushed = true));
    await Promise.resolve();
    // In order: the second waits for the first.
    expect(r.posts).toHaveLength(1);
    expect(flushed).toBe(false);
    release();
    await flush;
    expect(r.posts).toHaveLength(2);
  });

  it('turns a failed delivery into one warning without the URL, and goes on with the next event', async () => {
    // Breaks the WebhookPort contract on purpose (the URL in the message, which FetchWebhookSender
    // never does; test/_helpers/contracts/webhook.ts): the notifier's redaction must hold even then.
    const port: WebhookPort = {
      post: async (url) => {
        throw new CurvectlError('ENVIRONMENT', `HTTP 500 from ${url} (4 attempts)`);
      },
    };
    const h = host();
    const n = new Notifier({ targets: [target()], env: { HOOK_URL: JSON_URL }, webhooks: port, io: h.io, record: 'r' });
    n.onJournal(SHIFT[0]!);
    n.onJournal(SHIFT[2]!);
    await n.flush();
    expect(h.messages.map((m) => m.code)).toEqual(['notify.failed', 'notify.failed']);
    expect(h.messages[0]?.level).toBe('warn');
    expect(h.messages[0]?.text).toContain('Could not deliver the "plan" notification (json, HOOK_URL): HTTP 500 from [REDACTED] (4 attempts). The operation goes on.');
    for (const m of h.messages) expect(m.text).not.toContain('secret-path-token');
  });

  it('warns once and sends nothing when the variable is unset; registers the URL as a secret everywhere', async () => {
    const r = recorder();
    const h = host();
    const n = new Notifier({ targets: [target({ urlEnv: 'MISSING' }), target()], env: { HOOK_URL: JSON_URL }, webhooks: r.port, io: h.io, record: 'r' });
    expect(h.messages.map((m) => m.code)).toEqual(['notify.unset']);
    expect(h.messages[0]?.text).toContain('MISSING is not set');
    n.onJournal(SHIFT[2]!);
    await n.flush();
    expect(r.posts.map((p) => p.url)).toEqual([JSON_URL]);
    expect(redact(`posting to ${JSON_URL} and /hook/secret-path-token`)).toBe('posting to [REDACTED] and [REDACTED]');
  });

  it('drops what is queued after the second Ctrl-C', async () => {
    const r = recorder();
    const abort = new AbortController();
    const n = new Notifier({ targets: [target()], env: { HOOK_URL: JSON_URL }, webhooks: r.port, io: host().io, record: 'r', signal: abort.signal });
    abort.abort();
    n.onJournal(SHIFT[0]!);
    await n.flush();
    expect(r.posts).toEqual([]);
  });
});

describe('notificationOf', () => {
  it('names each event that is told and ignores the rest', () => {
    const names = [
      ev('shift.planned', { to: 'b', from: {}, steps: [] }),
      ev('shift.step.intent', { index: 1 }),
      ev('shift.step.intent', { index: 2 }),
      ev('shift.resumed', { index: 1, total: 2, weights: {} }),
      ev('shift.step.done'),
      ev('shift.step.baked'),
      ev('shift.held', { reason: 'operator' }),
      ev('shift.completed', { weights: { a: 0, b: 100 } }),
      ev('shift.aborted'),
      ev('cluster.created', { cluster: 'b' }),
      ev('cluster.applied', { cluster: 'b' }),
      ev('cluster.create.failed', { cluster: 'b' }),
      ev('retire.completed', { cluster: 'a' }),
      ev('retire.failed', { cluster: 'a' }),
      ev('retire.started', { cluster: 'a' }),
    ].map((e) => notificationOf(e)?.event ?? null);
    expect(names).toEqual(['plan', 'start', null, 'start', 'step', null, 'hold', 'completed', 'rollback', 'create', null, 'create', 'retire', 'retire', null]);
  });

  it('writes a value of an unexpected shape as JSON, never as [object Object]', () => {
    const held = notificationOf(ev('shift.held', { index: 1, total: 2, weights: { a: 50, b: 50 }, reason: { gate: 'metric' } }));
    expect(held?.text).toBe('Shift shift-1 is held at step 1/2 (a 50, b 50), reason: {"gate":"metric"}.');
    const failed = notificationOf(ev('retire.failed', { cluster: 'a', part: 'record', message: ['throttled', 3] }));
    expect(failed?.text).toBe('Retiring cluster a failed (record): ["throttled",3]');
  });
});
