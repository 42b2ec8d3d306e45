/**
 * When did a cluster last stop receiving traffic? Answered from the journal, because Route 53 keeps
 * no history. Every journal event that records a full weight map carries it as `data.weights`.
 *
 * Fail closed: a cluster whose history the journal does not know (a fresh checkout, a journal on
 * another machine, a weight moved to 0 by hand) may have carried traffic until a moment ago, so its
 * drain clock starts when curvectl first sees it at 0 (retire journals that observation). Only a
 * cluster curvectl itself registered at 0 and never gave weight is retirable at once.
 */
import type { JournalEvent } from '../ports.js';

export type DrainState =
  /** It has weight now (or had it in the last recorded map). */
  | { readonly kind: 'has-weight' }
  /** Its weight went to 0 at `since`. */
  | { readonly kind: 'zero'; readonly since: Date }
  /**
   * The journal never recorded it with traffic. `since`: the first event that saw it (at 0); null
   * when no event mentions it (unknown history). `registeredAtZero`: that first event is curvectl
   * registering it at 0, so it never served anything and needs no drain.
   */
  | { readonly kind: 'never-had-weight'; readonly since: Date | null; readonly registeredAtZero?: true };

function weightsIn(event: JournalEvent): Readonly<Record<string, number>> | undefined {
  const w = event.data?.weights;
  if (w && typeof w === 'object' && !Array.isArray(w)) return w as Record<string, number>;
  return undefined;
}

export function drainState(journal: readonly JournalEvent[], cluster: string): DrainState {
  let lastPositive = -1;
  let firstSeen: Date | null = null;
  let registeredAtZero = false;
  journal.forEach((event, index) => {
    const weights = weightsIn(event);
    if (!weights || !(cluster in weights)) return;
    if (firstSeen === null) {
      firstSeen = new Date(event.at);
      registeredAtZero = event.type === 'cluster.registered' && event.data?.cluster === cluster && weights[cluster] === 0;
    }
    if ((weights[cluster] ?? 0) > 0) lastPositive = index;
  });
  if (lastPositive === -1) return { kind: 'never-had-weight', since: firstSeen, ...(registeredAtZero ? { registeredAtZero: true as const } : {}) };
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
      if (state.registeredAtZero) return 0;
      // Unknown history: the drain runs from the first time curvectl saw it at 0.
      if (state.since === null) return drainMs;
      return Math.max(0, drainMs - (now.getTime() - state.since.getTime()));
    case 'zero':
      return Math.max(0, drainMs - (now.getTime() - state.since.getTime()));
    default: {
      const never: never = state;
      return never;
    }
  }
}
