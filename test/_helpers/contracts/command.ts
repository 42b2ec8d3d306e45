/**
 * The CommandPort contract (src/core/ports/command.ts), what the command gate relies on: argv is
 * never a shell (an argument full of shell syntax reaches the program as it is), a command that ran
 * is a result whatever its exit code (a timeout too: exit 124, as timeout(1), so the gate fails
 * rather than errors), and it rejects only when the command cannot start or is interrupted. Run
 * against FakeCommand (test/unit/contracts) and ProcessCommandPort on real processes
 * (test/integration/adapters/io-contracts.test.ts).
 *
 * Each check is exported on its own so a negative control can run one against a broken double
 * (test/unit/contracts/negative-controls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CommandPort } from '../../../src/core/ports.js';
import { rejection } from '../rejection.js';

export interface CommandWorld {
  readonly command: CommandPort;
  /** argv of a program that writes its arguments to stdout, one a line, and exits with `exitCode`. */
  printArgs(exitCode: number, args: readonly string[]): string[];
  /** argv of a program that runs until it is stopped. */
  forever(): string[];
  /** argv of a program that does not exist. */
  missing(): string[];
}

export interface CommandSubject {
  readonly name: string;
  fresh(): Promise<CommandWorld>;
}

/** timeout(1)'s exit code, which the command gate reports for a command that ran out of time. */
const TIMED_OUT = 124;

/** Shell syntax of every kind: a shell would expand, split, redirect or chain each of these. */
const SHELL_METACHARACTERS = ['$(echo pwned)', '`id`', 'a b', '*', "'single'", '"double"', '; exit 9', '| cat', '>out', '$HOME', '&& true', '\\n'];

export const commandChecks = {
  exitCode: {
    title: 'resolves with the exit code and the output, zero or not (a non-zero exit is a result, not an error)',
    async check(w: CommandWorld): Promise<void> {
      expect(await w.command.run(w.printArgs(0, ['ok']), { timeoutMs: 30_000 })).toEqual({ exitCode: 0, output: 'ok' });
      expect(await w.command.run(w.printArgs(3, ['not ready']), { timeoutMs: 30_000 })).toEqual({ exitCode: 3, output: 'not ready' });
    },
  },
  literalArgv: {
    title: 'passes every argument literally, never through a shell',
    async check(w: CommandWorld): Promise<void> {
      const result = await w.command.run(w.printArgs(0, SHELL_METACHARACTERS), { timeoutMs: 30_000 });
      expect(result.exitCode).toBe(0);
      expect(result.output.split('\n')).toEqual(SHELL_METACHARACTERS);
    },
  },
  timeout: {
    title: `a command that outlives its timeout resolves with exit code ${TIMED_OUT}, saying so in its output`,
    async check(w: CommandWorld): Promise<void> {
      // Only the timeout can end it: that it resolves at all is the proof, with no clock assertion.
      const result = await w.command.run(w.forever(), { timeoutMs: 200 });
      expect(result.exitCode).toBe(TIMED_OUT);
      expect(result.output).toContain('timed out after 200ms');
    },
  },
  cannotStart: {
    title: 'rejects only when the command cannot start: a program that does not exist (ENVIRONMENT), an empty argv (BAD_CONFIG)',
    async check(w: CommandWorld): Promise<void> {
      expect((await rejection(w.command.run(w.missing(), { timeoutMs: 30_000 }))).code).toBe('ENVIRONMENT');
      expect((await rejection(w.command.run([], { timeoutMs: 30_000 }))).code).toBe('BAD_CONFIG');
    },
  },
  aborted: {
    title: 'an aborted signal rejects, before or while the command runs: never a result the gate would judge',
    async check(w: CommandWorld): Promise<void> {
      const before = new AbortController();
      before.abort();
      await expect(w.command.run(w.printArgs(0, ['ok']), { timeoutMs: 30_000, signal: before.signal })).rejects.toThrow();
      const during = new AbortController();
      // Far longer than any test: only the abort can end it.
      const running = w.command.run(w.forever(), { timeoutMs: 3_600_000, signal: during.signal });
      during.abort();
      await expect(running).rejects.toThrow();
    },
  },
} as const;

export function commandContract(subject: CommandSubject): void {
  describe(`CommandPort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(commandChecks)) {
      it(title, async () => check(await subject.fresh()));
    }
  });
}
