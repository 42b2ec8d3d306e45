/**
 * Operation ids, one generator for every kind ("shift-20261126T050613Z-4a6a", "create-...",
 * "retire-..."): the time comes from the clock port (tests get deterministic times), the suffix
 * tells apart two operations started in the same second.
 */
import type { Clock } from './ports.js';

export function newOperationId(kind: string, now: Date, random: () => number = Math.random): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${kind}-${time}-${suffix}`;
}

/** A generator over a clock, for callers that take one (ShiftDeps.newOpId). */
export function operationIds(kind: string, clock: Pick<Clock, 'now'>): () => string {
  return () => newOperationId(kind, clock.now());
}
