/**
 * Notifications (`notify:` in curvectl.yaml): chosen moments of an operation sent to webhooks, in the
 * Slack incoming-webhook format or as generic JSON.
 *
 * The source is the journal: every moment worth telling (a plan, a verified step, a hold, a rollback,
 * a completion, a created or retired cluster) is already a typed, durable event there, written by the
 * shift engine and the lifecycle workflows. The composition root taps the state store's `append`
 * (journal-tap.ts) and hands each written event to `onJournal`; the engine sends nothing itself.
 *
 * Delivery never holds up the operation: events are queued per webhook (in order) and sent in the
 * background through the WebhookPort, each within its timeout (retries included). A failed delivery
 * is a warning and nothing else. Before the command prints its result, `flush` waits for what is
 * still queued, which takes at most the timeout of each event left. URLs come from the environment
 * only, are registered as secrets (redacted everywhere) and are never part of a message.
 */
import type { IoHost } from './io-host.js';
import type { JournalEvent, Weights } from './ports.js';
import type { WebhookPort } from './ports/webhook.js';
import { redact, registerSecret } from './redact.js';
import { formatWeights } from './weights.js';
import { definedOnly } from './defined-only.js';
import { textOf } from './text-of.js';

/** The moments a webhook can subscribe to (`events:`; default all). */
export const NOTIFY_EVENTS = ['plan', 'start', 'step', 'hold', 'rollback', 'completed', 'create', 'retire'] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

export type NotifyFormat = 'slack' | 'json';

export interface NotifyTargetConfig {
  readonly type: NotifyFormat;
  /** The environment variable holding the URL. */
  readonly urlEnv: string;
  /** Default: every event. */
  readonly events?: readonly NotifyEventName[] | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface NotifierOptions {
  readonly targets: readonly NotifyTargetConfig[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly webhooks: WebhookPort;
  /** Where warnings go. */
  readonly io: Pick<IoHost, 'notify'>;
  /** The weighted record's name, for context in every message. */
  readonly record: string;
  /** Second Ctrl-C: pending deliveries are cancelled. */
  readonly signal?: AbortSignal;
}

/** What one journal event is worth telling: its name and one sentence. */
export interface Notification {
  readonly event: NotifyEventName;
  readonly text: string;
}

interface Target extends NotifyTargetConfig {
  readonly url: string;
  queue: Promise<void>;
}

export class Notifier {
  private readonly targets: Target[] = [];

  constructor(private readonly options: NotifierOptions) {
    for (const t of options.targets) {
      const url = options.env[t.urlEnv]?.trim();
      if (!url) {
        options.io.notify({
          level: 'warn',
          code: 'notify.unset',
          text: `Notifications (${t.type}) are configured with urlEnv ${t.urlEnv}, but ${t.urlEnv} is not set: they are skipped.`,
        });
        continue;
      }
      registerSecret(url);
      this.targets.push({ ...t, url, queue: Promise.resolve() });
    }
  }

  /** True when at least one webhook will be sent to. */
  get active(): boolean {
    return this.targets.length > 0;
  }

  /** Called with every event the journal has written. Never throws, never waits. */
  onJournal(event: JournalEvent): void {
    const notification = notificationOf(event);
    if (!notification) return;
    for (const target of this.targets) {
      if (target.events !== undefined && !target.events.includes(notification.event)) continue;
      const body = target.type === 'slack' ? slackBody(notification, event, this.options.record) : jsonBody(notification, event, this.options.record);
      target.queue = target.queue.then(() => this.deliver(target, notification, body));
    }
  }

  /** Waits for every queued delivery (each bounded by its timeout). */
  async flush(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.queue));
  }

  private async deliver(target: Target, notification: Notification, body: unknown): Promise<void> {
    if (this.options.signal?.aborted) return;
    try {
      await this.options.webhooks.post(target.url, body, {
        timeoutMs: target.timeoutMs,
        retries: target.retries,
        ...definedOnly({ signal: this.options.signal }),
      });
    } catch (err) {
      if (this.options.signal?.aborted) return;
      const reason = redact(err instanceof Error ? err.message : String(err), [target.url]);
      this.options.io.notify({
        level: 'warn',
        code: 'notify.failed',
        text: `Could not deliver the "${notification.event}" notification (${target.type}, ${target.urlEnv}): ${reason}. The operation goes on.`,
        data: { event: notification.event, urlEnv: target.urlEnv },
      });
    }
  }
}

function weights(value: unknown): string {
  return value && typeof value === 'object' ? formatWeights(value as Weights) : 'unknown weights';
}

function num(value: unknown): string {
  return typeof value === 'number' ? String(value) : '?';
}

/** The journal events worth telling, and how to tell them; undefined for the rest. */
export function notificationOf(event: JournalEvent): Notification | undefined {
  const d = event.data ?? {};
  const op = event.op;
  switch (event.type) {
    case 'shift.planned': {
      const steps = Array.isArray(d.steps) ? (d.steps as Weights[]) : [];
      const to = textOf(d.to ?? '?');
      const path = steps.map((w) => num(w[to])).join(' → ');
      return { event: 'plan', text: `Shift ${op} towards ${to}: ${steps.length} step${steps.length === 1 ? '' : 's'} from ${weights(d.from)} (${to}: ${path}).` };
    }
    case 'shift.step.intent':
      // The first step of a run moves the first traffic.
      return d.index === 1 ? { event: 'start', text: `Shift ${op} started: applying step 1/${num(d.total)} (${weights(d.target)}).` } : undefined;
    case 'shift.resumed':
      return { event: 'start', text: `Shift ${op} resumed at step ${num(d.index)}/${num(d.total)} (${weights(d.weights)}).` };
    case 'shift.step.done':
      return { event: 'step', text: `Shift ${op}: step ${num(d.index)}/${num(d.total)} is live (${weights(d.weights)}).` };
    case 'shift.held':
      return { event: 'hold', text: `Shift ${op} is held at step ${num(d.index)}/${num(d.total)} (${weights(d.weights)}), reason: ${textOf(d.reason ?? 'unknown')}.` };
    case 'shift.rollback.started':
      return { event: 'rollback', text: `Shift ${op} is rolling back to ${weights(d.to)} (${textOf(d.cause ?? '?')}: ${textOf(d.reason ?? '')}).` };
    case 'shift.rolled-back':
      return { event: 'rollback', text: `Shift ${op} was rolled back: traffic is at ${weights(d.weights)}.` };
    case 'shift.aborted':
      return { event: 'rollback', text: `Shift ${op} was aborted and rolled back: traffic is at ${weights(d.weights)}.` };
    case 'shift.completed':
      return { event: 'completed', text: `Shift ${op} completed: ${weights(d.weights)}.` };
    case 'cluster.created':
      return { event: 'create', text: `Cluster ${textOf(d.cluster ?? '?')} was created and registered in traffic.` };
    case 'cluster.create.failed':
      return { event: 'create', text: `Creating cluster ${textOf(d.cluster ?? '?')} failed (${textOf(d.phase ?? '?')}): ${textOf(d.message ?? '')}` };
    case 'retire.completed':
      return { event: 'retire', text: `Cluster ${textOf(d.cluster ?? '?')} was retired: record, platform and cluster destroyed.` };
    case 'retire.failed':
      return { event: 'retire', text: `Retiring cluster ${textOf(d.cluster ?? '?')} failed (${textOf(d.part ?? '?')}): ${textOf(d.message ?? '')}` };
    default:
      return undefined;
  }
}

/** Slack's incoming-webhook format: `text` is what every client shows (https://api.slack.com/messaging/webhooks). */
function slackBody(n: Notification, event: JournalEvent, record: string): unknown {
  return { text: `curvectl (${record}): ${n.text}${event.actor ? ` (by ${event.actor})` : ''}` };
}

/** The generic JSON format: the sentence, plus the journal event it came from. */
function jsonBody(n: Notification, event: JournalEvent, record: string): unknown {
  return {
    source: 'curvectl',
    event: n.event,
    text: n.text,
    record,
    op: event.op,
    type: event.type,
    at: event.at,
    ...(event.actor ? { actor: event.actor } : {}),
    data: event.data ?? {},
  };
}
