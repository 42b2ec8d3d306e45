// Ctrl-C, as the core sees it. The CLI turns the first SIGINT into a request (the core stops at the
// next safe point and asks what to do) and the second into an abort of `signal` (exit at once,
// leaving the journal for `shift resume`).

export interface Interrupts {
  /** True once the operator pressed Ctrl-C and the request has not been handled yet. */
  readonly requested: boolean;
  /** Marks the current request handled (after asking the operator). */
  acknowledge(): void;
  /** Called on the first Ctrl-C; returns an unsubscribe function. */
  onRequest(listener: () => void): () => void;
  /** Aborted on the second Ctrl-C. */
  readonly signal: AbortSignal;
}
