/**
 * CommandPort (the command gate) over runProcess: argv only, never a shell. A non-zero exit is a
 * result, not an error. A timeout is also a result, exit code 124 as with timeout(1), with a note
 * in the output: the gate fails rather than erroring. Only a command that cannot start (or an
 * interruption) rejects.
 */
import { CurvectlError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import type { CommandPort } from '../core/ports.js';
import { isProcessError, runProcess, type ProcessRunner } from './process.js';
import { definedOnly } from '../core/defined-only.js';

/** Exit code reported for a command that ran out of time (the convention of timeout(1)). */
export const TIMEOUT_EXIT_CODE = 124;
const OUTPUT_LIMIT = 4000;

export class ProcessCommandPort implements CommandPort {
  constructor(private readonly runner: ProcessRunner = runProcess) {}

  async run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string }> {
    const [file, ...args] = argv;
    if (!file) throw new CurvectlError('BAD_CONFIG', 'A command gate has an empty argv.', { hint: 'Give at least the program to run.' });
    try {
      const result = await this.runner(file, args, {
        reject: false,
        timeoutMs: options.timeoutMs,
        ...definedOnly({ signal: options.signal }),
        graceMs: 5_000,
      });
      return { exitCode: result.exitCode, output: tail(joinOutput(result.stdout, result.stderr)) };
    } catch (err) {
      if (isProcessError(err) && err.timedOut) {
        return {
          exitCode: TIMEOUT_EXIT_CODE,
          output: tail(`${err.stderrTail}${err.stderrTail ? '\n' : ''}(timed out after ${formatDuration(options.timeoutMs)})`),
        };
      }
      throw err;
    }
  }
}

function joinOutput(stdout: string, stderr: string): string {
  return [stdout.trimEnd(), stderr.trimEnd()].filter((s) => s !== '').join('\n');
}

function tail(text: string): string {
  return text.length > OUTPUT_LIMIT ? `...${text.slice(-OUTPUT_LIMIT)}` : text;
}
