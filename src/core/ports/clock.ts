// Time, so tests can run bakes instantly.

export interface Clock {
  now(): Date;
  /** Resolves after ms, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
