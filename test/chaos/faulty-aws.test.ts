/**
 * Chaos 1: a faulty AWS. curvectl's own SDK calls (Route 53, and CloudWatch for the alarm gate) go
 * through a recording proxy (test/_helpers/aws-proxy.ts) that injects faults into a share of them
 * (default 20%): 400 Throttling and 400 PriorRequestNotComplete with the XML body Route 53 sends,
 * 500/503, or 0.2-2 s of added latency. Error answers are sent instead of forwarding, so the
 * emulator never sees those requests.
 *
 * Terraform does NOT go through the proxy: the Terraform AWS provider honours
 * AWS_ENDPOINT_URL_ROUTE_53 like the SDK, so terraform.binary is a wrapper that unsets the
 * per-service variables and Terraform falls back to AWS_ENDPOINT_URL, the emulator. Terraform's own
 * failures are chaos 2's business, and the provider retries throttling by itself for minutes, which
 * would only make this suite slow. The test proves it: no request on the proxy has Terraform's user
 * agent.
 *
 * Trials alternate two kinds, each a 2-step shift from fresh weights (FreshTrials in _support.ts;
 * --step 40 --bake 5s, alarm gate on the target):
 *  - complete: nothing else goes wrong; the shift must complete (exit 0) or roll back (exit 1/3),
 *  - gate-fail: the target's alarm goes to ALARM once step 1 is done; the shift must roll back
 *    (exit 3), so the rollback's single Route 53 change itself meets the faults.
 * Either way it must end with Route 53 = var file = Wn (completed) or W0 (rolled back), a clean
 * plan, no operation, lock or drift, and every Route 53 sample (every 200 ms, SDK straight to the
 * emulator) one of the planned W0..Wn.
 *
 * Short mode: 2 trials (one of each) in one workspace; full: 12 trials in three workspaces.
 * Knobs: CURVECTL_CHAOS_AWS_TRIALS, CURVECTL_CHAOS_AWS_LANES, CURVECTL_CHAOS_FAULT_RATE,
 * CURVECTL_CHAOS_SEED.
 */
import path from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsProxy, isChangeResourceRecordSets, type AwsProxy } from '../_helpers/aws-proxy.js';
import { createClusters, createWorkspace, exited, waitFor, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import {
  chaosSeed,
  faultInjector,
  FreshTrials,
  seedWeights,
  inLanes,
  judgeSamples,
  killProcessesIn,
  knob,
  MODE,
  plannedStates,
  recordScenario,
  restingProblems,
  settleProcesses,
  showWeights,
  tally,
  terraformWithout,
  WeightSampler,
  type FaultInjector,
  type FaultKind,
  type Weights,
} from './_support.js';

const TRIALS = knob('CURVECTL_CHAOS_AWS_TRIALS', 2, 12);
const LANES = Math.max(1, Math.min(TRIALS, knob('CURVECTL_CHAOS_AWS_LANES', 1, 3)));
const RATE = process.env.CURVECTL_CHAOS_FAULT_RATE ? Number(process.env.CURVECTL_CHAOS_FAULT_RATE) : 0.2;
const PROXIED = ['AWS_ENDPOINT_URL_ROUTE_53', 'AWS_ENDPOINT_URL_CLOUDWATCH', 'AWS_ENDPOINT_URL_EKS'];

type Kind = 'complete' | 'gate-fail';

interface Lane {
  readonly index: number;
  readonly ws: Workspace;
  readonly fresh: FreshTrials;
  readonly proxy: AwsProxy;
  readonly faults: FaultInjector;
  broken?: string;
}

interface TrialResult {
  readonly trial: number;
  readonly lane: number;
  readonly kind: Kind;
  readonly from: string;
  readonly to: string;
  readonly exit: number;
  readonly outcome: string;
  readonly requests: number;
  readonly faults: Record<FaultKind, number>;
  readonly route53Writes: number;
  readonly samples: number;
  readonly seen: Record<string, number>;
  readonly emulatorArtefacts: number;
  readonly problems: string[];
  readonly ms: number;
}

const started = Date.now();
const seed = chaosSeed('faulty-aws');
let emulator: Emulator;
let cloudwatch: CloudWatchClient;
const lanes: Lane[] = [];
const results: TrialResult[] = [];

const alarmName = (lane: number, cluster: string) => `aws${lane}-${cluster}-5xx`;

async function setAlarm(name: string, state: 'OK' | 'ALARM'): Promise<void> {
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `chaos test set ${state}` }));
}

beforeAll(async () => {
  emulator = await startEmulator();
  cloudwatch = new CloudWatchClient({
    endpoint: emulator.endpoint,
    region: emulator.env.AWS_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await Promise.all(
    Array.from({ length: LANES }, async (_, index) => {
      const zone = `aws${index}.test`;
      await emulator.createHostedZone(zone);
      const ws = await createWorkspace({ emulator, zone });
      const binary = await terraformWithout(path.join(ws.dir, '.chaos-bin'), PROXIED);
      await ws.configure([[['terraform', 'binary'], binary]]);
      await createClusters(ws, ['cluster-a', 'cluster-b']);
      for (const cluster of ['cluster-a', 'cluster-b']) {
        await cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: alarmName(index, cluster),
            Namespace: 'Chaos/Ingress',
            MetricName: `HTTPCode_5XX_${index}`,
            Dimensions: [{ Name: 'Cluster', Value: cluster }],
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        );
        await setAlarm(alarmName(index, cluster), 'OK');
      }
      // Gates only now: `cluster create` checks them too.
      await ws.configure([[['gates'], [{ type: 'alarm', alarms: [`aws${index}-{cluster}-5xx`] }]]]);
      const faults = faultInjector({
        rate: RATE,
        mix: { throttling: 3, 'prior-request-not-complete': 1, 'server-error': 2, latency: 2 },
        latencyMs: [200, 2000],
        seed: (seed + index * 7919) >>> 0,
      });
      const proxy = await startAwsProxy({ target: emulator.endpoint, intercept: faults.interceptor });
      lanes.push({ index, ws, fresh: new FreshTrials(), proxy, faults });
    }),
  );
  lanes.sort((a, b) => a.index - b.index);
});

afterAll(async () => {
  for (const lane of lanes) {
    await killProcessesIn(lane.ws.dir);
    await lane.ws.cleanup();
    await lane.proxy.close();
  }
  cloudwatch?.destroy();
  await emulator?.stop();
});

function faultDiff(after: Record<FaultKind, number>, before: Record<FaultKind, number>): Record<FaultKind, number> {
  return Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k as FaultKind] ?? 0)])) as Record<FaultKind, number>;
}

async function trial(lane: Lane, kind: Kind, index: number): Promise<void> {
  if (lane.broken) return;
  const { ws, proxy, faults } = lane;
  const t0 = Date.now();
  const problems: string[] = [];
  const t = lane.fresh.next();
  await seedWeights(ws, t.w0);
  const { w0, from, to } = t;
  const before = (await ws.journal()).length;
  const requestsBefore = proxy.requests.length;
  const faultsBefore = { ...faults.stats.faults };
  const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();

  const child = ws.spawn([...t.shiftArgs, '--bake', '5s', '--yes'], {
    env: Object.fromEntries(PROXIED.map((v) => [v, proxy.url])),
  });
  const code = exited(child);
  let alarmed = false;
  if (kind === 'gate-fail') {
    await waitFor(
      async () => child.exitCode !== null || (await ws.journal()).slice(before).some((e) => e.type === 'shift.step.done' && e.data?.index === 1),
      'step 1 done (or the end of the shift)',
      300_000,
      100,
    );
    if (child.exitCode === null) {
      await setAlarm(alarmName(lane.index, to), 'ALARM');
      alarmed = true;
    }
  }
  const exit = await code;
  if (alarmed) await setAlarm(alarmName(lane.index, to), 'OK');
  const requests = proxy.requests.slice(requestsBefore);
  const injected = faultDiff(faults.stats.faults, faultsBefore);

  const events = (await ws.journal()).slice(before);
  const journalled = plannedStates(events);
  if (journalled && JSON.stringify(journalled) !== JSON.stringify(t.planned)) problems.push(`the journal plans ${journalled.map(showWeights).join(' -> ')}, not ${t.planned.map(showWeights).join(' -> ')}`);
  const planned = t.planned;
  const last = events.at(-1)?.type;
  let expected: Weights = w0;
  let outcome: string;
  if (exit === 0 && last === 'shift.completed') {
    outcome = 'completed';
    expected = planned.at(-1)!;
    if (kind === 'gate-fail') problems.push('the shift completed although the target went to ALARM during the bake of step 1');
  } else if ((exit === 3 || exit === 1) && last === 'shift.rolled-back') {
    outcome = `rolled back (exit ${exit}, ${String(events.at(-1)?.data?.cause)})`;
    if (kind === 'gate-fail' && alarmed && exit !== 3) problems.push(`a gate failure ended with exit ${exit}, not 3`);
    if (events.at(-1)?.data?.planClean !== true) problems.push('the rollback did not end with a clean plan');
  } else {
    outcome = `unexpected (exit ${exit}, last event ${last})`;
    problems.push(`the shift neither completed nor rolled back: exit ${exit}, last event ${last}\n${child.output().stderr.slice(-2000)}`);
  }

  await settleProcesses(ws.dir);
  problems.push(...(await restingProblems(ws, expected)));
  const samples = await sampler.stop();
  const verdict = judgeSamples(samples, planned);
  for (const v of verdict.violations) problems.push(`Route 53 sample outside the plan at +${v.at - t0} ms: ${showWeights(v.weights)}`);
  const viaTerraform = requests.filter((r) => /terraform|hashicorp/i.test(String(r.headers['user-agent'] ?? '')));
  if (viaTerraform.length > 0) problems.push(`${viaTerraform.length} Terraform requests went through the faulty proxy`);
  if (!requests.some((r) => String(r.headers['user-agent'] ?? '').includes('curvectl/'))) problems.push('no curvectl request went through the proxy');

  const result: TrialResult = {
    trial: index + 1,
    lane: lane.index,
    kind,
    from,
    to,
    exit,
    outcome,
    requests: requests.length,
    faults: injected,
    route53Writes: requests.filter(isChangeResourceRecordSets).length,
    samples: verdict.samples,
    seen: verdict.seen,
    emulatorArtefacts: verdict.emulatorArtefacts.length,
    problems,
    ms: Date.now() - t0,
  };
  results.push(result);
  console.log(
    `[chaos] faulty-aws trial ${index + 1}/${TRIALS} (lane ${lane.index}, ${kind}): ${outcome}; ${requests.length} requests through the proxy, ` +
      `faults ${JSON.stringify(injected)}; ${verdict.samples} samples ${JSON.stringify(verdict.seen)}; ${problems.length} problem(s) in ${Math.round(result.ms / 1000)} s` +
      `${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
  );
  if (problems.length > 0) lane.broken = problems[0];
}

describe(`a shift through a faulty AWS (${MODE} mode: ${TRIALS} trials, ${Math.round(RATE * 100)}% faults)`, () => {
  it('completes or rolls back, and Route 53 never leaves the planned weights', { timeout: 4 * 3_600_000 }, async () => {
    const kinds: Kind[] = Array.from({ length: TRIALS }, (_, i) => (i % 2 === 0 ? 'complete' : 'gate-fail'));
    await inLanes(lanes, kinds, trial);

    const totals = { requests: 0, byService: {} as Record<string, number>, faults: {} as Record<string, number>, faultsByService: {} as Record<string, number> };
    for (const { faults } of lanes) {
      totals.requests += faults.stats.requests;
      for (const [k, n] of Object.entries(faults.stats.byService)) totals.byService[k] = (totals.byService[k] ?? 0) + n;
      for (const [k, n] of Object.entries(faults.stats.faults)) totals.faults[k] = (totals.faults[k] ?? 0) + n;
      for (const [k, n] of Object.entries(faults.stats.faultsByService)) totals.faultsByService[k] = (totals.faultsByService[k] ?? 0) + n;
    }
    const inconsistencies = results.reduce((n, r) => n + r.problems.length, 0);
    await recordScenario('faulty-aws', {
      title: `shift through a proxy injecting ${Math.round(RATE * 100)}% faults into curvectl's AWS calls`,
      mode: MODE,
      seed,
      trials: results.length,
      planned: TRIALS,
      faultRate: RATE,
      outcomes: tally(results.map((r) => `${r.kind}: ${r.outcome}`)),
      faultsInjected: totals.faults,
      faultsByService: totals.faultsByService,
      requests: totals.requests,
      requestsByService: totals.byService,
      route53Writes: results.reduce((n, r) => n + r.route53Writes, 0),
      samples: results.reduce((n, r) => n + r.samples, 0),
      emulatorArtefacts: results.reduce((n, r) => n + r.emulatorArtefacts, 0),
      inconsistencies,
      wallTimeMs: Date.now() - started,
      details: results.sort((a, b) => a.trial - b.trial),
    });

    expect(results.length, `trials run (a lane stops at its first problem): ${lanes.map((l) => l.broken).filter(Boolean).join('; ')}`).toBe(TRIALS);
    expect(results.flatMap((r) => r.problems.map((p) => `trial ${r.trial} (${r.kind}): ${p}`))).toEqual([]);
    // The faults really happened, and on both services.
    expect(Object.values(totals.faults).reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    expect(totals.byService.route53 ?? 0).toBeGreaterThan(0);
    expect(totals.byService.monitoring ?? 0).toBeGreaterThan(0);
  });
});
