/**
 * "Never overwrite what curvectl did not write." Every Route 53 change of a shift (a step, a
 * rollback, a resumed step) is a compare-and-swap from the map curvectl last VERIFIED (the
 * journal's last `shift.step.done`, or W0), never from records re-read just before the change:
 * a map re-read before writing always "matches", so it could never notice an incident responder
 * who set other weights during a bake.
 *
 * So before writing, the engine reads Route 53 and compares it with the last verified map (and,
 * during the bake, at every gate poll). On real Route 53 the change batch's DELETEs are also a
 * compare-and-swap (a DELETE must match the live record exactly: "ChangeResourceRecordSets",
 * Amazon Route 53 API Reference), which closes the race between that read and the write; moto's
 * DELETE does not check the weight, so on the emulator only the explicit comparison catches it.
 *
 * When Route 53 holds something else, nothing is written: the shift holds (journal `shift.held`,
 * reason `out-of-band-change`, with the live map as `weights`), says what changed and what to do,
 * and exits 6.
 */
import { CurvectlError } from '../errors.js';
import type { Weights } from '../ports.js';
import { formatWeights } from '../weights.js';
import { ShiftEvent } from './journal.js';
import { journal, type JournalWriter } from './support.js';

export const OUT_OF_BAND_REASON = 'out-of-band-change';

export interface WeightDifference {
  readonly cluster: string;
  /** undefined: the record was not expected (it appeared). */
  readonly expected: number | undefined;
  /** undefined: the record is gone. */
  readonly found: number | undefined;
}

export function differences(expected: Weights, found: Weights): WeightDifference[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
  return names
    .filter((cluster) => expected[cluster] !== found[cluster])
    .map((cluster) => ({ cluster, expected: expected[cluster], found: found[cluster] }));
}

/**
 * Whether `live` is `expected`, allowing records that are absent from `expected` to exist at 0
 * (a record at 0 carries no traffic; the rollback sets such records to 0 anyway).
 */
export function holdsMap(live: Weights, expected: Weights, options: { allowExtraZero?: boolean } = {}): boolean {
  for (const [name, weight] of Object.entries(expected)) if (live[name] !== weight) return false;
  for (const [name, weight] of Object.entries(live)) {
    if (Object.hasOwn(expected, name)) continue;
    if (!options.allowExtraZero || weight !== 0) return false;
  }
  return true;
}

function describe(diff: readonly WeightDifference[]): string {
  return diff.map((d) => `${d.cluster}: expected ${d.expected ?? 'no record'}, found ${d.found ?? 'no record'}`).join('; ');
}

export interface OutOfBand {
  readonly op: string;
  /** The step whose verified map was expected (0: W0). */
  readonly index: number;
  readonly total: number;
  /** The map curvectl last verified (what it expected to find). */
  readonly expected: Weights;
  /** What Route 53 holds. */
  readonly found: Weights;
  /** What curvectl was about to do, for the message: "step 2/3", "the rollback", "the bake of step 1/3". */
  readonly during: string;
}

/** Journals the hold and returns the error to throw (exit 6). */
export async function holdOutOfBand(deps: JournalWriter, oob: OutOfBand): Promise<CurvectlError> {
  const diff = differences(oob.expected, oob.found);
  // `weights` is the LIVE map (the journal's convention, which the drain clock relies on).
  await journal(deps, oob.op, ShiftEvent.held, {
    index: oob.index,
    total: oob.total,
    weights: oob.found,
    expected: oob.expected,
    reason: OUT_OF_BAND_REASON,
    changes: diff,
  });
  return outOfBandError(oob, diff);
}

export function outOfBandError(oob: OutOfBand, diff: readonly WeightDifference[] = differences(oob.expected, oob.found)): CurvectlError {
  return new CurvectlError(
    'OUT_OF_BAND',
    `Route 53 has ${formatWeights(oob.found)}, but the journal of shift ${oob.op} expects step ${oob.index} (${formatWeights(oob.expected)}): someone else changed the live weights (${describe(diff)}). Shift ${oob.op} is held before ${oob.during}; nothing was written.`,
    {
      hint:
        'Find out who changed the weights and why (an incident response?) and leave them be until it is settled. Then put Route 53 back to the expected weights and run `curvectl shift resume`, or run `curvectl shift abort --force` to overwrite them with the weights the shift started from.',
      details: { op: oob.op, index: oob.index, expected: oob.expected, found: oob.found, changes: diff, reason: OUT_OF_BAND_REASON },
    },
  );
}
