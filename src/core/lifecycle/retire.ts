/**
 * `retire`: the only command that destroys a cluster, so it refuses first and asks second.
 * Refusals (nothing changed, exit 2): unknown cluster, the last cluster, any desired or live weight,
 * not drained long enough, AWS resources tagged for it that Terraform does not manage (unless
 * --delete-leftovers, when the confirmation names them). Then the operator types the name (or --yes), and the parts go in the
 * reverse order of creation: record, platform, cluster, workspaces, each one journaled, so a
 * failure half-way is finished by running the same command again.
 */
import { journalOrWarn, releaseLock } from '../cleanup.js';
import { formatDuration } from '../duration.js';
import { CurvectlError, refused, toCurvectlError } from '../errors.js';
import type { IoHost } from '../io-host.js';
import { assertClusterName } from '../names.js';
import type { ChangeSummary, Clock, JournalEvent, StackName, StateStore, Stacks, TrafficDns } from '../ports.js';
import type { GateResultView } from '../gates/types.js';
import { weightsFromRecords } from '../weights.js';
import { newOperationId } from '../operation-id.js';
import { drainRemainingMs, drainState } from './drain.js';
import { assertFlowsDrained, checkFlows, describeFlows, type FlowCheck, type FlowCheckPolicy } from './flow-drain.js';
import type { FlowMetricsPort } from '../ports/flow-metrics.js';
import { deleteLeftovers, describeLeftover, findLeftovers, leftoversToDelete } from './leftovers-check.js';
import type { LeftoversPort } from '../ports/leftovers.js';
import { assertNoDrift, deregisterCluster } from './traffic-membership.js';
import { clusterLock } from '../lock-scope.js';
import { definedOnly } from '../defined-only.js';

export interface RetireDeps {
  readonly stacks: Stacks;
  readonly dns: TrafficDns;
  readonly state: StateStore;
  readonly io: IoHost;
  readonly clock: Clock;
  readonly actor: string;
  readonly signal?: AbortSignal;
  /** The load balancer's AWS/NetworkELB flows, for the flow-verified drain (flow-drain.ts). */
  readonly flows: FlowMetricsPort;
  /** AWS resources tagged for the cluster outside Terraform, checked before anything is destroyed. */
  readonly leftovers?: LeftoversPort;
}

export interface RetireRequest {
  readonly name: string;
  readonly drainMs: number;
  /**
   * Whether clusters get a platform stack (config platform.enabled). Used only when the journal
   * does not say whether this cluster's platform was applied (it was created with --skip-platform,
   * or by hand): destroying a platform that was never applied would need a reachable cluster.
   */
  readonly platform: boolean;
  readonly dryRun: boolean;
  /** Skips the typed confirmation: cycle has already asked (and has looked for leftovers first). */
  readonly confirmed?: boolean;
  /** The flow-verified drain (config retire.maxFlows, flowWindow, requireFlowData). */
  readonly flowCheck: FlowCheckPolicy;
  /** --delete-leftovers: delete what findLeftovers finds (named in the confirmation) instead of stopping. */
  readonly deleteLeftovers?: boolean;
}

export type RetireOutcome =
  | { readonly kind: 'retired'; readonly name: string; readonly op: string }
  | {
      readonly kind: 'dry-run';
      readonly name: string;
      readonly steps: readonly string[];
      /** The checks retire makes before destroying anything, with what they say now (nothing waited for). */
      readonly checks: readonly GateResultView[];
      /** Every check passes: a retire now would go ahead. */
      readonly ready: boolean;
      /** The ChangeResourceRecordSets request that removes the record, when it has one. */
      readonly recordChange?: Readonly<Record<string, unknown>>;
      /** Terraform's plans: the traffic stack without the record, then the destroys. */
      readonly plans: readonly { readonly stack: StackName; readonly workspace: string; readonly summary: ChangeSummary; readonly resources: readonly string[] }[];
      /** The terraform command lines, in order; "#" lines say what curvectl does in between. */
      readonly commands: readonly string[];
    };

export interface RetireCheck {
  readonly name: string;
  /** Milliseconds of drain left; 0 when it may go now. */
  readonly drainLeftMs: number;
  /** What the journal says about its platform stack: applied, never applied, or unknown. */
  readonly platformApplied: boolean | undefined;
  /** The journal does not know when it lost its traffic: its drain clock starts when a retire first sees it at 0. */
  readonly unknownHistory?: true;
}

/** Whether the journal says the cluster's platform stack was applied (undefined: it does not say). */
export function platformApplied(journal: readonly JournalEvent[], name: string): boolean | undefined {
  let answer: boolean | undefined;
  for (const e of journal) {
    if (e.data?.cluster !== name) continue;
    if (e.type === 'platform.applied') answer = true;
    if (e.type === 'cluster.create.started' && e.data.platform === false && answer === undefined) answer = false;
  }
  return answer;
}

/** Every refusal, without side effects. Used by retire itself and by cycle before it waits for the drain. */
export async function checkRetirable(
  deps: RetireDeps,
  request: Pick<RetireRequest, 'name' | 'drainMs'>,
  options: { readonly observe?: boolean } = {},
): Promise<RetireCheck> {
  const name = assertClusterName(request.name);
  const [workspaces, records, journal] = await Promise.all([
    deps.stacks.listClusters(),
    deps.dns.readRecords(deps.signal),
    deps.state.readJournal(),
  ]);
  // Its own disagreement (a removal that stopped half-way) is judged by the weight check below.
  const { desired } = await assertNoDrift(deps, { except: name });
  const live = weightsFromRecords(records);
  const known = new Set([...workspaces, ...Object.keys(desired), ...Object.keys(live)]);
  if (!known.has(name)) {
    throw refused(`There is no cluster named ${name}; nothing was changed.`, `Run "curvectl cluster list" to see the clusters curvectl knows.`);
  }
  const others = [...known].filter((n) => n !== name);
  // A cluster that never joined the traffic stack (a create that failed before registering) serves
  // nothing: removing it cannot leave the record without a cluster, and its create's message says
  // to retire it.
  const inTraffic = name in desired || name in live;
  if (others.length === 0 && inTraffic) {
    throw refused(`${name} is the last cluster; retiring it would leave nothing to serve traffic, so nothing was changed.`, 'Create its replacement first: curvectl cycle --from ' + name + ' --to <new-name>.');
  }
  const weight = Math.max(desired[name] ?? 0, live[name] ?? 0);
  if (weight > 0) {
    throw refused(`${name} still has weight ${weight}; only a cluster with no traffic can be retired, so nothing was changed.`, `Shift its traffic away first: curvectl shift --to ${others[0]}.`);
  }
  const othersWeight = others.reduce((s, n) => s + (live[n] ?? 0), 0);
  if (Object.keys(live).length > 1 && othersWeight === 0) {
    throw refused(`No other cluster has traffic; removing ${name} would leave every record at weight 0, so nothing was changed.`, 'Give another cluster traffic first.');
  }
  const state = drainState(journal, name);
  // A cluster that never joined the traffic stack (no record) has nothing to drain.
  const left = inTraffic ? drainRemainingMs(state, request.drainMs, deps.clock.now()) : 0;
  if (state.kind === 'never-had-weight' && state.since === null && left > 0 && options.observe !== false) {
    // Unknown history: this is the first time curvectl sees it at 0. Journal that, so the drain
    // clock runs from now (a dry run only says so).
    await deps.state.append({ op: newOperationId('drain', deps.clock.now()), type: 'retire.drain.observed', actor: deps.actor, data: { cluster: name, weights: live } });
    deps.io.notify({
      level: 'warn',
      code: 'retire.drain.unknown-history',
      text: `curvectl has no record of when ${name} lost its traffic (a fresh journal, or a weight changed outside curvectl); its drain starts now.`,
    });
  }
  if (state.kind === 'has-weight' && request.drainMs > 0) {
    // Desired and live say 0, yet the journal's last word is that it had traffic: the weight was
    // changed outside curvectl, so the time it has been draining is unknown.
    throw refused(
      `${name} has weight 0, but curvectl did not record when it lost its traffic, so its drain cannot be proven; nothing was changed.`,
      `Wait at least ${formatDuration(request.drainMs)} after its weight went to 0, then run "curvectl retire ${name} --drain 0s".`,
    );
  }
  const unknownHistory = inTraffic && state.kind === 'never-had-weight' && state.since === null && left > 0;
  return { name, drainLeftMs: left, platformApplied: platformApplied(journal, name), ...(unknownHistory ? { unknownHistory: true as const } : {}) };
}

export async function retireCluster(deps: RetireDeps, request: RetireRequest): Promise<RetireOutcome> {
  const check = await checkRetirable(deps, request, { observe: !request.dryRun });
  // After the refusals: a refused retire says only why it was refused.
  if (request.drainMs === 0) {
    deps.io.notify({ level: 'warn', code: 'retire.drain.skipped', text: 'Drain time 0s: clients that cached the old answer, and pooled connections, may still reach this cluster.' });
  }
  const name = check.name;
  const withPlatform = check.platformApplied ?? request.platform;
  const steps = [
    `check ${name}'s load balancer in CloudWatch: at most ${request.flowCheck.maxFlows} new and no active flows over ${formatDuration(request.flowCheck.windowMs)}`,
    `remove ${name}'s weighted record (traffic stack)`,
    ...(withPlatform ? [`destroy the platform stack in workspace ${name}`] : []),
    `destroy the cluster stack in workspace ${name} (EKS, nodes, load balancer, VPC)`,
    `delete the ${name} workspaces`,
  ];
  // A dry run shows the drain's verdict with the other checks instead of refusing on it.
  if (request.dryRun) return dryRunRetire(deps, request, check, withPlatform, steps);
  if (check.drainLeftMs > 0) {
    throw refused(
      `${name} has had no traffic for less than the drain time of ${formatDuration(request.drainMs)}; ${formatDuration(check.drainLeftMs)} to go, so nothing was changed.`,
      `Wait ${formatDuration(check.drainLeftMs)} and run it again (resolvers and pooled connections keep using old answers past the TTL).`,
    );
  }
  // Load balancers, volumes, ... that Terraform does not know would stop the cluster destroy half-way.
  // Looked for before the typed confirmation: found ones (without --delete-leftovers) refuse the
  // retire here, before the operator is asked to type the name; with the flag, the confirmation
  // names them.
  const leftovers = await findLeftovers(deps, { name, ...(request.deleteLeftovers ? { deleteLeftovers: true } : {}) });
  if (!request.confirmed) {
    const parts = leftovers.length > 0 ? [...steps.slice(0, 1), leftoversToDelete(name, leftovers), ...steps.slice(1)] : steps;
    const ok = await deps.io.confirmByTyping({
      code: 'retire.confirm',
      message: `This destroys ${name} and everything in it: ${parts.join(', ')}.`,
      expected: name,
    });
    if (!ok) throw new CurvectlError('STOPPED', `The typed name did not match ${name}; nothing was destroyed.`);
  }
  // Besides the drain time, the load balancer's own flows must show that clients have left. After the
  // confirmation, so a retire that cannot be confirmed (no terminal, no --yes) is refused for that first.
  await assertFlowsDrained(deps, name, request.flowCheck);
  // After the flow check: nothing is deleted by a retire that is still refused.
  await deleteLeftovers(deps, name, leftovers);

  const lock = await deps.state.acquireLock(clusterLock(name), `retire ${name}`);
  const op = newOperationId('retire', deps.clock.now());
  let part = 'record';
  try {
    await deps.state.append({ op, type: 'retire.started', actor: deps.actor, data: { cluster: name } });
    const removed = await deregisterCluster({ stacks: deps.stacks, dns: deps.dns, state: deps.state, io: deps.io, ...definedOnly({ signal: deps.signal }) }, name);
    await deps.state.append({ op, type: 'retire.record-removed', actor: deps.actor, data: { cluster: name, weights: removed.weights } });
    if (withPlatform) {
      part = 'platform';
      await withProgress(deps, `Retiring ${name}: destroying the platform stack`, () => deps.stacks.destroyPlatform(name, definedOnly({ signal: deps.signal })));
      await deps.state.append({ op, type: 'retire.platform-destroyed', actor: deps.actor, data: { cluster: name } });
    }
    part = 'cluster';
    await withProgress(deps, `Retiring ${name}: destroying the cluster stack`, () => deps.stacks.destroyCluster(name, definedOnly({ signal: deps.signal })));
    await deps.state.append({ op, type: 'retire.cluster-destroyed', actor: deps.actor, data: { cluster: name } });
    part = 'workspaces';
    await deps.stacks.deleteWorkspaces(name, { ...definedOnly({ signal: deps.signal }), platform: withPlatform });
    await deps.state.append({ op, type: 'retire.completed', actor: deps.actor, data: { cluster: name } });
    return { kind: 'retired', name, op };
  } catch (err) {
    const error = toCurvectlError(err);
    await journalOrWarn(deps.state, deps.io, { op, type: 'retire.failed', actor: deps.actor, data: { cluster: name, part, message: error.message } });
    if (error.code === 'INTERRUPTED') throw error;
    throw new CurvectlError(error.code, `Retiring ${name} stopped at the ${part} step: ${error.message}`, {
      hint: `Fix the cause and run "curvectl retire ${name}" again; it continues with what is left.`,
      cause: error,
    });
  } finally {
    await releaseLock(lock, deps.io);
  }
}

/**
 * retire --dry-run: the checks with their verdicts now (drain, flows, leftovers; nothing waited
 * for, nothing journaled), the Route 53 request that removes the record, Terraform's plans of the
 * traffic stack without it and of the destroys, and every command line retire would run.
 */
async function dryRunRetire(deps: RetireDeps, request: RetireRequest, check: RetireCheck, withPlatform: boolean, steps: readonly string[]): Promise<RetireOutcome> {
  const name = check.name;
  const [flows, leftovers, records, desired] = await Promise.all([
    checkFlows(deps, name, request.flowCheck),
    deps.leftovers ? deps.leftovers.find(name, deps.signal) : Promise.resolve(undefined),
    deps.dns.readRecords(deps.signal),
    deps.stacks.readDesiredWeights(),
  ]);
  // In retire's order: the drain, the leftovers (before the confirmation), the flows (after it).
  const checks: GateResultView[] = [drainVerdict(check, request.drainMs)];
  if (leftovers !== undefined) {
    const list = leftovers.map(describeLeftover).join('; ');
    checks.push({
      gate: 'leftovers',
      cluster: name,
      outcome: leftovers.length === 0 || request.deleteLeftovers ? 'pass' : 'fail',
      reason:
        leftovers.length === 0
          ? 'no AWS resources tagged for it outside Terraform'
          : request.deleteLeftovers
            ? `would delete ${leftovers.length} (after a typed confirmation): ${list}`
            : `${leftovers.length} tagged for it outside Terraform would stop the VPC's deletion: ${list} (--delete-leftovers deletes them)`,
    });
  }
  checks.push(flowVerdict(name, flows, request.flowCheck));
  const ready = checks.every((c) => c.outcome !== 'fail');
  deps.io.show({ type: 'gates', results: checks });

  const plans: Extract<RetireOutcome, { kind: 'dry-run' }>['plans'][number][] = [];
  const commands: string[] = [];
  const record = records.find((r) => r.setIdentifier === name);
  const recordChange = record && deps.dns.describeRemoval ? await deps.dns.describeRemoval(record, deps.signal) : undefined;
  if (record || name in desired) {
    const next = Object.fromEntries(Object.entries(desired).filter(([n]) => n !== name));
    commands.push(`# 1. remove ${name}'s weighted record (traffic stack):`);
    if (deps.stacks.planTrafficWeights) {
      const traffic = await deps.stacks.planTrafficWeights(next, definedOnly({ signal: deps.signal }));
      plans.push({ stack: 'traffic', workspace: 'default', summary: traffic.summary, resources: traffic.resources });
      commands.push(...traffic.commands);
    } else {
      commands.push(...(deps.stacks.trafficApplyCommands?.() ?? []));
    }
    if (recordChange) commands.push(`#    the apply removes the record with one Route 53 ChangeResourceRecordSets request:`, ...JSON.stringify(recordChange, null, 2).split('\n'));
  } else {
    commands.push(`# 1. ${name} has no weighted record and no desired weight: nothing to remove from the traffic stack.`);
  }
  if (deps.stacks.planDestroy) {
    const destroy = await deps.stacks.planDestroy(name, { ...definedOnly({ signal: deps.signal }), platform: withPlatform });
    plans.push(...destroy.plans);
    commands.push(`# 2. destroy ${withPlatform ? 'the platform stack, then ' : ''}the cluster stack, then delete the workspaces:`, ...destroy.commands);
  }
  for (const plan of plans) deps.io.show({ type: 'changes', title: `${plan.stack} stack, workspace ${plan.workspace}`, summary: plan.summary, resources: plan.resources });
  deps.io.show({
    type: 'plan',
    title: `Dry run of retire ${name}: ${ready ? 'it would go ahead' : `it would refuse now (${checks.filter((c) => c.outcome === 'fail').map((c) => c.gate).join(', ')})`}; nothing was changed.`,
    steps: [],
    commands,
  });
  return { kind: 'dry-run', name, steps, checks, ready, ...(recordChange ? { recordChange } : {}), plans, commands };
}

function drainVerdict(check: RetireCheck, drainMs: number): GateResultView {
  const base = { gate: 'drain', cluster: check.name };
  if (check.unknownHistory) {
    return { ...base, outcome: 'fail', reason: `curvectl has no record of when it lost its traffic: a retire now would start its ${formatDuration(drainMs)} drain clock (a dry run journals nothing)` };
  }
  if (check.drainLeftMs > 0) return { ...base, outcome: 'fail', reason: `${formatDuration(check.drainLeftMs)} of the ${formatDuration(drainMs)} drain time to go` };
  return { ...base, outcome: 'pass', reason: drainMs === 0 ? 'drain time 0s' : `no traffic for at least ${formatDuration(drainMs)}` };
}

function flowVerdict(name: string, flows: FlowCheck, policy: FlowCheckPolicy): GateResultView {
  const base = { gate: 'flows', cluster: name };
  switch (flows.kind) {
    case 'drained':
      return { ...base, outcome: 'pass', reason: describeFlows(flows) };
    case 'flowing':
      return { ...base, outcome: 'fail', reason: `${describeFlows(flows)}; at most ${policy.maxFlows} new and no active flows allowed` };
    case 'no-data':
      return policy.requireData
        ? { ...base, outcome: 'fail', reason: `the drain cannot be proven: ${flows.reason}` }
        : { ...base, outcome: 'skipped', reason: `${flows.reason}; retire.requireFlowData is false, so the drain time alone decides` };
    case 'continuing':
      return { ...base, outcome: 'skipped', reason: `a retire that started earlier already passed it and removed the record (${flows.since})` };
    case 'never-routed':
      return { ...base, outcome: 'skipped', reason: flows.reason };
    default: {
      const never: never = flows;
      return never;
    }
  }
}

async function withProgress(deps: RetireDeps, title: string, run: () => Promise<void>): Promise<void> {
  const progress = deps.io.startProgress(title);
  const started = deps.clock.now().getTime();
  try {
    await run();
    progress.succeed(`${title}: done in ${formatDuration(deps.clock.now().getTime() - started)}`);
  } catch (err) {
    progress.fail(`${title}: failed`);
    throw err;
  }
}
