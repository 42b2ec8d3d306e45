/**
 * Adding a cluster to the traffic stack (at weight 0, or 100 for the first) and removing it.
 * Both go through Terraform, under the traffic lock, only when desired and live weights agree, and
 * both are verified against Route 53 afterwards: the record set is what carries payments.
 */
import { CurvectlError, refused } from '../errors.js';
import type { IoHost } from '../io-host.js';
import type { StateStore, Stacks, TrafficDns, Weights } from '../ports.js';
import { findDrift, weightsOf } from '../status.js';

export interface MembershipDeps {
  readonly stacks: Stacks;
  readonly dns: TrafficDns;
  readonly state: StateStore;
  readonly io: IoHost;
  readonly signal?: AbortSignal;
}

function describe(weights: Weights): string {
  const names = Object.keys(weights).sort();
  return names.length === 0 ? 'none' : names.map((n) => `${n}=${weights[n]}`).join(', ');
}

/** Refuses when Route 53 and the var file disagree: changing either would hide the disagreement. */
export async function assertNoDrift(deps: Pick<MembershipDeps, 'stacks' | 'dns' | 'signal'>): Promise<{ desired: Weights; live: Weights }> {
  const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(deps.signal)]);
  const live = weightsOf(records);
  const drift = findDrift(desired, live);
  if (drift.length > 0) {
    throw refused(
      `Live weights in Route 53 (${describe(live)}) differ from the desired weights (${describe(desired)}); nothing was changed.`,
      'Run "curvectl status" to see the drift; finish or abort an interrupted shift with "curvectl shift resume" or "curvectl shift abort".',
      { drift },
    );
  }
  return { desired, live };
}

async function applyWeights(deps: MembershipDeps, next: Weights, what: string): Promise<void> {
  await deps.stacks.writeDesiredWeights(next);
  const progress = deps.io.startProgress(`${what}: terraform apply (traffic)`);
  try {
    await deps.stacks.applyTraffic({
      ...(deps.signal ? { signal: deps.signal } : {}),
      onProgress: (e) => progress.update(`${what}: ${e.message}`),
    });
  } catch (err) {
    progress.fail(`${what}: terraform apply failed`);
    throw err;
  }
  const live = weightsOf(await deps.dns.readRecords(deps.signal));
  const drift = findDrift(next, live);
  if (drift.length > 0) {
    progress.fail(`${what}: Route 53 does not match`);
    throw new CurvectlError('INCONSISTENT', `After ${what}, Route 53 shows ${describe(live)} instead of ${describe(next)}.`, {
      hint: 'Run "curvectl status"; re-running the same command re-applies the desired weights.',
      details: { drift },
    });
  }
  progress.succeed(`${what}: Route 53 is ${describe(live)}`);
}

export type RegisterOutcome = { readonly weights: Weights; readonly changed: boolean };

/** Adds `name` to the weighted records: 100 if no cluster has traffic yet (never all zero), else 0. */
export async function registerCluster(deps: MembershipDeps, name: string): Promise<RegisterOutcome> {
  const lock = await deps.state.acquireLock('traffic', `cluster create ${name} (register)`);
  try {
    const { desired } = await assertNoDrift(deps);
    if (name in desired) return { weights: desired, changed: false };
    const others = Object.values(desired).reduce((s, w) => s + w, 0);
    const next: Weights = { ...desired, [name]: others === 0 ? 100 : 0 };
    await applyWeights(deps, next, `registering ${name} at weight ${next[name]}`);
    return { weights: next, changed: true };
  } finally {
    await lock.release();
  }
}

/** Removes `name`'s record. The caller has checked that it has no weight; checked again here under the lock. */
export async function deregisterCluster(deps: MembershipDeps, name: string): Promise<RegisterOutcome> {
  const lock = await deps.state.acquireLock('traffic', `retire ${name} (deregister)`);
  try {
    const { desired, live } = await assertNoDrift(deps);
    if (!(name in desired) && !(name in live)) return { weights: desired, changed: false };
    if ((desired[name] ?? 0) > 0 || (live[name] ?? 0) > 0) {
      throw refused(`${name} still has weight ${live[name] ?? desired[name]}; it was not removed.`, `Shift its traffic away first: curvectl shift --to <other cluster>.`);
    }
    const next: Record<string, number> = { ...desired };
    delete next[name];
    if (Object.keys(next).length > 0 && Object.values(next).every((w) => w === 0)) {
      throw refused(`Removing ${name} would leave every remaining record at weight 0, which Route 53 treats as equal weights.`, 'Give another cluster traffic first.');
    }
    await applyWeights(deps, next, `removing ${name}'s record`);
    return { weights: next, changed: true };
  } finally {
    await lock.release();
  }
}
