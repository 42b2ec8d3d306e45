/**
 * Usage errors go through commander's own parse of the real tree (buildProgram): no command runs,
 * nothing is loaded beyond the tree, and the error names the command commander was parsing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, runProgram } from '../../../src/cli/main.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function invoke(argv: string[]): Promise<{ stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  await runProgram(buildProgram(), ['node', 'curvectl', ...argv]);
  return { stderr, stdout };
}
const usage = async (argv: string[]) => (await invoke(argv)).stderr;

describe('usage errors', () => {
  it('point at the help of the subcommand of every command group, state included', async () => {
    expect(await usage(['state', 'bootstrap', '--bogus'])).toBe(
      `curvectl: Unknown option '--bogus'.\n  Run "curvectl state bootstrap --help" to see what is accepted.\n`,
    );
    expect(process.exitCode).toBe(2);
    expect(await usage(['-c', 'x.yaml', 'cluster', 'create', 'a', '--bogus'])).toContain('Run "curvectl cluster create --help"');
    expect(await usage(['shift', 'resume', '--bogus'])).toContain('Run "curvectl shift resume --help"');
    expect(await usage(['status', '--bogus'])).toContain('Run "curvectl status --help"');
    // A group that is also a command: the value of its option is not a subcommand.
    expect(await usage(['shift', '--to', 'cluster-b', '--bogus'])).toContain('Run "curvectl shift --help"');
    // An unknown command, and a bad global option: the help that lists them is the top-level one.
    expect(await usage(['frobnicate'])).toContain('Run "curvectl --help"');
    expect(await usage(['status', '-o', 'yaml'])).toContain('Run "curvectl --help"');
  });

  it('leave a value parser\'s BAD_INPUT sentence as it is (one sentence, exit 2, no second one from commander)', async () => {
    expect(await usage(['shift', '--to', 'cluster-b', '--step', '0'])).toBe(
      'curvectl: "0" is not a valid --step: use a whole number of percentage points from 1 to 100.\n',
    );
    expect(process.exitCode).toBe(2);
  });
});

describe('the output format of an invocation commander could not parse', () => {
  it('is the -o commander parsed, in each of its spellings, jsonl included, wherever it stands', async () => {
    const error = async (argv: string[]) => {
      const { stdout } = await invoke(argv);
      if (stdout === '') return 'text';
      return stdout.startsWith('{"type":"error"') ? 'jsonl' : 'json';
    };
    expect(await error(['status', '--bogus'])).toBe('text');
    expect(await error(['-o', 'json', 'status', '--bogus'])).toBe('json');
    expect(await error(['status', '--bogus', '--output', 'jsonl'])).toBe('jsonl');
    expect(await error(['--output=jsonl', 'status', '--bogus'])).toBe('jsonl');
    expect(await error(['-ojson', 'status', '--bogus'])).toBe('json');
    expect(await error(['-o', 'yaml', 'status'])).toBe('text');
    // A value parser's error, too: the root's options are parsed before the command's.
    expect(await error(['history', '--limit', 'abc', '-o', 'json'])).toBe('json');
  });

  it('writes a usage error under -o jsonl as one JSON line on stdout', async () => {
    const { stdout } = await invoke(['-o', 'jsonl', 'status', '--bogus']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'error', error: { code: 'BAD_INPUT', exitCode: 2 } });
  });
});
