/** Small helpers shared by the shift engine and its rollback. */
import { abortReason } from '../abort-reason.js';
import { CurvectlError, isCurvectlError } from '../errors.js';
import type { Clock, JournalEvent, StateStore } from '../ports.js';
import type { ShiftEventType } from './journal.js';

export interface JournalWriter {
  readonly state: Pick<StateStore, 'append'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly actor: string;
}

/** Appends one event, timestamped by the clock (so tests see deterministic times). */
export function journal(
  deps: JournalWriter,
  op: string,
  type: ShiftEventType,
  data: Readonly<Record<string, unknown>>,
): Promise<JournalEvent> {
  return deps.state.append({ op, type, actor: deps.actor, at: deps.clock.now().toISOString(), data });
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (isCurvectlError(err)) return err.code === 'INTERRUPTED';
  return err instanceof Error && err.name === 'AbortError';
}

/** Throws an AbortError when the signal has fired (second Ctrl-C). */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

/** Turns an abort (second Ctrl-C) into the INTERRUPTED error, saying how to continue. */
export function asInterrupted(err: unknown, signal: AbortSignal, op: string | undefined): unknown {
  if (!isAbort(err, signal) || (isCurvectlError(err) && err.code === 'INTERRUPTED' && err.hint)) return err;
  return new CurvectlError(
    'INTERRUPTED',
    op ? `Interrupted: shift ${op} stopped where it was, and its journal is kept.` : 'Interrupted before any weight moved.',
    {
      hint: op
        ? 'Run `curvectl shift resume` to continue it or `curvectl shift abort` to roll it back.'
        : 'Nothing was changed; run the command again when ready.',
      cause: err,
      ...(op ? { details: { op } } : {}),
    },
  );
}
