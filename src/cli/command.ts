/** What every command module exports, and what it gives back. */
import type { Context } from './context.js';

export interface CommandResult {
  /** Lines for stdout in text mode. */
  readonly text: readonly string[];
  /** The one JSON document for stdout in `-o json` mode. */
  readonly json: unknown;
  /** Non-zero for outcomes that are not errors but must not look like success (held: 5, rolled back: 3). */
  readonly exitCode?: number;
}

export interface CommandModule {
  /** `options` are the command's own flags (commander's camelCase names) merged with the globals; `args` are its positional arguments. */
  run(context: Context, options: Record<string, unknown>, args: readonly unknown[]): Promise<CommandResult>;
  /** Commands that work without curvectl.yaml (init) say so. */
  readonly needsConfig?: boolean;
  /** Commands that change things install the Ctrl-C handling. */
  readonly mutates?: boolean;
}
