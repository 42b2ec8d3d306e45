/**
 * Weight maps and step plans. Pure: no I/O, no clock.
 *
 * Route 53 facts behind the rules (shared/design/anchors.md): a weight is an integer 0-255, and a
 * group whose records are all 0 is split equally, so curvectl never writes all zeros. curvectl
 * works in percent: the weights of the group add up to exactly 100.
 */
import type { WeightedRecord, Weights } from './ports.js';
import { badInput, CurvectlError, refused } from './errors.js';
import { assertClusterName, isValidClusterName, printable } from './names.js';

export type { Weights } from './ports.js';

/** Highest weight Route 53 accepts for a record. */
export const MAX_RECORD_WEIGHT = 255;
/** What the weights of the group add up to in percent mode. */
export const PERCENT_TOTAL = 100;

/** The one rule for a single record's weight: an integer from 0 to 255 (Route 53 API reference, ResourceRecordSet Weight). */
export function isRecordWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && Number.isInteger(weight) && weight >= 0 && weight <= MAX_RECORD_WEIGHT;
}

export interface WeightRules {
  /** Require the weights to add up to exactly 100 (default true). */
  readonly percent?: boolean;
}

/** Everything wrong with a weight map, one phrase each; empty when it is valid. */
export function weightProblems(weights: Weights, rules: WeightRules = {}): string[] {
  const percent = rules.percent ?? true;
  const problems: string[] = [];
  const names = Object.keys(weights).sort();
  if (names.length === 0) return ['there are no weighted records'];
  let total = 0;
  for (const name of names) {
    const weight = weights[name];
    if (!isValidClusterName(name)) problems.push(`"${printable(name)}" is not a valid cluster name`);
    if (!isRecordWeight(weight)) {
      problems.push(`${printable(name)} has weight ${String(weight)}, expected an integer from 0 to ${MAX_RECORD_WEIGHT}`);
      continue;
    }
    total += weight;
  }
  if (problems.length > 0) return problems;
  if (total === 0) problems.push('every weight is 0 (Route 53 would then split traffic equally)');
  else if (percent && total !== PERCENT_TOTAL) problems.push(`the weights add up to ${total}, not ${PERCENT_TOTAL}`);
  return problems;
}

export function isValidWeights(weights: Weights, rules: WeightRules = {}): boolean {
  return weightProblems(weights, rules).length === 0;
}

/**
 * Throws REFUSED when the weights are not valid. Used on weights read from the var file or Route 53
 * (state, not flags), so the hint says how to repair them.
 */
export function assertValidWeights(weights: Weights, what = 'current weights', rules: WeightRules = {}): Weights {
  const problems = weightProblems(weights, rules);
  if (problems.length > 0) {
    throw refused(
      `The ${what} (${formatWeights(weights)}) are not valid: ${problems.join('; ')}.`,
      'Make the weights in the traffic var file integers that add up to 100, apply the traffic stack, then try again.',
      { weights, problems },
    );
  }
  return weights;
}

/**
 * How weights are written as text. 'prose' for sentences: "cluster-a 90, cluster-b 10"; 'compact'
 * where many maps stand one per line or space is short (plans, the history, a Route 53 change
 * comment): "cluster-a=90 cluster-b=10".
 */
export type WeightsStyle = 'prose' | 'compact';

/** The one formatter of a weight map: names sorted and made printable; "no records" when empty. */
export function formatWeights(weights: Weights, style: WeightsStyle = 'prose'): string {
  const names = Object.keys(weights).sort();
  if (names.length === 0) return 'no records';
  return style === 'compact'
    ? names.map((name) => `${printable(name)}=${String(weights[name])}`).join(' ')
    : names.map((name) => `${printable(name)} ${String(weights[name])}`).join(', ');
}

/** A weight map as data read back (the journal, a report): an object whose every value is a record weight. */
export function isWeightMap(value: unknown): value is Weights {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isRecordWeight);
}

/** Same clusters with the same weights (a cluster absent from one map is not the same as weight 0). */
export function sameWeights(a: Weights, b: Weights): boolean {
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** The weights of a group of records, keyed by set identifier (the cluster name). */
export function weightsFromRecords(records: readonly WeightedRecord[]): Weights {
  const weights: Record<string, number> = {};
  for (const record of records) weights[record.setIdentifier] = record.weight;
  return weights;
}

export interface WeightDrift {
  readonly cluster: string;
  /** undefined when the cluster is absent from the var file. */
  readonly desired: number | undefined;
  /** undefined when Route 53 has no record for the cluster. */
  readonly live: number | undefined;
}

/** Every cluster whose desired (var file) and live (Route 53) weight differ, sorted by name. */
export function weightDrift(desired: Weights, live: Weights): WeightDrift[] {
  const names = [...new Set([...Object.keys(desired), ...Object.keys(live)])].sort();
  const drift: WeightDrift[] = [];
  for (const cluster of names) {
    const d = desired[cluster];
    const l = live[cluster];
    if (d !== l) drift.push({ cluster, desired: d, live: l });
  }
  return drift;
}

/** "cluster-a desired 90 live 80; cluster-c desired 0 live none" */
export function formatDrift(drift: readonly WeightDrift[]): string {
  return drift
    .map((d) => `${printable(d.cluster)} desired ${d.desired ?? 'none'} live ${d.live ?? 'none'}`)
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Step plans.

export interface ShiftPlanRequest {
  /** W0: the weights now (valid, adding up to 100). */
  readonly current: Weights;
  /** The cluster that gains traffic. */
  readonly to: string;
  /** Most percentage points the target gains per step, 1-100. Ignored when `schedule` is given. */
  readonly step: number;
  /**
   * A step schedule instead of a fixed step: the percentages the target reaches, strictly increasing,
   * each 1-100, the last equal to `until` (e.g. [1, 5, 25, 50, 100]). Entries at or below the target's
   * current weight are already reached and skipped.
   */
  readonly schedule?: readonly number[];
  /** The target's weight after the last step, 0-100 and not below its current weight. */
  readonly until: number;
  /** Take all the traffic from this cluster; default: from every other cluster, in proportion. */
  readonly from?: string;
}

/**
 * The steps of a shift: W1..Wn, WITHOUT W0 (`current`). An empty plan means there is nothing to do
 * (the target already has `until`).
 *
 * Guarantees for every Wi: the same clusters as W0; integers; each 0-100 (so within Route 53's
 * 0-255); adding up to exactly 100 (so never all zero); the target gains at least 1 and at most
 * `step` points over W(i-1) and never loses (with a `schedule`: reaches exactly each of its
 * percentages above its current weight, in order); every other cluster only loses; Wn gives the
 * target exactly `until`.
 *
 * Where the target's traffic comes from: all of it from `from` when given. Otherwise, at each step,
 * from every other cluster in proportion to what it has at that step, rounded by largest remainder
 * (ties: the larger current weight, then the name) so the total stays exactly 100. Rounding at each
 * step against the previous step (not against W0) is what guarantees that no other cluster ever
 * gains weight during a shift (largest remainder against W0 can, by the Alabama paradox).
 */
export function planShift(request: ShiftPlanRequest): Weights[] {
  const { current, to, step, until, from } = request;
  assertClusterName(to, 'target cluster name');
  if (from !== undefined) assertClusterName(from, 'source cluster name');
  assertValidWeights(current, 'current weights');
  const names = Object.keys(current).sort();
  const known = `known clusters: ${names.map(printable).join(', ')}`;
  const startWeight = current[to];
  if (startWeight === undefined) {
    throw badInput(`Cluster "${to}" has no weighted record, so traffic cannot be shifted to it (${known}).`,
      'Create it first with `curvectl cluster create`, or pick one of the known clusters with --to.');
  }
  const schedule = request.schedule;
  if (schedule === undefined && (!Number.isInteger(step) || step < 1 || step > 100)) {
    throw badInput(`The step must be a whole number of percentage points from 1 to 100, not ${String(step)}.`,
      'For example: --step 10.');
  }
  if (!Number.isInteger(until) || until < 0 || until > 100) {
    throw badInput(`The target weight must be a whole percentage from 0 to 100, not ${String(until)}.`,
      'For example: --until 100 (the default) or --until 50.');
  }
  if (schedule !== undefined) assertValidSchedule(schedule, until);
  if (names.length === 1) {
    throw refused(`"${to}" is the only cluster with a weighted record, so there is no traffic to shift to it.`,
      'Create another cluster with `curvectl cluster create` first.');
  }
  if (from !== undefined) {
    if (from === to) {
      throw badInput(`--from and --to both name "${to}": traffic has to come from another cluster.`,
        'Drop --from to take traffic from every other cluster, or name a different one.');
    }
    if (current[from] === undefined) {
      throw badInput(`Cluster "${from}" has no weighted record, so traffic cannot come from it (${known}).`,
        'Pick one of the known clusters with --from, or drop --from.');
    }
  }
  if (until < startWeight) {
    const other = names.filter((n) => n !== to).sort((a, b) => (current[b] ?? 0) - (current[a] ?? 0))[0] ?? '<name>';
    throw refused(`"${to}" already has ${startWeight}%, more than --until ${until}: a shift only moves traffic towards its target.`,
      `To move traffic away from "${to}", shift towards another cluster, for example \`curvectl shift --to ${printable(other)}\`.`);
  }
  const needed = until - startWeight;
  if (from !== undefined) {
    const available = current[from] ?? 0;
    if (available < needed) {
      throw refused(`"${from}" has only ${available}%, but moving "${to}" from ${startWeight}% to ${until}% needs ${needed}%.`,
        `Use --until ${startWeight + available}, or drop --from to take traffic from every other cluster.`);
    }
  }

  const plan: Weights[] = [];
  let previous: Weights = current;
  let reached = startWeight;
  const targets = schedule?.filter((p) => p > startWeight);
  while (reached < until) {
    const next = targets !== undefined ? (targets[plan.length] ?? until) : Math.min(reached + step, until);
    const delta = next - reached;
    const taken = from !== undefined ? { [from]: delta } : takeProportionally(previous, to, delta);
    const weights: Record<string, number> = {};
    for (const name of names) {
      weights[name] = name === to ? next : (previous[name] ?? 0) - (taken[name] ?? 0);
    }
    plan.push(weights);
    previous = weights;
    reached = next;
  }
  return plan;
}

/**
 * Everything wrong with a step schedule, one phrase each; empty when it is valid. `until` is where
 * the shift ends (--until): the schedule must end exactly there.
 */
export function scheduleProblems(schedule: readonly number[], until?: number): string[] {
  if (schedule.length === 0) return ['it has no steps'];
  const problems: string[] = [];
  schedule.forEach((p, i) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 100) {
      problems.push(`${String(p)} is not a whole percentage from 1 to 100`);
    } else if (i > 0 && p <= (schedule[i - 1] ?? 0)) {
      problems.push(`${p} does not come after ${String(schedule[i - 1])} (the percentages must increase)`);
    }
  });
  const last = schedule[schedule.length - 1];
  if (problems.length === 0 && until !== undefined && last !== until) {
    problems.push(`it ends at ${String(last)}%, but the shift ends at ${until}% (--until)`);
  }
  return problems;
}

function assertValidSchedule(schedule: readonly number[], until: number): void {
  const problems = scheduleProblems(schedule, until);
  if (problems.length === 0) return;
  // Only the end is wrong: say both ways to make it agree.
  const onlyTheEnd = scheduleProblems(schedule).length === 0;
  const last = schedule[schedule.length - 1];
  throw badInput(`The step schedule ${schedule.map(String).join(',')} is not valid: ${problems.join('; ')}.`,
    onlyTheEnd
      ? `End the schedule at ${until} (for example --steps ${[...schedule.filter((p) => p < until), until].join(',')}), or pass --until ${String(last)}.`
      : 'Give increasing percentages the target reaches, ending at --until, for example --steps 1,5,25,50,100.');
}

/** Parses "1,5,25,50,100" (--steps) into numbers; anything that is not a list of whole numbers is one clear error. */
export function parseSchedule(text: string, flag = '--steps'): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw badInput(`"${printable(text)}" is not a valid ${flag}: use comma-separated whole percentages the target reaches, for example 1,5,25,50,100.`);
  }
  return parts.map(Number);
}

/**
 * Splits `delta` points among every cluster except `to`, in proportion to their weights, by
 * largest remainder. Each share is at most the cluster's weight because delta <= their total.
 */
function takeProportionally(weights: Weights, to: string, delta: number): Record<string, number> {
  const donors = Object.keys(weights)
    .filter((name) => name !== to && (weights[name] ?? 0) > 0)
    .sort();
  const total = donors.reduce((sum, name) => sum + (weights[name] ?? 0), 0);
  if (delta > total) {
    // planShift checks this first; reaching here is a bug.
    throw new CurvectlError('INTERNAL', `Cannot take ${delta} points from clusters holding ${total}.`);
  }
  const shares = donors.map((name) => {
    const weight = weights[name] ?? 0;
    // Integer arithmetic: quota = delta * weight / total exactly, as floor plus remainder.
    const scaled = delta * weight;
    return { name, weight, floor: Math.floor(scaled / total), remainder: scaled % total };
  });
  let left = delta - shares.reduce((sum, s) => sum + s.floor, 0);
  const order = [...shares].sort(
    (a, b) => b.remainder - a.remainder || b.weight - a.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const result: Record<string, number> = {};
  for (const share of shares) result[share.name] = share.floor;
  for (const share of order) {
    if (left <= 0) break;
    result[share.name] = (result[share.name] ?? 0) + 1;
    left -= 1;
  }
  return result;
}
