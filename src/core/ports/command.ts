// Running a command, for the command gate (implemented with the process module).

export interface CommandPort {
  /** Runs argv (never a shell). Resolves with the exit code; rejects only when it cannot start. */
  run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<{ exitCode: number; output: string }>;
}
