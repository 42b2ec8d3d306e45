/**
 * Errors are not failures: a CloudWatch throttle or a probe timeout says nothing about the cluster.
 * But a gate that can never answer must not let a shift proceed blind forever, so after `limit`
 * consecutive errors of the same gate the next one counts as a failure (shift.gateErrorLimit:
 * "consecutive gate errors tolerated before they count as a failure"). A pass or a fail resets
 * the count.
 */
import { CurvectlError } from '../errors.js';
import type { GateResultView } from './types.js';

export class GateErrorTracker {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new CurvectlError('BAD_CONFIG', `The gate error limit must be a whole number of 0 or more, not ${limit}.`, {
        hint: 'Set shift.gateErrorLimit in curvectl.yaml to 0 or more.',
      });
    }
  }

  /** Records one result for `key` (a gate on a cluster) and returns it, turned into a failure past the limit. */
  record(key: string, result: GateResultView): GateResultView {
    if (result.outcome !== 'error') {
      this.counts.delete(key);
      return result;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= this.limit) return result;
    return { ...result, outcome: 'fail', reason: `${count} errors in a row (limit ${this.limit}): ${result.reason}` };
  }

  consecutiveErrors(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  reset(): void {
    this.counts.clear();
  }
}
