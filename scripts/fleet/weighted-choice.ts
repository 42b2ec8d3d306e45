/**
 * Route 53's weighted routing, as its documentation describes it ("Weighted routing", Route 53
 * Developer Guide): each record of a group is answered with probability weight / sum of weights; a
 * record at weight 0 is never answered unless every record of the group is at 0, in which case
 * they are answered with equal probability. One record per answer.
 */
export interface Weighted {
  readonly weight: number;
}

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** The record Route 53 would answer with, for one draw of `random`; undefined for an empty group. */
export function chooseWeighted<T extends Weighted>(records: readonly T[], random: Random): T | undefined {
  if (records.length === 0) return undefined;
  const total = records.reduce((sum, r) => sum + Math.max(0, r.weight), 0);
  if (total === 0) return records[Math.min(records.length - 1, Math.floor(random() * records.length))];
  let point = random() * total;
  for (const record of records) {
    const weight = Math.max(0, record.weight);
    if (weight === 0) continue;
    if (point < weight) return record;
    point -= weight;
  }
  // Floating-point rounding at the very top of the range: the last record with weight.
  return [...records].reverse().find((r) => r.weight > 0);
}

/** A small seeded generator (mulberry32), so a fleet's choices can be replayed from its seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
