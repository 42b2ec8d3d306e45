/**
 * The IoHost behind `-o jsonl`: every event the core sends (messages, views, progress, the answers
 * to its requests) becomes one JSON object on one line of stdout, in order, for CI pipelines that
 * want progress as data. The command's result (or error) is the last line (src/cli/run.ts).
 *
 * Questions still go to a person when there is one: they are delegated to the terminal host
 * (prompts on stderr), and the answer is recorded as a line; under --yes the default is recorded;
 * with neither, the terminal host refuses, as in every other mode.
 *
 * Every line is redacted (credentials, webhook URLs) before it is written: the stream is meant to be
 * stored by CI.
 */
import type { Choice, IoHost, Message, Progress, View } from '../core/io-host.js';
import { redact } from '../core/redact.js';

export interface JsonlHostOptions {
  readonly stdout: NodeJS.WritableStream;
  /** Asks the questions (the terminal host, which prompts on stderr or refuses without a TTY). */
  readonly prompts: IoHost;
  /** Exact values to scrub from every line (secretsFromEnv plus the webhook URLs). */
  readonly secrets?: () => readonly string[];
  readonly now?: () => Date;
}

export class JsonlHost implements IoHost {
  readonly interactive: boolean;
  readonly assumeYes: boolean;
  private progressIds = 0;

  constructor(private readonly options: JsonlHostOptions) {
    this.interactive = options.prompts.interactive;
    this.assumeYes = options.prompts.assumeYes;
  }

  /** Writes one record (also used by run.ts for the result and by `status --watch` for each change). */
  emit(record: Record<string, unknown> & { type: string }): void {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    const { type, ...rest } = record;
    const line = JSON.stringify({ type, at, ...rest });
    this.options.stdout.write(`${redact(line, this.options.secrets?.() ?? [])}\n`);
  }

  notify(message: Message): void {
    this.emit({
      type: 'message',
      level: message.level,
      code: message.code,
      text: message.text,
      ...(message.data === undefined ? {} : { data: message.data }),
    });
  }

  show(view: View): void {
    this.emit({ type: 'view', view });
  }

  startProgress(text: string): Progress {
    this.progressIds += 1;
    const id = this.progressIds;
    let open = true;
    const event = (state: 'start' | 'update' | 'succeed' | 'fail' | 'stop', t?: string): void => {
      if (!open) return;
      if (state !== 'start' && state !== 'update') open = false;
      this.emit({ type: 'progress', id, state, ...(t === undefined ? {} : { text: t }) });
    };
    event('start', text);
    return {
      update: (t) => event('update', t),
      succeed: (t) => event('succeed', t),
      fail: (t) => event('fail', t),
      stop: () => event('stop'),
    };
  }

  async confirm(request: { code: string; message: string; default: boolean }): Promise<boolean> {
    return this.answered(request.code, await this.options.prompts.confirm(request));
  }

  async choose<T extends string>(request: { code: string; message: string; choices: readonly Choice<T>[]; default: T }): Promise<T> {
    return this.answered(request.code, await this.options.prompts.choose(request));
  }

  async confirmByTyping(request: { code: string; message: string; expected: string }): Promise<boolean> {
    return this.answered(request.code, await this.options.prompts.confirmByTyping(request));
  }

  private answered<T>(code: string, answer: T): T {
    this.emit({ type: 'answer', code, answer });
    return answer;
  }
}
