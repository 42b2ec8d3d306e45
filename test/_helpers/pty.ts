/**
 * The real binary in a pseudo-terminal, driven the way an operator would: read the screen, press
 * keys. stdin, stdout and stderr are all the terminal, so curvectl's TTY paths (prompts, spinners)
 * run for real.
 */
import pty from 'node-pty';
import { binPath } from './cli.js';

/** Keys as a terminal sends them. */
export const Keys = {
  enter: '\r',
  up: '\u001b[A',
  down: '\u001b[B',
  ctrlC: '\u0003',
} as const;

// CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST), and two-byte escapes (ESC 7, ESC =, ...).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_78=>]/g;

/** The text without terminal escape sequences and carriage returns. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

export interface PtyExit {
  readonly exitCode: number;
  readonly signal: number | undefined;
}

export interface PtySession {
  readonly pid: number;
  /** Everything written to the terminal so far, escapes included. */
  raw(): string;
  /** Everything written so far, escapes stripped: what the operator read. */
  transcript(): string;
  /**
   * Resolves with the match once `pattern` appears in the stripped output after `from` (an offset
   * into transcript(); default: where the previous waitForText match ended). Rejects after timeoutMs,
   * or when the process exits first, with the transcript in the message.
   */
  waitForText(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  /** Sends keys (see Keys). */
  write(keys: string): void;
  /** Resolves when the process exits. */
  readonly exit: Promise<PtyExit>;
  /** Sends a signal (default SIGKILL) if it is still running. */
  kill(signal?: string): void;
}

export interface SpawnPtyOptions {
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly cols?: number;
  readonly rows?: number;
}

/** Starts `node bin/curvectl.js <args>` in a new pseudo-terminal. */
export function spawnCurvectlPty(args: readonly string[], options: SpawnPtyOptions): PtySession {
  return spawnPty(process.execPath, [binPath, ...args], options);
}

export function spawnPty(file: string, args: readonly string[], options: SpawnPtyOptions): PtySession {
  // An operator's terminal: without CI in the environment, which makes ora (through is-interactive)
  // print each progress line once instead of animating it, so a CI run would never show updates.
  const env = Object.fromEntries(Object.entries(options.env).filter(([k, v]) => v !== undefined && k !== 'CI')) as Record<string, string>;
  const term = pty.spawn(file, [...args], {
    name: 'xterm-256color',
    cols: options.cols ?? 160,
    rows: options.rows ?? 50,
    cwd: options.cwd,
    env: { TERM: 'xterm-256color', ...env },
  });
  let raw = '';
  let clean = '';
  let cursor = 0;
  let exitInfo: PtyExit | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  term.onData((data) => {
    raw += data;
    // Strip over the whole buffer: an escape sequence can be split across chunks.
    clean = stripAnsi(raw);
    wake();
  });
  const exit = new Promise<PtyExit>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      exitInfo = { exitCode, signal: signal || undefined };
      // node-pty can report the exit before the last output; let it drain.
      setTimeout(() => {
        resolve(exitInfo!);
        wake();
      }, 100);
    });
  });
  let exited = false;
  void exit.then(() => (exited = true));

  const session: PtySession = {
    pid: term.pid,
    raw: () => raw,
    transcript: () => clean,
    waitForText(pattern, timeoutMs = 60_000, from) {
      const start = from ?? cursor;
      const regex = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = regex.exec(clean.slice(start));
          if (match) {
            done();
            cursor = start + match.index + match[0].length;
            resolve(match);
          } else if (exited) {
            done();
            reject(new Error(`the process exited (${JSON.stringify(exitInfo)}) before ${pattern} appeared. Transcript:\n${clean}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}. Transcript:\n${clean}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    write(keys) {
      term.write(keys);
    },
    exit,
    kill(signal = 'SIGKILL') {
      if (!exited) {
        try {
          term.kill(signal);
        } catch {
          // already gone
        }
      }
    },
  };
  return session;
}
