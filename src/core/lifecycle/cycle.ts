/**
 * `cycle --from old --to new`: the whole replacement in one guided run (the blog's "soon, we will
 * make it fully automated"). Each phase is the same code as its own command, so a cycle stopped at
 * any point is finished with those commands, or by running the cycle again:
 *   create new (skipped if it exists) -> shift all traffic to new, taken from old -> drain -> retire old.
 * Between phases it asks; under --yes it runs straight through.
 */
import type { LeftoversPort } from '../ports/leftovers.js';
import { formatDuration } from '../duration.js';
import { CurvectlError, badInput, isCurvectlError, refused } from '../errors.js';
import { assertClusterName } from '../names.js';
import { runShift } from '../shift/run.js';
import type { ShiftDeps, ShiftOutcome } from '../shift/types.js';
import { createCluster, planCreate, type CreateDeps, type CreateOutcome } from './create.js';
import type { ChangeSummary, StackName, Weights, WeightedRecord } from '../ports.js';
import { formatWeights, planShift, weightsFromRecords } from '../weights.js';
import { checkFlows, describeFlows, flowCheckPasses, type FlowCheckPolicy } from './flow-drain.js';
import { findLeftovers } from './leftovers-check.js';
import { checkRetirable, platformApplied, retireCluster, type RetireOutcome } from './retire.js';
import type { FlowMetricsPort } from '../ports/flow-metrics.js';
import { definedOnly } from '../defined-only.js';

export interface CycleDeps extends CreateDeps, ShiftDeps {
  readonly flows: FlowMetricsPort;
  /** Checked by the retire at the end (leftovers-check.ts). */
  readonly leftovers?: LeftoversPort;
}

export interface CycleRequest {
  readonly from: string;
  readonly to: string;
  readonly kubernetesVersion: string;
  readonly platform: boolean;
  readonly step: number;
  /** A step schedule instead of `step` (percentages the new cluster reaches, ending at 100). */
  readonly steps?: readonly number[];
  readonly bakeMs: number;
  readonly allowShortBake: boolean;
  readonly gateIntervalMs: number;
  readonly gateTimeoutMs: number;
  readonly drainMs: number;
  /** The flow-verified drain of the old cluster (config retire.maxFlows, flowWindow, requireFlowData). */
  readonly flowCheck: FlowCheckPolicy;
  /** How long to wait, after the drain time, for the old load balancer's flows to stop (config retire.flowTimeout). */
  readonly flowTimeoutMs: number;
  readonly dryRun: boolean;
}

export type CycleOutcome =
  | { readonly kind: 'completed'; readonly created: CreateOutcome; readonly shift: ShiftOutcome; readonly retired: RetireOutcome }
  /** The shift did not reach 100% (held, rolled back): the old cluster stays. */
  | { readonly kind: 'shift-stopped'; readonly created: CreateOutcome; readonly shift: ShiftOutcome }
  /**
   * --dry-run: the phases, the shift's steps from the live weights, Terraform's plans (the new
   * cluster's stack when it is new, the old cluster's destroys) and every terraform command line,
   * in order ("#" lines say what curvectl does in between).
   */
  | {
      readonly kind: 'dry-run';
      readonly phases: readonly string[];
      readonly plan: readonly Weights[];
      readonly plans: readonly { readonly stack: StackName; readonly workspace: string; readonly summary: ChangeSummary; readonly resources: readonly string[] }[];
      readonly commands: readonly string[];
    };

export async function cycleClusters(deps: CycleDeps, request: CycleRequest): Promise<CycleOutcome> {
  const from = assertClusterName(request.from, '--from cluster name');
  const to = assertClusterName(request.to, '--to cluster name');
  if (from === to) throw badInput(`--from and --to are both ${from}: a cycle replaces one cluster with another.`);
  const [records, workspaces] = await Promise.all([deps.dns.readRecords(deps.signal), deps.stacks.listClusters()]);
  if (!records.some((r) => r.setIdentifier === from) && !workspaces.includes(from)) {
    throw refused(`There is no cluster named ${from} to replace; nothing was changed.`, 'Run "curvectl cluster list" to see the clusters curvectl knows.');
  }
  const exists = (await deps.stacks.clusterOutputs(to, definedOnly({ signal: deps.signal }))) !== undefined;

  const phases = [
    exists ? `${to} exists: check it is healthy and registered` : `create ${to} (Kubernetes ${request.kubernetesVersion}${request.platform ? ', with platform' : ''})`,
    `shift all traffic from ${from} to ${to} ${request.steps ? `through ${request.steps.join(', ')} percent` : `in steps of ${request.step} points`}, baking ${formatDuration(request.bakeMs)} per step`,
    `wait ${formatDuration(request.drainMs)} for ${from} to drain, then until its load balancer has at most ${request.flowCheck.maxFlows} new and no active flows over ${formatDuration(request.flowCheck.windowMs)} (up to ${formatDuration(request.flowTimeoutMs)})`,
    `retire ${from}: remove its record, destroy its stacks`,
  ];
  if (request.dryRun) return dryRunCycle(deps, request, { from, to, exists, records, phases });
  deps.io.show({ type: 'plan', title: `Cycle ${from} -> ${to}`, steps: [], commands: phases.map((p, i) => `${i + 1}. ${p}`) });
  await ask(deps, 'cycle.create', exists ? `Check ${to} and continue?` : `Create ${to}?`);

  const created = await createCluster(deps, {
    name: to,
    kubernetesVersion: request.kubernetesVersion,
    platform: request.platform,
    dryRun: false,
    gateTimeoutMs: request.gateTimeoutMs,
    gateIntervalMs: request.gateIntervalMs,
  });

  await ask(deps, 'cycle.shift', `Shift all traffic from ${from} to ${to}?`);
  const shift = await runShift(deps, {
    to,
    from,
    step: request.step,
    ...(request.steps === undefined ? {} : { steps: request.steps }),
    until: 100,
    bakeMs: request.bakeMs,
    allowShortBake: request.allowShortBake,
    dryRun: false,
    gateIntervalMs: request.gateIntervalMs,
    // Just asked (cycle.shift).
    confirmStart: false,
  });
  if (shift.kind !== 'completed' && shift.kind !== 'nothing-to-do') return { kind: 'shift-stopped', created, shift };

  const check = await checkRetirable(deps, { name: from, drainMs: request.drainMs });
  await waitForDrain(deps, from, check.drainLeftMs);
  await waitForFlows(deps, from, request);
  // Leftovers (load balancers, volumes, ... tagged for it outside Terraform) refuse the retire: say
  // so before asking the operator to type the name. cycle has no --delete-leftovers; the refusal
  // says to run retire with it (all traffic is on the new cluster by now).
  try {
    await findLeftovers(deps, { name: from });
  } catch (err) {
    if (isCurvectlError(err) && err.code === 'REFUSED') {
      throw refused(`All traffic is on ${to}; ${from} was not retired: ${err.message}`, err.hint, err.details);
    }
    throw err;
  }
  const confirmed = await deps.io.confirmByTyping({
    code: 'cycle.retire',
    message: `${from} has drained. Retiring it destroys its record, platform and cluster.`,
    expected: from,
  });
  if (!confirmed) throw new CurvectlError('STOPPED', `The typed name did not match ${from}; it was not retired.`, { hint: `Retire it later with "curvectl retire ${from}".` });
  const retired = await retireCluster(deps, { name: from, drainMs: request.drainMs, platform: request.platform, dryRun: false, confirmed: true, flowCheck: request.flowCheck });
  return { kind: 'completed', created, shift, retired };
}

/**
 * What the cycle would run, changing nothing. The drain and flow checks are not judged here: the old
 * cluster still has its traffic until the shift moves it.
 */
async function dryRunCycle(
  deps: CycleDeps,
  request: CycleRequest,
  context: { from: string; to: string; exists: boolean; records: readonly WeightedRecord[]; phases: readonly string[] },
): Promise<CycleOutcome> {
  const { from, to, exists, records, phases } = context;
  const plans: Extract<CycleOutcome, { kind: 'dry-run' }>['plans'][number][] = [];
  const commands: string[] = [`## phase 1: ${phases[0]}`];
  if (exists) {
    commands.push(`# ${to} exists: curvectl checks that it is ACTIVE and registered in the traffic stack (as "cluster create ${to}" does), and registers it at weight 0 if it is not.`);
  } else {
    const created = await planCreate(deps, { name: to, kubernetesVersion: request.kubernetesVersion }, request);
    plans.push({ stack: 'cluster', workspace: to, summary: created.summary, resources: created.resources });
    commands.push(...created.commands);
  }

  const live = weightsFromRecords(records);
  const start: Weights = to in live ? live : { ...live, [to]: 0 };
  const steps = planShift({ current: start, to, step: request.step, until: 100, from, ...(request.steps === undefined ? {} : { schedule: request.steps }) });
  commands.push(`## phase 2: ${phases[1]}`, `# from ${formatWeights(start)}, ${steps.length} step${steps.length === 1 ? '' : 's'}: ${steps.map((w) => formatWeights(w)).join(' -> ')}`);
  if (to in live && deps.dns.describeSwap && steps[0]) {
    commands.push(`# step 1/${steps.length}: one Route 53 ChangeResourceRecordSets request, as it would be sent:`, ...JSON.stringify(await deps.dns.describeSwap(records, steps[0], deps.signal), null, 2).split('\n'));
  } else {
    commands.push(`# each step: one Route 53 ChangeResourceRecordSets request (a DELETE of every record as read, a CREATE at its new weight)`);
  }
  commands.push(`# then, after each step, the catch-up of the traffic stack (the var file holds that step's weights):`, ...(deps.stacks.trafficApplyCommands?.() ?? []));

  commands.push(`## phase 3: ${phases[2]}`, `# not judged now: ${from} carries traffic until the shift moves it (retire --dry-run shows the verdicts).`);

  commands.push(`## phase 4: ${phases[3]}`);
  const final = steps[steps.length - 1] ?? start;
  const withoutOld = Object.fromEntries(Object.entries(final).filter(([n]) => n !== from));
  commands.push(`# remove ${from}'s weighted record: the desired weights become ${formatWeights(withoutOld)}, then:`, ...(deps.stacks.trafficApplyCommands?.() ?? []));
  if (deps.stacks.planDestroy) {
    const withPlatform = platformApplied(await deps.state.readJournal(), from) ?? request.platform;
    const destroy = await deps.stacks.planDestroy(from, { ...definedOnly({ signal: deps.signal }), platform: withPlatform });
    plans.push(...destroy.plans);
    commands.push(`# destroy ${withPlatform ? 'the platform stack, then ' : ''}the cluster stack, then delete the workspaces:`, ...destroy.commands);
  }
  for (const plan of plans.slice(exists ? 0 : 1)) deps.io.show({ type: 'changes', title: `${plan.stack} stack, workspace ${plan.workspace}`, summary: plan.summary, resources: plan.resources });
  deps.io.show({ type: 'plan', title: `Dry run of cycle ${from} -> ${to}: nothing was changed.`, steps: [start, ...steps], commands });
  return { kind: 'dry-run', phases, plan: steps, plans, commands };
}

async function ask(deps: CycleDeps, code: string, message: string): Promise<void> {
  const ok = await deps.io.confirm({ code, message, default: true });
  if (!ok) throw new CurvectlError('STOPPED', 'Stopped by the operator; what is done so far stays.', { hint: 'Run the same cycle again to continue.' });
}

/** Waits out the drain with a countdown; Ctrl-C stops the cycle (traffic is already where it should be). */
async function waitForDrain(deps: CycleDeps, name: string, leftMs: number): Promise<void> {
  if (leftMs <= 0) return;
  const progress = deps.io.startProgress(`Draining ${name}: ${formatDuration(leftMs)} left`);
  const end = deps.clock.now().getTime() + leftMs;
  for (;;) {
    const left = end - deps.clock.now().getTime();
    if (left <= 0) break;
    if (deps.interrupts.requested) {
      deps.interrupts.acknowledge();
      progress.stop();
      throw new CurvectlError('STOPPED', `Stopped while ${name} was draining; all traffic is on the new cluster.`, {
        hint: `Retire it later with "curvectl retire ${name}".`,
      });
    }
    progress.update(`Draining ${name}: ${formatDuration(left)} left (clients and resolvers may hold the old answer past the TTL)`);
    await deps.clock.sleep(Math.min(1000, left), deps.interrupts.signal);
  }
  progress.succeed(`${name} has drained`);
}

/**
 * After the drain time, waits until the old load balancer's flows have stopped (the retire checks
 * again), showing the flows left and the time left. No data is not waited for when it is required:
 * the retire would refuse it, so it is said now. Gives up after flowTimeoutMs, keeping the cluster.
 */
async function waitForFlows(deps: CycleDeps, name: string, request: CycleRequest): Promise<void> {
  const policy = request.flowCheck;
  const first = await checkFlows(deps, name, policy);
  // Drained, a retire that continues, or no data (the retire then refuses or warns, saying why).
  if (first.kind !== 'flowing') return;
  let flowing = first;
  const end = deps.clock.now().getTime() + request.flowTimeoutMs;
  const progress = deps.io.startProgress(`Draining ${name}: ${describeFlows(flowing)}`);
  for (;;) {
    const left = end - deps.clock.now().getTime();
    if (left <= 0) {
      progress.fail(`${name} still has traffic after ${formatDuration(request.flowTimeoutMs)}: ${describeFlows(flowing)}`);
      throw refused(
        `${name}'s load balancer still carried traffic after waiting ${formatDuration(request.flowTimeoutMs)} (${describeFlows(flowing)}), so it was not retired; all traffic weight is on the new cluster.`,
        `Find what still uses it (clients ignoring the TTL, pooled connections), then run "curvectl retire ${name}".`,
      );
    }
    if (deps.interrupts.requested) {
      deps.interrupts.acknowledge();
      progress.stop();
      throw new CurvectlError('STOPPED', `Stopped while ${name} was draining; all traffic is on the new cluster.`, {
        hint: `Retire it later with "curvectl retire ${name}".`,
      });
    }
    progress.update(`Draining ${name}: ${describeFlows(flowing)}; waiting for them to stop, ${formatDuration(left)} left`);
    await deps.clock.sleep(Math.min(request.gateIntervalMs, left), deps.interrupts.signal);
    const next = await checkFlows(deps, name, policy);
    if (next.kind !== 'flowing') {
      progress.succeed(flowCheckPasses(next, policy) ? `${name}'s load balancer has no traffic left` : `${name}: ${next.kind === 'no-data' ? next.reason : 'checked'}`);
      return;
    }
    flowing = next;
  }
}
