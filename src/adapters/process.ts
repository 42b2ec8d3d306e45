/**
 * The one place curvectl starts subprocesses, and the only importer of execa.
 *
 * - argv arrays only: execa runs with `shell: false`, so no value is ever parsed by a shell.
 * - Cancellation: aborting `signal` sends SIGINT (Terraform stops cleanly on SIGINT, finishing the
 *   provider calls in flight and releasing its state lock), then SIGKILL after `graceMs`.
 * - Children get their own process group (`detached`), so the operator's Ctrl-C reaches curvectl
 *   only: the first Ctrl-C is a question curvectl asks at a safe point, not a signal that interrupts
 *   a Terraform apply half-way. Children still running when curvectl exits are sent SIGTERM.
 * - Failures are CurvectlErrors (ProcessError) with exit code, signal and a stderr tail, with
 *   anything that looks like an AWS credential scrubbed.
 */
import type { Options as ExecaOptions } from 'execa';
import { constants as osConstants } from 'node:os';
import { CurvectlError, type ErrorCode } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import { redact as scrubSecrets } from '../core/redact.js';
import { textOf } from '../core/text-of.js';

export interface ProcessOptions {
  /** Working directory; default: the current one. */
  readonly cwd?: string;
  /** Variables added to the inherited environment; `undefined` removes an inherited one. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the process (SIGINT, then SIGKILL after graceMs) after this long; default: no limit. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Written to stdin, which is then closed; default: stdin is empty. */
  readonly input?: string;
  /** Called with every line of stdout / stderr as it arrives (without the newline). */
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
  /** false: a non-zero exit resolves with its exit code instead of rejecting. Default true. */
  readonly reject?: boolean;
  /** The CurvectlError code of a failure (default 'PROCESS'; e.g. 'TERRAFORM'). */
  readonly errorCode?: ErrorCode;
  /** How long after SIGINT (cancel or timeout) the process gets before SIGKILL. Default 10 s. */
  readonly graceMs?: number;
  /** Run in its own process group, out of reach of the terminal's Ctrl-C. Default true. */
  readonly detached?: boolean;
}

export interface ProcessResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; 128 + the signal number when a signal ended the process (reject: false only). */
  readonly exitCode: number;
  /** The signal that ended the process, if one did. */
  readonly signal?: string;
}

/** The function type other modules depend on; tests pass a fake. */
export type ProcessRunner = (file: string, args: readonly string[], options?: ProcessOptions) => Promise<ProcessResult>;

export interface ProcessErrorInit {
  readonly command: string;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stderrTail: string;
  readonly timedOut?: boolean;
  readonly hint?: string;
  readonly cause?: unknown;
}

/** A subprocess that failed, timed out, was cancelled or could not start. */
export class ProcessError extends CurvectlError {
  readonly command: string;
  /** The process's own exit code (the inherited `exitCode` getter is curvectl's exit code). */
  readonly processExitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: string;
  readonly timedOut: boolean;

  constructor(code: ErrorCode, message: string, init: ProcessErrorInit) {
    super(code, message, {
      hint: init.hint,
      cause: init.cause,
      details: {
        command: init.command,
        ...(init.exitCode === undefined ? {} : { exitCode: init.exitCode }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
        ...(init.timedOut ? { timedOut: true } : {}),
        stderrTail: init.stderrTail,
      },
    });
    this.name = 'ProcessError';
    this.command = init.command;
    this.processExitCode = init.exitCode;
    this.signal = init.signal;
    this.stderrTail = init.stderrTail;
    this.timedOut = init.timedOut ?? false;
  }
}

export function isProcessError(err: unknown): err is ProcessError {
  return err instanceof ProcessError;
}

const TAIL_LINES = 20;
const TAIL_CHARS = 2000;

/** The last lines of a process's stderr, scrubbed, for messages and details. */
export function stderrTail(stderr: string): string {
  // eslint-disable-next-line no-control-regex -- ESC (\u001b) starts the colour sequences this strips
  const lines = stderr.replace(/\u001b\[[0-9;]*m/g, '').trimEnd().split('\n');
  let tail = lines.slice(-TAIL_LINES).join('\n');
  if (tail.length > TAIL_CHARS) tail = `...${tail.slice(-TAIL_CHARS)}`;
  return scrubSecrets(tail);
}

/** A display form of a command line (display only: it is never run through a shell). */
export function formatCommandLine(file: string, args: readonly string[]): string {
  return scrubSecrets([file, ...args].map(quoteForDisplay).join(' '));
}

export function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const running = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();
let exitHookInstalled = false;
function track(child: { kill(signal?: NodeJS.Signals): boolean }): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Detached children are not killed by execa's own cleanup; do it here.
    process.once('exit', () => {
      for (const c of running) {
        try {
          c.kill('SIGTERM');
        } catch {
          // already gone
        }
      }
    });
  }
  running.add(child);
  return () => running.delete(child);
}

function lineTransform(onLine: (line: string) => void) {
  return function* (line: unknown) {
    const text = typeof line === 'string' ? line : String(line);
    try {
      onLine(text);
    } catch {
      // A listener's bug must not break the subprocess's output handling.
    }
    yield text;
  };
}

function signalExitCode(signal: string | undefined): number {
  if (!signal) return 1;
  const n = (osConstants.signals as Record<string, number | undefined>)[signal];
  return n === undefined ? 1 : 128 + n;
}

export const runProcess: ProcessRunner = async (file, args, options = {}) => {
  const command = formatCommandLine(file, args);
  const graceMs = options.graceMs ?? 10_000;
  const execaOptions: ExecaOptions = {
    shell: false,
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    stripFinalNewline: false,
    input: options.input ?? '',
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    killSignal: 'SIGINT',
    forceKillAfterDelay: graceMs,
    detached: options.detached ?? true,
    windowsHide: true,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.onStdoutLine ? { stdout: lineTransform(options.onStdoutLine) } : {}),
    ...(options.onStderrLine ? { stderr: lineTransform(options.onStderrLine) } : {}),
  };

  if (options.signal?.aborted) {
    throw new ProcessError('INTERRUPTED', `${command} was not started: the operation was interrupted.`, {
      command,
      stderrTail: '',
      cause: options.signal.reason,
    });
  }

  // Loaded on the first subprocess, not at import: execa and its dependencies are about 300
  // modules, and commands that never start one (status) should not pay for them.
  const { execa } = await import('execa');
  if (options.signal?.aborted) {
    throw new ProcessError('INTERRUPTED', `${command} was not started: the operation was interrupted.`, { command, stderrTail: '', cause: options.signal.reason });
  }
  const subprocess = execa(file, [...args], execaOptions);
  const untrack = track(subprocess);
  let result;
  try {
    result = await subprocess;
  } finally {
    untrack();
  }

  const stdout = joinOutput(result.stdout);
  const stderr = joinOutput(result.stderr);
  const tail = stderrTail(stderr);
  const errorCode = options.errorCode ?? 'PROCESS';

  if (result.failed && result.exitCode === undefined && !result.signal && !result.isCanceled && !result.timedOut) {
    // It never ran: spawn error.
    if (result.code === 'ENOENT') {
      throw new CurvectlError('ENVIRONMENT', `${file} was not found on PATH.`, {
        hint: `Install ${file}, or give its full path.`,
        cause: result,
        details: { command },
      });
    }
    if (result.code === 'EACCES') {
      throw new CurvectlError('ENVIRONMENT', `${file} could not be run: permission denied.`, {
        hint: `Check that ${file} is executable.`,
        cause: result,
        details: { command },
      });
    }
    throw new ProcessError(errorCode, `${command} could not be started: ${scrubSecrets(String(result.shortMessage ?? result.code ?? 'unknown error'))}`, {
      command,
      stderrTail: tail,
      cause: result,
    });
  }

  if (result.isCanceled) {
    throw new ProcessError('INTERRUPTED', `${command} was interrupted.`, {
      command,
      exitCode: result.exitCode,
      signal: result.signal,
      stderrTail: tail,
      cause: result,
    });
  }

  if (result.timedOut) {
    throw new ProcessError(errorCode, `${command} timed out after ${formatDuration(options.timeoutMs ?? 0)}.`, {
      command,
      exitCode: result.exitCode,
      signal: result.signal,
      stderrTail: tail,
      timedOut: true,
      hint: 'It may be waiting on something that never answers; run it by hand to see.',
      cause: result,
    });
  }

  const exitCode = result.exitCode ?? signalExitCode(result.signal);
  if (exitCode !== 0 && options.reject !== false) {
    const lastLine = tail.split('\n').filter((l) => l.trim() !== '').at(-1);
    const how = result.signal ? `was killed by ${result.signal}` : `failed with exit code ${exitCode}`;
    throw new ProcessError(errorCode, `${command} ${how}${lastLine ? `: ${lastLine.trim()}` : '.'}`, {
      command,
      exitCode: result.exitCode,
      signal: result.signal,
      stderrTail: tail,
      cause: result,
    });
  }

  return { stdout, stderr, exitCode, ...(result.signal ? { signal: result.signal } : {}) };
};

function joinOutput(output: unknown): string {
  if (output === undefined || output === null) return '';
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.join('\n');
  if (output instanceof Uint8Array) return Buffer.from(output).toString('utf8');
  return textOf(output);
}
