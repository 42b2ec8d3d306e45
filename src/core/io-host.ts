/**
 * How the core talks to a person (or a script) without knowing about terminals. Implementations live
 * in src/io: interactive (inquirer + ora + chalk), non-interactive (--yes / no TTY), JSON, and a
 * scripted one for tests. Every request has a stable code so tests and logs can refer to it.
 */
import type { GateResultView } from './gates/types.js';
import type { ChangeSummary, LockStatus, Weights } from './ports.js';

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'success';

export interface Message {
  readonly level: Level;
  /** Stable, dotted: "shift.step.done", "retire.drain.waiting"... */
  readonly code: string;
  readonly text: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A long wait or a running terraform. Spinner on a TTY, plain lines otherwise. */
export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  /** Stops without a final line (e.g. before a prompt). */
  stop(): void;
}

/** Structured things the host renders (text hosts) or collects (the JSON host). */
export type View =
  | { readonly type: 'weights'; readonly title: string; readonly weights: Weights; readonly previous?: Weights }
  | { readonly type: 'plan'; readonly title: string; readonly steps: readonly Weights[]; readonly commands?: readonly string[] }
  | { readonly type: 'gates'; readonly results: readonly GateResultView[] }
  | { readonly type: 'changes'; readonly title: string; readonly summary: ChangeSummary; readonly resources?: readonly string[] }
  | { readonly type: 'lock'; readonly lock: LockStatus };

export interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
  readonly description?: string;
}

export interface IoHost {
  /** True when a person can answer prompts (a TTY and no --yes). */
  readonly interactive: boolean;
  /** True under --yes: requests take their default answer. */
  readonly assumeYes: boolean;
  notify(message: Message): void;
  show(view: View): void;
  startProgress(text: string): Progress;
  /** A yes/no question. Under --yes the answer is `true`; with no TTY and no --yes it throws BAD_INPUT. */
  confirm(request: { code: string; message: string; default: boolean }): Promise<boolean>;
  /** Pick one. Under --yes the answer is `default`; with no TTY and no --yes it throws BAD_INPUT. */
  choose<T extends string>(request: { code: string; message: string; choices: readonly Choice<T>[]; default: T }): Promise<T>;
  /**
   * Destructive confirmation: the person types `expected` (a cluster name). Under --yes: true.
   * With no TTY and no --yes it throws BAD_INPUT. A wrong answer returns false.
   */
  confirmByTyping(request: { code: string; message: string; expected: string }): Promise<boolean>;
}
