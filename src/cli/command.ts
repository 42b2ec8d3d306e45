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

/**
 * `O` and `A` are the command's options and positional arguments as the tree (src/cli/program.ts)
 * declares and parses them: `OptionsOf<'shift'>`, `ArgsOf<'retire'>`. The global flags are in
 * `context.globals`.
 */
export interface CommandModule<O = Record<string, unknown>, A extends readonly unknown[] = readonly unknown[]> {
  run(context: Context, options: O, args: A): Promise<CommandResult>;
  /** Commands that work without curvectl.yaml (init) say so. */
  readonly needsConfig?: boolean;
  /** Commands that change things install the Ctrl-C handling. */
  readonly mutates?: boolean;
}
