/**
 * A CommandPort fake for the command gate's tests: every run answers `exitCode` and `output` unless
 * its program was given a behaviour of its own. It keeps the CommandPort contract
 * (test/_helpers/contracts/command.ts) as ProcessCommandPort does: argv is recorded and handed on
 * as it is, a timeout is exit 124 (a result), and only a command that cannot start rejects.
 */
import { formatDuration } from '../../src/core/duration.js';
import { CurvectlError } from '../../src/core/errors.js';
import type { CommandPort } from '../../src/core/ports.js';
import { pendingUntil, throwIfAborted } from './fake-waits.js';

/** What a program does: answers from its arguments, runs until its timeout or signal, or is not installed. */
export type FakeProgram = ((args: readonly string[]) => { exitCode: number; output: string }) | 'forever' | 'missing';

/** timeout(1)'s exit code, as ProcessCommandPort reports a command that ran out of time. */
const TIMED_OUT = 124;

export class FakeCommand implements CommandPort {
  readonly runs: { argv: readonly string[]; timeoutMs: number }[] = [];
  exitCode = 0;
  output = '';
  failWith: Error | undefined;
  private readonly programs = new Map<string, FakeProgram>();

  /** Gives `file` a behaviour of its own (other programs answer exitCode and output). */
  program(file: string, behaviour: FakeProgram): this {
    this.programs.set(file, behaviour);
    return this;
  }

  async run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string }> {
    const [file, ...args] = argv;
    if (file === undefined) throw new CurvectlError('BAD_CONFIG', 'A command gate has an empty argv.', { hint: 'Give at least the program to run.' });
    throwIfAborted(options.signal);
    this.runs.push({ argv: [...argv], timeoutMs: options.timeoutMs });
    if (this.failWith) throw this.failWith;
    const behaviour = this.programs.get(file);
    if (behaviour === 'missing') throw new CurvectlError('ENVIRONMENT', `${file} was not found on PATH.`, { hint: 'Install it, or fix PATH.' });
    if (behaviour === 'forever') {
      await pendingUntil(options.timeoutMs, options.signal);
      return { exitCode: TIMED_OUT, output: `(timed out after ${formatDuration(options.timeoutMs)})` };
    }
    if (behaviour) return behaviour(args);
    return { exitCode: this.exitCode, output: this.output };
  }
}
