/**
 * The one place where results are printed, errors are reported and exit codes are set.
 * stdout: the result (text lines, or exactly one JSON document with -o json, or with -o jsonl every
 * event as one JSON line and the result as the last). stderr: everything else.
 */
import type { CommanderError, CommandUnknownOpts } from '@commander-js/extra-typings';
import { CurvectlError, ExitCode, toCurvectlError } from '../core/errors.js';
import { redact, secretsFromEnv } from '../core/redact.js';
import { textOf } from '../core/text-of.js';
import type { CommandModule } from './command.js';
import type { GlobalOptions } from './context.js';
import { createContext } from './context.js';

export async function runCommand<O, A extends readonly unknown[]>(
  load: () => Promise<CommandModule<O, A>>,
  globals: GlobalOptions,
  options: O,
  args: A,
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
      const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : textOf(cause);
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

/**
 * Commander's parse errors (unknown option, missing argument, bad choice): exit 2, one sentence, a
 * pointer to the help of the command commander was parsing when it failed (from the tree itself).
 */
export function reportUsageError(err: CommanderError, failedAt: CommandUnknownOpts, globals: Pick<GlobalOptions, 'output'>): void {
  const sentence = err.message.replace(/^error:\s*/i, '').replace(/\.?\s*$/, '');
  const words: string[] = [];
  for (let c: CommandUnknownOpts | null = failedAt; c?.parent; c = c.parent) words.unshift(c.name());
  const helpFor = words.length > 0 ? `curvectl ${words.join(' ')} --help` : 'curvectl --help';
  const error = new CurvectlError('BAD_INPUT', `${capitalise(sentence)}.`, { hint: `Run "${helpFor}" to see what is accepted.`, cause: err });
  reportError(error, { output: globals.output, verbose: false });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
