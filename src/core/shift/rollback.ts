/**
 * The fast path back to where a shift started (W0). Terraform is too slow to be the first move
 * when a gate fails (the AWS provider alone waits ~15 s per record), so:
 *
 *  1. ONE Route 53 change batch moves every weighted record back to W0 (on real Route 53 a
 *     DELETE+CREATE batch is an atomic compare-and-swap), then waits until it is INSYNC;
 *  2. Route 53 is read back and must equal W0;
 *  3. only then the var file gets W0 and the traffic stack is applied, to bring Terraform's state
 *     back in line; a plan afterwards must show no change.
 *
 * Idempotent: it reads Route 53 first and skips the change when the records already have W0, so
 * `shift abort` can finish a rollback that was cut short at any point.
 */
import { CurvectlError, isCurvectlError } from '../errors.js';
import type { IoHost } from '../io-host.js';
import type { Clock, Stacks, StateStore, TrafficDns, Weights } from '../ports.js';
import { formatWeights, sameWeights, weightsFromRecords } from '../weights.js';
import { ShiftEvent } from './journal.js';
import { holdOutOfBand, holdsMap } from './out-of-band.js';
import { errorMessage, isAbort, journal } from './support.js';
import type { RollbackCause } from './types.js';
import { definedOnly } from '../defined-only.js';

export interface RollbackDeps {
  readonly dns: TrafficDns;
  readonly stacks: Pick<Stacks, 'writeDesiredWeights' | 'applyTraffic' | 'planTraffic'>;
  readonly state: Pick<StateStore, 'append'>;
  readonly io: IoHost;
  readonly clock: Clock;
  readonly actor: string;
  readonly signal?: AbortSignal;
}

export interface RollbackRequest {
  readonly op: string;
  /** Where to go back to. */
  readonly w0: Weights;
  readonly cause: RollbackCause;
  /** Why, one line (a gate's reason, the apply error...). */
  readonly reason: string;
  /** The step reached when the rollback was decided (journalled). */
  readonly index?: number;
  /** When the rollback was decided; default now. The journal records how long Route 53 took from then. */
  readonly decidedAt?: Date;
  /** Finishing a rollback an earlier run started. */
  readonly resumed?: boolean;
  /** Steps in the plan, for a hold's journal entry and message. */
  readonly total?: number;
  /**
   * The maps curvectl last verified (or was applying): Route 53 must hold one of them (or W0
   * already), else someone else changed the live weights and the rollback holds instead of
   * fighting them (exit 6). Absent: no such check (a caller that has none).
   */
  readonly expected?: readonly Weights[];
  /** Overwrite whatever Route 53 holds (`shift abort --force`, after a typed confirmation). */
  readonly force?: boolean;
}

export interface RollbackResult {
  /** What Route 53 and the var file now hold: W0 (plus 0 for any record created since). */
  readonly weights: Weights;
  /** Route 53 already had W0: no change was sent. */
  readonly dnsSkipped: boolean;
  readonly changeId?: string;
  /** From the decision to Route 53 accepting the change (0 when skipped). */
  readonly acceptedMs: number;
  /** From the decision to the change being INSYNC. */
  readonly inSyncMs: number;
  /** The plan after the reconciling apply showed no change. */
  readonly planClean: boolean;
}

export async function rollbackToStart(deps: RollbackDeps, request: RollbackRequest): Promise<RollbackResult> {
  const { dns, stacks, io, clock, signal } = deps;
  const { op, w0, cause, reason } = request;
  const decidedAt = (request.decidedAt ?? clock.now()).getTime();
  const since = (): number => Math.max(0, clock.now().getTime() - decidedAt);

  await journal(deps, op, ShiftEvent.rollbackStarted, {
    cause,
    reason,
    to: w0,
    ...(request.index !== undefined ? { index: request.index } : {}),
    ...(request.resumed ? { resumed: true } : {}),
  });
  const progress = io.startProgress(`Rolling back to ${formatWeights(w0)} in Route 53`);
  let finished = false;
  try {
    // 1. Route 53, in one change.
    const records = await dns.readRecords(signal);
    const live = weightsFromRecords(records);
    const missing = Object.keys(w0).filter((name) => !Object.hasOwn(live, name));
    if (missing.length > 0) {
      throw new CurvectlError(
        'INCONSISTENT',
        `Cannot roll back in Route 53: the weighted record of ${missing.join(', ')} is gone (live: ${formatWeights(live)}).`,
        {
          hint: `Put the starting weights (${formatWeights(w0)}) in the traffic var file and apply the traffic stack, then run \`curvectl shift abort\`.`,
          details: { op, live, w0 },
        },
      );
    }
    // A record created after the shift started (not in W0) goes to 0, never away: removing it is
    // not this command's business, and 0 keeps W0's traffic split exact.
    const target: Record<string, number> = {};
    for (const record of records) target[record.setIdentifier] = w0[record.setIdentifier] ?? 0;
    const extra = Object.keys(target).filter((name) => !Object.hasOwn(w0, name));
    if (extra.length > 0) {
      io.notify({
        level: 'warn',
        code: 'shift.rollback.extra-records',
        text: `Route 53 has records that were not there when the shift started (${extra.join(', ')}); they get weight 0.`,
        data: { extra },
      });
    }

    let changeId: string | undefined;
    let acceptedMs = 0;
    let inSyncMs = 0;
    const dnsSkipped = sameWeights(live, target);
    const expected = request.expected;
    if (!dnsSkipped && expected !== undefined && expected.length > 0 && !request.force) {
      if (!expected.some((map) => holdsMap(live, map, { allowExtraZero: true }))) {
        progress.fail('Rollback held: Route 53 no longer has the weights the shift last verified; nothing was written');
        finished = true;
        throw await holdOutOfBand(deps, {
          op,
          index: request.index ?? 0,
          total: request.total ?? 0,
          expected: expected[0]!,
          found: live,
          during: 'the rollback',
        });
      }
    }
    if (!dnsSkipped && request.force && expected === undefined) {
      io.notify({ level: 'warn', code: 'shift.rollback.forced', text: `Overwriting Route 53 (${formatWeights(live)}) with ${formatWeights(target)} as forced.` });
    }
    if (dnsSkipped) {
      await journal(deps, op, ShiftEvent.rollbackDnsDone, { weights: target, skipped: true, ms: 0 });
    } else {
      changeId = await dns.swapWeights(records, target, signal);
      acceptedMs = since();
      progress.update(`Route 53 accepted the rollback after ${acceptedMs} ms; waiting until it is in sync`);
      await dns.waitInSync(changeId, definedOnly({ signal }));
      inSyncMs = since();
      await journal(deps, op, ShiftEvent.rollbackDnsDone, { weights: target, skipped: false, changeId, ms: acceptedMs, inSyncMs });
    }

    // 2. Verify.
    const after = weightsFromRecords(await dns.readRecords(signal));
    if (!sameWeights(after, target)) {
      throw new CurvectlError(
        'INCONSISTENT',
        `After the rollback Route 53 has ${formatWeights(after)}, not the starting weights ${formatWeights(target)}.`,
        {
          hint: 'Someone else may be changing the records; check them, then run `curvectl shift abort` to try again.',
          details: { op, live: after, expected: target },
        },
      );
    }
    progress.update(`Route 53 is back at ${formatWeights(target)}; reconciling the traffic stack`);

    // 3. Reconcile Terraform with what Route 53 now has.
    let planClean: boolean;
    try {
      await stacks.writeDesiredWeights(target);
      // Only a plan that changes nothing (Route 53 was just read back at the target): a plan with
      // changes would write over someone else's change since; it is withheld and the plan below
      // reports it as not clean.
      await stacks.applyTraffic({
        ...definedOnly({ signal }),
        onlyIfUnchanged: true,
        onProgress: (event) => progress.update(`Reconciling the traffic stack: ${event.message}`),
      });
      const plan = await stacks.planTraffic(definedOnly({ signal }));
      planClean = !plan.changes;
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      throw new CurvectlError(
        isCurvectlError(err) ? err.code : 'TERRAFORM',
        `Route 53 is back at the starting weights (${formatWeights(target)}), but reconciling the traffic stack failed: ${errorMessage(err)}`,
        {
          hint: 'Fix the cause, then run `curvectl shift abort` to finish the rollback (Route 53 will not be changed again).',
          cause: err,
          details: { op },
        },
      );
    }
    if (!planClean) {
      io.notify({
        level: 'warn',
        code: 'shift.rollback.plan-not-clean',
        text: 'After the rollback the traffic stack still plans changes; run `curvectl status` and check the plan of the traffic stack.',
      });
    }

    await journal(deps, op, cause === 'abort' ? ShiftEvent.aborted : ShiftEvent.rolledBack, {
      cause,
      reason,
      weights: target,
      ms: since(),
      planClean,
    });
    finished = true;
    progress.succeed(
      dnsSkipped
        ? `Rolled back: Route 53 already had ${formatWeights(target)}; the traffic stack is reconciled`
        : `Rolled back to ${formatWeights(target)}: Route 53 accepted it ${acceptedMs} ms after the decision`,
    );
    io.show({ type: 'weights', title: 'Rolled back', weights: target, previous: live });
    return { weights: target, dnsSkipped, ...(changeId !== undefined ? { changeId } : {}), acceptedMs, inSyncMs, planClean };
  } finally {
    if (!finished) progress.fail('Rollback did not finish');
  }
}
