/**
 * Adding a cluster to the traffic stack (at weight 0, or 100 for the first) and removing it.
 * Both go through Terraform, under the traffic lock, only when desired and live weights agree, and
 * both are verified against Route 53 afterwards: the record set is what carries payments.
 */
import { releaseLock } from '../cleanup.js';
import { CurvectlError, refused } from '../errors.js';
import type { IoHost } from '../io-host.js';
import type { StateStore, TrafficDns, TrafficStack, Weights } from '../ports.js';
import { formatWeights, weightDrift, weightsFromRecords, type WeightDrift } from '../weights.js';
import { TRAFFIC_LOCK } from '../lock-scope.js';
import { definedOnly } from '../defined-only.js';

export interface MembershipDeps {
  /** Only the traffic stack: joining and leaving it never touches a cluster's workspaces. */
  readonly stacks: TrafficStack;
  readonly dns: TrafficDns;
  readonly state: StateStore;
  readonly io: IoHost;
  readonly signal?: AbortSignal;
}

/**
 * Refuses when Route 53 and the var file disagree: changing either would hide the disagreement.
 * `except` leaves one cluster's own disagreement to the caller: a registration or removal of that
 * cluster that stopped half-way (the var file is written before terraform apply, so a failed or
 * interrupted apply leaves it ahead of Route 53) is finished by running the same command again.
 */
export async function assertNoDrift(
  deps: Pick<MembershipDeps, 'stacks' | 'dns' | 'signal'>,
  options: { except?: string } = {},
): Promise<{ desired: Weights; live: Weights }> {
  const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(deps.signal)]);
  const live = weightsFromRecords(records);
  const drift = weightDrift(desired, live).filter((d) => d.cluster !== options.except);
  if (drift.length > 0) throw driftRefusal(desired, live, weightDrift(desired, live));
  return { desired, live };
}

function driftRefusal(desired: Weights, live: Weights, drift: readonly WeightDrift[]): CurvectlError {
  return refused(
    `Live weights in Route 53 (${formatWeights(live)}) differ from the desired weights (${formatWeights(desired)}); nothing was changed.`,
    'Run "curvectl status" to see the drift; finish or abort an interrupted shift with "curvectl shift resume" or "curvectl shift abort", or run an interrupted "curvectl cluster create" or "curvectl retire" again.',
    { drift },
  );
}

async function applyWeights(deps: MembershipDeps, next: Weights, what: string): Promise<void> {
  await deps.stacks.writeDesiredWeights(next);
  const progress = deps.io.startProgress(`${what}: terraform apply (traffic)`);
  try {
    await deps.stacks.applyTraffic({
      ...definedOnly({ signal: deps.signal }),
      onProgress: (e) => progress.update(`${what}: ${e.message}`),
    });
  } catch (err) {
    progress.fail(`${what}: terraform apply failed`);
    throw err;
  }
  const live = weightsFromRecords(await deps.dns.readRecords(deps.signal));
  const drift = weightDrift(next, live);
  if (drift.length > 0) {
    progress.fail(`${what}: Route 53 does not match`);
    throw new CurvectlError('INCONSISTENT', `After ${what}, Route 53 shows ${formatWeights(live)} instead of ${formatWeights(next)}.`, {
      hint: 'Run "curvectl status"; re-running the same command re-applies the desired weights.',
      details: { drift },
    });
  }
  progress.succeed(`${what}: Route 53 is ${formatWeights(live)}`);
}

export type RegisterOutcome = { readonly weights: Weights; readonly changed: boolean };

/** The weight a cluster joins with: 100 when no other cluster has desired weight (never all zero), else 0. */
export function registrationWeight(desired: Weights, name: string): number {
  const others = Object.entries(desired).reduce((s, [n, w]) => (n === name ? s : s + w), 0);
  return others === 0 ? 100 : 0;
}

/**
 * Adds `name` to the weighted records: 100 if no cluster has traffic yet (never all zero), else 0.
 * A registration that stopped half-way (in the var file at that weight, not yet in Route 53, or in
 * both) is finished; any other disagreement about `name` is drift and refused.
 */
export async function registerCluster(deps: MembershipDeps, name: string): Promise<RegisterOutcome> {
  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, `cluster create ${name} (register)`);
  try {
    const { desired, live } = await assertNoDrift(deps, { except: name });
    if (name in desired && desired[name] === live[name]) return { weights: desired, changed: false };
    const weight = registrationWeight(desired, name);
    if ([desired[name], live[name]].some((w) => w !== undefined && w !== weight)) {
      throw driftRefusal(desired, live, weightDrift(desired, live));
    }
    const next: Weights = { ...desired, [name]: weight };
    await applyWeights(deps, next, `registering ${name} at weight ${weight}`);
    return { weights: next, changed: true };
  } finally {
    await releaseLock(lock, deps.io);
  }
}

/**
 * Removes `name`'s record. The caller has checked that it has no weight; checked again here under the
 * lock. A removal that stopped half-way (gone from the var file, still in Route 53 at 0) is finished.
 */
export async function deregisterCluster(deps: MembershipDeps, name: string): Promise<RegisterOutcome> {
  const lock = await deps.state.acquireLock(TRAFFIC_LOCK, `retire ${name} (deregister)`);
  try {
    const { desired, live } = await assertNoDrift(deps, { except: name });
    if (!(name in desired) && !(name in live)) return { weights: desired, changed: false };
    if ((desired[name] ?? 0) > 0 || (live[name] ?? 0) > 0) {
      throw refused(`${name} still has weight ${Math.max(desired[name] ?? 0, live[name] ?? 0)}; it was not removed.`, `Shift its traffic away first: curvectl shift --to <other cluster>.`);
    }
    const next: Record<string, number> = { ...desired };
    delete next[name];
    if (Object.keys(next).length > 0 && Object.values(next).every((w) => w === 0)) {
      throw refused(`Removing ${name} would leave every remaining record at weight 0, which Route 53 treats as equal weights.`, 'Give another cluster traffic first.');
    }
    await applyWeights(deps, next, `removing ${name}'s record`);
    return { weights: next, changed: true };
  } finally {
    await releaseLock(lock, deps.io);
  }
}
