/**
 * One error family for the whole tool. Every failure the operator can see is a CurvectlError with a
 * stable code (scripts match on codes, never on messages), one sentence saying what is wrong, an
 * optional hint saying what to do, and the underlying cause for --verbose.
 */

/** Exit codes of the command-line contract (shared/design/cli-contract.md). Mapped here and nowhere else. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  gateFailed: 3,
  locked: 4,
  stopped: 5,
  /** Held because someone else changed the live weights; nothing of theirs was overwritten. */
  heldOutOfBand: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  /** Bad flags, names or values given on the command line. Nothing was changed. */
  | 'BAD_INPUT'
  /** curvectl.yaml missing, unreadable or invalid. Nothing was changed. */
  | 'BAD_CONFIG'
  /** The request conflicts with the current state (retire a cluster with weight, drift, ...). Nothing was changed. */
  | 'REFUSED'
  /** The machine lacks something: terraform missing or too old, no AWS credentials, ... */
  | 'ENVIRONMENT'
  /** An AWS API call failed. */
  | 'AWS'
  /** A terraform command failed. */
  | 'TERRAFORM'
  /** A health gate failed and traffic was rolled back. */
  | 'GATE_FAILED'
  /** Another operation holds the lock. */
  | 'LOCKED'
  /** The operator held or aborted the operation. */
  | 'STOPPED'
  /** Route 53 no longer holds the weights curvectl last verified: someone else changed them; the shift holds. */
  | 'OUT_OF_BAND'
  /** Ctrl-C. */
  | 'INTERRUPTED'
  /** Live state is not what curvectl expects and it could not repair it by itself. */
  | 'INCONSISTENT'
  /** A subprocess failed in a way that is not terraform's (spawn error, timeout). */
  | 'PROCESS'
  /** Anything else: a bug. */
  | 'INTERNAL';

const exitCodes: Record<ErrorCode, ExitCode> = {
  BAD_INPUT: ExitCode.badInput,
  BAD_CONFIG: ExitCode.badInput,
  REFUSED: ExitCode.badInput,
  ENVIRONMENT: ExitCode.failed,
  AWS: ExitCode.failed,
  TERRAFORM: ExitCode.failed,
  GATE_FAILED: ExitCode.gateFailed,
  LOCKED: ExitCode.locked,
  STOPPED: ExitCode.stopped,
  OUT_OF_BAND: ExitCode.heldOutOfBand,
  INTERRUPTED: ExitCode.interrupted,
  INCONSISTENT: ExitCode.failed,
  PROCESS: ExitCode.failed,
  INTERNAL: ExitCode.failed,
};

export interface CurvectlErrorOptions {
  /** What the operator should do next, one sentence. */
  hint?: string;
  cause?: unknown;
  /** Structured detail for `-o json` (never credentials). */
  details?: Record<string, unknown>;
}

export class CurvectlError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CurvectlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CurvectlError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): ExitCode {
    return exitCodes[this.code];
  }
}

export const badInput = (message: string, hint?: string, cause?: unknown): CurvectlError =>
  new CurvectlError('BAD_INPUT', message, { hint, cause });

export const refused = (message: string, hint?: string, details?: Record<string, unknown>): CurvectlError =>
  new CurvectlError('REFUSED', message, { hint, details });

export function isCurvectlError(err: unknown): err is CurvectlError {
  return err instanceof CurvectlError;
}

/** Wraps anything thrown into the family, keeping the original as the cause. */
export function toCurvectlError(err: unknown): CurvectlError {
  if (isCurvectlError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new CurvectlError('INTERRUPTED', 'Interrupted.', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CurvectlError('INTERNAL', `Unexpected error: ${message}`, {
    hint: 'Run again with --verbose and report it with the output.',
    cause: err,
  });
}

export function exitCodeFor(err: unknown): ExitCode {
  return toCurvectlError(err).exitCode;
}
