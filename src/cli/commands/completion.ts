import { completionScript } from '../completion.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { ArgsOf } from '../program.js';

export const needsConfig = false;

/** Prints the completion script for a shell (the README says where to put it). */
export function run(_ctx: Context, _options: unknown, [shell]: ArgsOf<'completion'>): Promise<CommandResult> {
  // Commander checked the shell against the argument's choices.
  const script = completionScript(shell);
  return Promise.resolve({ text: [script.trimEnd()], json: { shell, script } });
}
