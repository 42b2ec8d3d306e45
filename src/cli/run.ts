/**
 * The one place where results are printed, errors are reported and exit codes are set.
 * stdout: the result (text lines, or exactly one JSON document with -o json, or with -o jsonl every
 * event as one JSON line and the result as the last). stderr: everything else.
 */
import { CommanderError } from 'commander';
import { CurvectlError, ExitCode, toCurvectlError } from '../core/errors.js';
import { redact, secretsFromEnv } from '../core/redact.js';
import type { CommandModule } from './command.js';
import type { GlobalOptions, OutputFormat } from './context.js';
import { createContext } from './context.js';

export async function runCommand(
  load: () => Promise<CommandModule>,
  globals: GlobalOptions,
  options: Record<string, unknown>,
  args: readonly unknown[],
): Promise<void> {
  const mod = await load();
  const context = createContext(globals, { mutates: mod.mutates ?? false });
  try {
    const result = await mod.run(context, options, args);
    // Notifications still on their way are part of the command: they end (or time out) before the result.
    await context.settle();
    if (globals.output === 'jsonl') {
      context.emitRecord({ type: 'result', exitCode: result.exitCode ?? ExitCode.ok, result: result.json });
    } else if (globals.output === 'json') {
      process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    } else if (result.text.length > 0) {
      process.stdout.write(`${result.text.join('\n')}\n`);
    }
    process.exitCode = result.exitCode ?? ExitCode.ok;
  } catch (err) {
    await context.settle().catch(() => undefined);
    reportError(err, globals);
  } finally {
    await context.dispose();
  }
}

export function reportError(err: unknown, globals: Pick<GlobalOptions, 'output' | 'verbose'>): void {
  const error = toCurvectlError(err);
  const secrets = secretsFromEnv(process.env);
  const clean = (text: string) => redact(text, secrets);
  const lines = [`curvectl: ${clean(error.message)}`];
  if (error.hint) lines.push(`  ${clean(error.hint)}`);
  if (globals.verbose) {
    let cause: unknown = error.cause;
    let depth = 0;
    while (cause !== undefined && depth < 5) {
      const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      lines.push(`  caused by ${clean(text)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
      depth += 1;
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  if (globals.output === 'json' || globals.output === 'jsonl') {
    const doc = {
      error: {
        code: error.code,
        message: clean(error.message),
        hint: error.hint ? clean(error.hint) : null,
        exitCode: error.exitCode,
        ...(error.details ? { details: JSON.parse(clean(JSON.stringify(error.details))) as unknown } : {}),
      },
    };
    if (globals.output === 'jsonl') {
      // The last line of the stream, like a result.
      process.stdout.write(`${clean(JSON.stringify({ type: 'error', at: new Date().toISOString(), ...doc }))}\n`);
    } else {
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    }
  }
  process.exitCode = error.exitCode;
}

/** Commander's parse errors (unknown option, missing argument, bad choice): exit 2, one sentence, a pointer to --help. */
export function reportUsageError(err: CommanderError, argv: readonly string[]): void {
  const sentence = err.message.replace(/^error:\s*/i, '').replace(/\.?\s*$/, '');
  const words = commandWords(argv.slice(2));
  const helpFor = words.length > 0 && !err.code.includes('unknownCommand') ? `curvectl ${words.join(' ')} --help` : 'curvectl --help';
  const error = new CurvectlError('BAD_INPUT', `${capitalise(sentence)}.`, { hint: `Run "${helpFor}" to see what is accepted.`, cause: err });
  reportError(error, { output: outputFormatOf(argv), verbose: false });
}

/** Commands with subcommands, and their subcommands (main.ts). `shift` is also a command itself. */
const GROUPS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['cluster', new Set(['list', 'create', 'kubeconfig'])],
  ['shift', new Set(['resume', 'abort'])],
  ['state', new Set(['bootstrap'])],
  ['config', new Set(['schema', 'validate'])],
]);
const TAKES_VALUE = new Set(['-o', '--output', '-c', '--config']);

/** The command words of an invocation ("cluster create"), skipping global options and their values. */
function commandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (TAKES_VALUE.has(a)) {
      i += 1;
      continue;
    }
    if (a.startsWith('-')) continue;
    const group = words.length === 1 ? GROUPS.get(words[0]!) : undefined;
    // After a group only a known subcommand is a command word ("shift --to b": b is a value).
    if (words.length === 1 && !group?.has(a)) break;
    words.push(a);
    if (!GROUPS.has(a) || words.length === 2) break;
  }
  return words;
}

/** The -o of an invocation commander could not parse (so its error is still in the format asked for). */
export function outputFormatOf(argv: readonly string[]): OutputFormat {
  let format: OutputFormat = 'text';
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] ?? '';
    const value = a === '-o' || a === '--output' ? argv[i + 1] : a.startsWith('--output=') ? a.slice(9) : a.startsWith('-o') && a.length > 2 ? a.slice(2) : undefined;
    if (value === 'json' || value === 'jsonl') format = value;
  }
  return format;
}


function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
