import { CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportUsageError } from '../../../src/cli/run.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function usage(argv: string[], message = "error: unknown option '--bogus'"): string {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  reportUsageError(new CommanderError(1, 'commander.unknownOption', message), ['node', 'curvectl', ...argv]);
  return text;
}

describe('usage errors', () => {
  it('point at the help of the subcommand of every command group, state included', () => {
    expect(usage(['state', 'bootstrap', '--bogus'])).toBe(
      `curvectl: Unknown option '--bogus'.\n  Run "curvectl state bootstrap --help" to see what is accepted.\n`,
    );
    expect(process.exitCode).toBe(2);
    expect(usage(['-c', 'x.yaml', 'cluster', 'create', 'a', '--bogus'])).toContain('Run "curvectl cluster create --help"');
    expect(usage(['shift', 'resume', '--bogus'])).toContain('Run "curvectl shift resume --help"');
    expect(usage(['status', '--bogus'])).toContain('Run "curvectl status --help"');
    // A group that is also a command: the value of its option is not a subcommand.
    expect(usage(['shift', '--to', 'cluster-b', '--bogus'])).toContain('Run "curvectl shift --help"');
  });
});
