/**
 * The IoHost for real runs. Everything it prints goes to stderr: stdout is kept for the command's
 * result (text or `-o json`), so `curvectl status -o json | jq` always works.
 *
 * - Spinners only when stderr is a TTY; otherwise progress is plain lines, throttled so logs of
 *   a 5-minute bake stay readable.
 * - Prompts only when stdin and stderr are TTYs and --yes was not given. Under --yes (as the README
 *   documents) every yes/no question and every typed confirmation is answered yes (a default-no
 *   question such as "Start the shift?" included: --yes is the explicit yes), and every choice
 *   takes its default. With neither, a request is refused: curvectl never guesses on someone's behalf.
 * - ora and @inquirer/prompts are imported on first use, keeping start-up lean.
 */
import type { Choice, IoHost, Level, Message, Progress, View } from '../core/io-host.js';
import { CurvectlError } from '../core/errors.js';
import { renderView, type Paint } from './render.js';

export interface TerminalHostOptions {
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly paint: Paint;
  readonly assumeYes: boolean;
  readonly verbose: boolean;
  /** Minimum gap between plain progress lines when there is no TTY. */
  readonly plainProgressIntervalMs?: number;
}

const SYMBOL: Record<Level, string> = { debug: '·', info: 'i', warn: '!', error: '✖', success: '✔' };

export class TerminalHost implements IoHost {
  readonly interactive: boolean;
  readonly assumeYes: boolean;
  private readonly tty: boolean;
  private activeProgress: { stop(): void } | undefined;

  constructor(private readonly options: TerminalHostOptions) {
    this.tty = Boolean(options.stderr.isTTY);
    this.assumeYes = options.assumeYes;
    this.interactive = !options.assumeYes && this.tty && Boolean(options.stdin.isTTY);
  }

  private write(line: string): void {
    this.options.stderr.write(`${line}\n`);
  }

  notify(message: Message): void {
    if (message.level === 'debug' && !this.options.verbose) return;
    const p = this.options.paint;
    const symbol = SYMBOL[message.level];
    const coloured =
      message.level === 'error'
        ? p.red(symbol)
        : message.level === 'warn'
          ? p.yellow(symbol)
          : message.level === 'success'
            ? p.green(symbol)
            : p.dim(symbol);
    this.withProgressPaused(() => this.write(`${coloured} ${message.level === 'debug' ? p.dim(message.text) : message.text}`));
  }

  show(view: View): void {
    this.withProgressPaused(() => {
      for (const line of renderView(view, this.options.paint)) this.write(line);
    });
  }

  private withProgressPaused(fn: () => void): void {
    // ora redraws its line; printing under it would interleave. Re-rendering is ora's job on next update.
    const active = this.activeProgress as unknown as { clear?: () => void; render?: () => void } | undefined;
    active?.clear?.();
    fn();
    active?.render?.();
  }

  startProgress(text: string): Progress {
    this.activeProgress?.stop();
    if (this.tty) return this.spinner(text);
    return this.plainProgress(text);
  }

  private plainProgress(text: string): Progress {
    const interval = this.options.plainProgressIntervalMs ?? 10_000;
    let last = Date.now();
    let current = text;
    this.write(`… ${text}`);
    const handle: Progress = {
      update: (t) => {
        current = t;
        if (Date.now() - last >= interval) {
          last = Date.now();
          this.write(`… ${t}`);
        }
      },
      succeed: (t) => {
        this.write(`${this.options.paint.green('✔')} ${t ?? current}`);
        this.activeProgress = undefined;
      },
      fail: (t) => {
        this.write(`${this.options.paint.red('✖')} ${t ?? current}`);
        this.activeProgress = undefined;
      },
      stop: () => {
        this.activeProgress = undefined;
      },
    };
    this.activeProgress = handle;
    return handle;
  }

  private spinner(text: string): Progress {
    // ora is loaded lazily; until it arrives (a few ms) the first line is printed plainly.
    let spinner: import('ora').Ora | undefined;
    let pending: { kind: 'succeed' | 'fail' | 'stop'; text?: string } | undefined;
    let current = text;
    const proxy = {
      stop: () => spinner?.stop(),
      clear: () => spinner?.clear(),
      render: () => spinner?.render(),
    };
    this.activeProgress = proxy;
    void import('ora').then(({ default: ora }) => {
      spinner = ora({ text: current, stream: this.options.stderr, discardStdin: false }).start();
      if (pending) finish(pending.kind, pending.text);
    });
    const finish = (kind: 'succeed' | 'fail' | 'stop', t?: string) => {
      if (!spinner) {
        pending = { kind, ...(t === undefined ? {} : { text: t }) };
        return;
      }
      if (kind === 'stop') spinner.stop();
      else spinner[kind](t ?? current);
      if (this.activeProgress === proxy) this.activeProgress = undefined;
    };
    return {
      update: (t) => {
        current = t;
        if (spinner) spinner.text = t;
      },
      succeed: (t) => finish('succeed', t),
      fail: (t) => finish('fail', t),
      stop: () => finish('stop'),
    };
  }

  private refuseWithoutTty(code: string): never {
    // Never guess on someone's behalf: without a terminal the only yes is an explicit --yes.
    throw new CurvectlError('BAD_INPUT', 'This needs a confirmation and there is no terminal to ask; nothing was changed.', {
      hint: 'Run it in a terminal, or pass --yes to go ahead unattended.',
      details: { prompt: code },
    });
  }

  private promptContext() {
    return { input: this.options.stdin, output: this.options.stderr, clearPromptOnDone: false };
  }

  private async prompt<T>(run: () => Promise<T>): Promise<T> {
    this.activeProgress?.stop();
    try {
      return await run();
    } catch (err) {
      // Ctrl-C inside a prompt: inquirer owns the raw-mode keyboard, so SIGINT never fires.
      if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) {
        throw new CurvectlError('INTERRUPTED', 'Interrupted at a prompt.', { cause: err });
      }
      throw err;
    }
  }

  async confirm(request: { code: string; message: string; default: boolean }): Promise<boolean> {
    if (this.assumeYes) return true;
    if (!this.interactive) this.refuseWithoutTty(request.code);
    const { confirm } = await import('@inquirer/prompts');
    return this.prompt(() => confirm({ message: request.message, default: request.default }, this.promptContext()));
  }

  async choose<T extends string>(request: { code: string; message: string; choices: readonly Choice<T>[]; default: T }): Promise<T> {
    if (this.assumeYes) return request.default;
    if (!this.interactive) this.refuseWithoutTty(request.code);
    const { select } = await import('@inquirer/prompts');
    return this.prompt(() =>
      select<T>(
        {
          message: request.message,
          default: request.default,
          choices: request.choices.map((c) => ({
            value: c.value,
            name: c.label,
            ...(c.description === undefined ? {} : { description: c.description }),
          })),
        },
        this.promptContext(),
      ),
    );
  }

  async confirmByTyping(request: { code: string; message: string; expected: string }): Promise<boolean> {
    if (this.assumeYes) return true;
    if (!this.interactive) this.refuseWithoutTty(request.code);
    const { input } = await import('@inquirer/prompts');
    const answer = await this.prompt(() =>
      input({ message: `${request.message} Type "${request.expected}" to confirm:` }, this.promptContext()),
    );
    return answer.trim() === request.expected;
  }
}
