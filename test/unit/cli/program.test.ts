/**
 * Options that a command and its subcommand both declare reach the command the operator typed them
 * after: `shift resume --bake 0s` is resume's bake (commander's default parse puts it on the parent
 * `shift`, and the resume kept its original bake: found by the kill -9 recovery chaos suite).
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { commandOptions } from '../../../src/cli/main.js';
import { declareProgram } from '../../../src/cli/program.js';

function parse(argv: string[]) {
  const declared = declareProgram();
  for (const command of [declared.program, ...Object.values(declared.commands)] as unknown as CommandUnknownOpts[]) {
    command.exitOverride();
    command.action(() => undefined);
  }
  declared.program.parse(argv, { from: 'user' });
  return { program: declared.program, ...declared.commands } as unknown as Record<string, CommandUnknownOpts>;
}

describe('options shared by a command and its subcommand', () => {
  it('typed after `shift resume`, they are resume\'s', () => {
    const commands = parse(['shift', 'resume', '--bake', '0s', '--allow-short-bake']);
    // Negative control: commander alone hands them to the parent.
    expect(commands.shiftResume!.opts()).toEqual({});
    expect(commandOptions(commands.shiftResume!)).toMatchObject({ bake: 0, allowShortBake: true });
  });

  it('not typed, they stay unset: the parent\'s defaults do not leak in', () => {
    const commands = parse(['shift', 'resume']);
    expect(commandOptions(commands.shiftResume!)).toEqual({});
  });

  it('shift itself keeps its own, and the global options anywhere on the line', () => {
    const commands = parse(['shift', '--to', 'cluster-b', '--bake', '30s', '-o', 'json']);
    expect(commandOptions(commands.shift!)).toMatchObject({ to: 'cluster-b', bake: 30_000 });
    expect(commands.program!.opts()).toMatchObject({ output: 'json' });
  });
});
