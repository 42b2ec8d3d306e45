/**
 * `curvectl status --watch`: reads the status again every interval and reports it only when
 * something changed (like `kubectl get -w`), until the signal fires (Ctrl-C). A failed read is
 * reported once (not every interval) and the watch goes on: a watch is for looking, and a transient
 * error from AWS is something to see, not a reason to stop looking.
 */
import type { Clock } from './ports.js';
import type { StatusReport } from './status.js';

export interface WatchStatusOptions {
  /** Time between reads, in ms. */
  readonly intervalMs: number;
  /** Ends the watch (Ctrl-C). */
  readonly signal: AbortSignal;
  /** The first report, then every report that differs from the one before. */
  readonly onChange: (report: StatusReport, previous: StatusReport | undefined) => void;
  /** A read failed (reported once per distinct message, until a read succeeds again). */
  readonly onError: (error: unknown) => void;
}

/** What counts as a change: everything in the report except a lease's expiry, which moves on every renewal. */
export function statusFingerprint(report: StatusReport): string {
  const lock = report.lock ? { ...report.lock, expiresAt: undefined } : null;
  return JSON.stringify({ ...report, lock });
}

/** Runs until `signal` fires; resolves with the number of reports passed to onChange. */
export async function watchStatus(
  collect: (signal: AbortSignal) => Promise<StatusReport>,
  clock: Pick<Clock, 'sleep'>,
  options: WatchStatusOptions,
): Promise<number> {
  const { signal } = options;
  let previous: StatusReport | undefined;
  let fingerprint: string | undefined;
  let lastError: string | undefined;
  let reported = 0;
  while (!signal.aborted) {
    try {
      const report = await collect(signal);
      lastError = undefined;
      const next = statusFingerprint(report);
      if (next !== fingerprint) {
        options.onChange(report, previous);
        reported += 1;
        previous = report;
        fingerprint = next;
      }
    } catch (err) {
      if (signal.aborted) break;
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) options.onError(err);
      lastError = message;
    }
    try {
      await clock.sleep(options.intervalMs, signal);
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }
  return reported;
}
