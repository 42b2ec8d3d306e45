/**
 * When did a cluster last stop receiving traffic? Answered from the journal, because Route 53 keeps
 * no history. Every journal event that records a full weight map carries it as `data.weights`.
 */
import type { JournalEvent } from '../ports.js';

export type DrainState =
  /** It has weight now (or had it in the last recorded map). */
  | { readonly kind: 'has-weight' }
  /** Its weight went to 0 at `since`. */
  | { readonly kind: 'zero'; readonly since: Date }
  /** The journal never recorded it with traffic: it never served any through curvectl. */
  | { readonly kind: 'never-had-weight'; readonly since: Date | null };

function weightsIn(event: JournalEvent): Readonly<Record<string, number>> | undefined {
  const w = event.data?.weights;
  if (w && typeof w === 'object' && !Array.isArray(w)) return w as Record<string, number>;
  return undefined;
}

export function drainState(journal: readonly JournalEvent[], cluster: string): DrainState {
  let lastPositive = -1;
  let firstSeen: Date | null = null;
  journal.forEach((event, index) => {
    const weights = weightsIn(event);
    if (!weights || !(cluster in weights)) return;
    firstSeen ??= new Date(event.at);
    if ((weights[cluster] ?? 0) > 0) lastPositive = index;
  });
  if (lastPositive === -1) return { kind: 'never-had-weight', since: firstSeen };
  for (let i = lastPositive + 1; i < journal.length; i += 1) {
    const event = journal[i]!;
    const weights = weightsIn(event);
    if (weights && (weights[cluster] ?? 0) === 0) return { kind: 'zero', since: new Date(event.at) };
  }
  return { kind: 'has-weight' };
}

/** Milliseconds of drain still to wait (0 when drained). */
export function drainRemainingMs(state: DrainState, drainMs: number, now: Date): number {
  switch (state.kind) {
    case 'has-weight':
      return drainMs;
    case 'never-had-weight':
      return 0;
    case 'zero':
      return Math.max(0, drainMs - (now.getTime() - state.since.getTime()));
    default: {
      const never: never = state;
      return never;
    }
  }
}
