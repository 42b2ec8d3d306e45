/** A scripted ProcessRunner for adapter tests: records every call and answers from a handler. */
import type { ProcessOptions, ProcessResult, ProcessRunner } from '../../src/adapters/process.js';

export interface RecordedCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: ProcessOptions;
}

export type FakeAnswer = Partial<ProcessResult> & { stdoutLines?: readonly string[]; throws?: unknown };

export function fakeRunner(handler: (call: RecordedCall) => FakeAnswer | Promise<FakeAnswer>): ProcessRunner & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const run = async (file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> => {
    const call = { file, args: [...args], options };
    calls.push(call);
    const answer = await handler(call);
    if (answer.throws) throw answer.throws;
    const stdout = answer.stdout ?? (answer.stdoutLines ? `${answer.stdoutLines.join('\n')}\n` : '');
    for (const line of stdout.split('\n')) if (line !== '') options.onStdoutLine?.(line);
    const result: ProcessResult = { stdout, stderr: answer.stderr ?? '', exitCode: answer.exitCode ?? 0 };
    if (result.exitCode !== 0 && options.reject !== false) {
      const { ProcessError } = await import('../../src/adapters/process.js');
      throw new ProcessError(options.errorCode ?? 'PROCESS', `${file} failed`, {
        command: [file, ...args].join(' '),
        exitCode: result.exitCode,
        stderrTail: result.stderr,
      });
    }
    return result;
  };
  return Object.assign(run, { calls });
}
