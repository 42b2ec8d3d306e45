import { badInput } from '../../core/errors.js';
import { completionScript, type Shell } from '../completion.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = false;

const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Prints the completion script for a shell (the README says where to put it). */
export async function run(_ctx: Context, _options: Record<string, unknown>, args: readonly unknown[]): Promise<CommandResult> {
  const shell = String(args[0] ?? '');
  if (!SHELLS.includes(shell as Shell)) {
    throw badInput(`"${shell}" is not a shell curvectl completes: use bash, zsh or fish.`, 'For example: curvectl completion bash.');
  }
  const script = completionScript(shell as Shell);
  return { text: [script.trimEnd()], json: { shell, script } };
}
