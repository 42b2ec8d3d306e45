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

describe('the output format of an invocation commander could not parse', () => {
  it('finds -o in each of its spellings, jsonl included', async () => {
    const { outputFormatOf } = await import('../../../src/cli/run.js');
    expect(outputFormatOf(['node', 'curvectl', 'status'])).toBe('text');
    expect(outputFormatOf(['node', 'curvectl', '-o', 'json', 'status'])).toBe('json');
    expect(outputFormatOf(['node', 'curvectl', 'status', '--output', 'jsonl'])).toBe('jsonl');
    expect(outputFormatOf(['node', 'curvectl', '--output=jsonl', 'status'])).toBe('jsonl');
    expect(outputFormatOf(['node', 'curvectl', '-ojson', 'status'])).toBe('json');
    expect(outputFormatOf(['node', 'curvectl', '-o', 'yaml', 'status'])).toBe('text');
  });

  it('writes a usage error under -o jsonl as one JSON line on stdout', () => {
    let out = '';
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    reportUsageError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'"), ['node', 'curvectl', '-o', 'jsonl', 'status', '--bogus']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'error', error: { code: 'BAD_INPUT', exitCode: 2 } });
  });
});
