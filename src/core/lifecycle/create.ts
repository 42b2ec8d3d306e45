/**
 * `cluster create`: cluster stack -> platform stack -> gates -> registered in traffic.
 * Re-runnable: every phase is idempotent (Terraform converges, registration checks first), so the
 * answer to a failure half-way is to run the same command again.
 */
import { formatDuration } from '../duration.js';
import { journalOrWarn, releaseLock } from '../cleanup.js';
import { CurvectlError, refused, toCurvectlError } from '../errors.js';
import type { GateResultView } from '../gates/types.js';
import type { IoHost } from '../io-host.js';
import { assertClusterName } from '../names.js';
import type { ChangeSummary, Clock, ClusterOutputs, EksPort, StateStore, Stacks, TrafficDns, Weights } from '../ports.js';
import { formatWeights, weightsFromRecords } from '../weights.js';
import { registerCluster, registrationWeight } from './traffic-membership.js';
import type { GateChecker } from '../gates/types.js';
import { clusterLock } from '../lock-scope.js';
import { newOperationId } from '../operation-id.js';
import { definedOnly } from '../defined-only.js';


export interface CreateDeps {
  readonly stacks: Stacks;
  readonly dns: TrafficDns;
  readonly eks: EksPort;
  readonly state: StateStore;
  readonly io: IoHost;
  readonly clock: Clock;
  readonly gates: GateChecker;
  readonly actor: string;
  readonly signal?: AbortSignal;
}

export interface CreateRequest {
  readonly name: string;
  readonly kubernetesVersion: string;
  /** Whether the platform stack runs (config platform.enabled and no --skip-platform). */
  readonly platform: boolean;
  readonly dryRun: boolean;
  /** How long to wait for the new cluster's gates to pass. */
  readonly gateTimeoutMs: number;
  readonly gateIntervalMs: number;
}

export type CreateOutcome =
  | { readonly kind: 'created'; readonly name: string; readonly outputs: ClusterOutputs; readonly weights: Weights; readonly op: string }
  | { readonly kind: 'exists'; readonly name: string; readonly outputs: ClusterOutputs; readonly weights: Weights }
  /**
   * --dry-run: the cluster stack's plan (summary and addresses) and every terraform command line
   * the create would run, in order; lines starting with "#" say what curvectl does in between.
   */
  | { readonly kind: 'dry-run'; readonly name: string; readonly summary: ChangeSummary; readonly resources: readonly string[]; readonly commands: readonly string[] };

type Phase = 'cluster' | 'platform' | 'gates' | 'traffic';

const PHASE_TEXT: Record<Phase, string> = {
  cluster: 'the cluster stack (EKS, nodes, load balancer)',
  platform: 'the platform stack (Istio, Ambassador, Flux)',
  gates: 'the health gates',
  traffic: 'registering in the traffic stack',
};

export { newOperationId };

export async function createCluster(deps: CreateDeps, request: CreateRequest): Promise<CreateOutcome> {
  const name = assertClusterName(request.name);
  const existing = await deps.stacks.clusterOutputs(name, definedOnly({ signal: deps.signal }));
  if (existing && existing.kubernetesVersion !== request.kubernetesVersion) {
    throw refused(
      `${name} already exists with Kubernetes ${existing.kubernetesVersion}, not ${request.kubernetesVersion}; nothing was changed.`,
      'Clusters are replaced, not upgraded: create a new cluster with the new version and shift traffic to it.',
    );
  }
  if (existing && !request.dryRun && (await isComplete(deps, name, existing))) {
    const desired = await deps.stacks.readDesiredWeights();
    deps.io.notify({ level: 'success', code: 'cluster.create.exists', text: `${name} already exists, is ACTIVE and is registered in traffic; nothing to do.` });
    return { kind: 'exists', name, outputs: existing, weights: desired };
  }

  const spec = { name, kubernetesVersion: request.kubernetesVersion };
  if (request.dryRun) return dryRunCreate(deps, spec, request);

  const lock = await deps.state.acquireLock(clusterLock(name), `cluster create ${name}`);
  const op = newOperationId('create', deps.clock.now());
  let phase: Phase = 'cluster';
  try {
    await deps.state.append({ op, type: 'cluster.create.started', actor: deps.actor, data: { cluster: name, kubernetesVersion: request.kubernetesVersion, platform: request.platform } });

    const outputs = await runWithProgress(deps, `Creating ${name}: cluster stack`, (onProgress) =>
      deps.stacks.applyCluster(spec, { ...definedOnly({ signal: deps.signal }), onProgress }),
    );
    await deps.state.append({ op, type: 'cluster.applied', actor: deps.actor, data: { cluster: name, ingress: outputs.ingressDnsName } });

    if (request.platform) {
      phase = 'platform';
      await runWithProgress(deps, `Creating ${name}: platform stack`, (onProgress) => deps.stacks.applyPlatform(name, { ...definedOnly({ signal: deps.signal }), onProgress }));
      await deps.state.append({ op, type: 'platform.applied', actor: deps.actor, data: { cluster: name } });
    } else {
      deps.io.notify({ level: 'info', code: 'cluster.create.platform-skipped', text: `Platform stack skipped for ${name}.` });
    }

    phase = 'gates';
    await waitForGates(deps, name, { ingress: outputs.ingressDnsName, version: outputs.kubernetesVersion }, request);
    await deps.state.append({ op, type: 'cluster.gates.passed', actor: deps.actor, data: { cluster: name } });

    phase = 'traffic';
    const registered = await registerCluster({ stacks: deps.stacks, dns: deps.dns, state: deps.state, io: deps.io, ...definedOnly({ signal: deps.signal }) }, name);
    await deps.state.append({ op, type: 'cluster.registered', actor: deps.actor, data: { cluster: name, weights: registered.weights } });
    await deps.state.append({ op, type: 'cluster.created', actor: deps.actor, data: { cluster: name } });
    return { kind: 'created', name, outputs, weights: registered.weights, op };
  } catch (err) {
    const error = toCurvectlError(err);
    await journalOrWarn(deps.state, deps.io, { op, type: 'cluster.create.failed', actor: deps.actor, data: { cluster: name, phase, code: error.code, message: error.message } });
    if (error.code === 'INTERRUPTED' || error.code === 'LOCKED') throw error;
    throw new CurvectlError(error.code, `Creating ${name} failed at ${PHASE_TEXT[phase]}: ${error.message}`, {
      hint:
        phase === 'cluster'
          ? `Whatever Terraform created so far is in workspace ${name}. Fix the cause and run "curvectl cluster create ${name}" again, or remove it with "curvectl retire ${name}".`
          : `${name}'s cluster exists. Fix the cause and run "curvectl cluster create ${name}" again to continue, or remove it with "curvectl retire ${name}".`,
      cause: error,
      ...(error.details ? { details: error.details } : {}),
    });
  } finally {
    await releaseLock(lock, deps.io);
  }
}

/** What createCluster would run, changing nothing (the plan leaves no workspace, var file or plan file behind). */
async function dryRunCreate(deps: CreateDeps, spec: { name: string; kubernetesVersion: string }, request: CreateRequest): Promise<CreateOutcome> {
  const plan = await planCreate(deps, spec, request);
  deps.io.show({ type: 'plan', title: `Dry run of cluster create ${spec.name}: nothing was changed.`, steps: [], commands: plan.commands });
  return { kind: 'dry-run', name: spec.name, ...plan };
}

/**
 * The cluster stack's plan (shown as a changes view) and the command lines of a create, numbered
 * from `first`: the cluster stack, the platform stack, the gates, the registration. Also cycle's
 * dry run.
 */
export async function planCreate(
  deps: Pick<CreateDeps, 'stacks' | 'dns' | 'io' | 'signal'>,
  spec: { name: string; kubernetesVersion: string },
  request: Pick<CreateRequest, 'platform' | 'gateTimeoutMs'>,
  first = 1,
): Promise<{ summary: ChangeSummary; resources: readonly string[]; commands: readonly string[] }> {
  const name = spec.name;
  const plan = await deps.stacks.planCluster(spec, definedOnly({ signal: deps.signal }));
  deps.io.show({ type: 'changes', title: `cluster stack, workspace ${name}`, summary: plan.summary, resources: plan.resources });
  let n = first;
  const commands = [`# ${n++}. the cluster stack in workspace ${name}:`, ...plan.commands];
  if (request.platform) {
    commands.push(
      `# ${n++}. the platform stack in workspace ${name} (planned only when it runs: it reads the cluster's outputs and installs into it):`,
      ...((await deps.stacks.platformApplyCommands?.(name)) ?? []),
    );
  }
  commands.push(`# ${n++}. curvectl waits for ${name}'s health gates (at most ${formatDuration(request.gateTimeoutMs)}).`);
  const [desired, records] = await Promise.all([deps.stacks.readDesiredWeights(), deps.dns.readRecords(deps.signal)]);
  if (name in desired && records.some((r) => r.setIdentifier === name)) {
    commands.push(`# ${n}. ${name} is already in the traffic stack (weight ${desired[name]}): nothing to register.`);
  } else {
    const next = { ...desired, [name]: registrationWeight(desired, name) };
    commands.push(`# ${n}. ${name} joins the traffic stack at weight ${next[name]}: the desired weights become ${formatWeights(next)}, then:`, ...(deps.stacks.trafficApplyCommands?.() ?? []));
  }
  return { summary: plan.summary, resources: plan.resources, commands };
}

async function isComplete(deps: CreateDeps, name: string, outputs: ClusterOutputs): Promise<boolean> {
  const [info, desired, records] = await Promise.all([
    deps.eks.describeCluster(name, deps.signal),
    deps.stacks.readDesiredWeights(),
    deps.dns.readRecords(deps.signal),
  ]);
  const live = weightsFromRecords(records);
  const record = records.find((r) => r.setIdentifier === name);
  return info?.status === 'ACTIVE' && name in desired && name in live && record?.value === outputs.ingressDnsName;
}

async function runWithProgress<T>(
  deps: CreateDeps,
  title: string,
  run: (onProgress: (e: { message: string; counts?: { add: number; change: number; remove: number } }) => void) => Promise<T>,
): Promise<T> {
  const progress = deps.io.startProgress(title);
  const started = deps.clock.now().getTime();
  try {
    const result = await run((e) => {
      const counts = e.counts ? ` [${e.counts.add} added, ${e.counts.change} changed, ${e.counts.remove} destroyed]` : '';
      progress.update(`${title}: ${e.message}${counts}`);
    });
    progress.succeed(`${title}: done in ${formatDuration(deps.clock.now().getTime() - started)}`);
    return result;
  } catch (err) {
    progress.fail(`${title}: failed`);
    throw err;
  }
}

/** Polls the gates until all pass or the timeout passes, showing the time left. */
export async function waitForGates(
  deps: Pick<CreateDeps, 'io' | 'clock' | 'gates' | 'signal'>,
  name: string,
  context: { ingress: string; version: string },
  options: { gateTimeoutMs: number; gateIntervalMs: number },
): Promise<readonly GateResultView[]> {
  const deadline = deps.clock.now().getTime() + options.gateTimeoutMs;
  const progress = deps.io.startProgress(`Waiting for ${name}'s health gates`);
  for (;;) {
    // Not yet registered in the traffic stack: it has no traffic (a metric gate says skipped).
    const results = (await deps.gates.check({ cluster: name, ingress: context.ingress, kubernetesVersion: context.version }, deps.signal, { weight: 0 })).results;
    const failing = results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skipped');
    if (failing.length === 0) {
      progress.succeed(`${name}: ${results.length} gate${results.length === 1 ? '' : 's'} passed`);
      deps.io.show({ type: 'gates', results });
      return results;
    }
    const left = deadline - deps.clock.now().getTime();
    if (left <= 0) {
      progress.fail(`${name}: gates still failing`);
      deps.io.show({ type: 'gates', results });
      throw new CurvectlError('GATE_FAILED', `${name}'s health gates did not pass within ${formatDuration(options.gateTimeoutMs)}: ${failing.map((f) => `${f.gate}: ${f.reason}`).join('; ')}.`, {
        hint: `Look at the cluster, then run "curvectl cluster create ${name}" again; it continues where it stopped.`,
      });
    }
    progress.update(`Waiting for ${name}'s health gates: ${failing.length} not passing (${failing[0]?.gate}: ${failing[0]?.reason}); ${formatDuration(left)} left`);
    await deps.clock.sleep(Math.min(options.gateIntervalMs, left), deps.signal);
  }
}
