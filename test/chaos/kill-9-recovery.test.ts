/**
 * Chaos: `kill -9` of the commands that recover a shift, where kill-9.test.ts only kills `shift`:
 *
 *  - resume:   a shift is killed once step 1 is done (Route 53 at W1); `shift resume --yes` is
 *              started and killed in its turn, at one of: `shift.resumed` (reconciled, about to go
 *              on), `shift.step.intent` of step 2 (mid-apply) or `shift.step.done` of step 2;
 *  - abort:    the same first kill; `shift abort --yes` is killed at `shift.rollback.started`
 *              (before or during its Route 53 change) or `shift.rollback.dns-done` (Route 53 back
 *              at W0, the reconciling Terraform apply under way);
 *  - rollback: an alarm gate on the target goes to ALARM once step 1 is done; the shift's own
 *              rollback is killed at `shift.rollback.started` or `shift.rollback.dns-done`.
 *
 * The kill is timed by the journal event (polled every 25 ms), never by a sleep; which event is
 * drawn from the seeded RNG (stratified across the trials of a scenario, so full mode covers each).
 * After the kill the operator's next commands follow: `status -o json` must show the interrupted
 * shift with a `next` sentence (or no operation when the kill came after the end), then
 * `shift resume --yes` or `shift abort --yes` at random. Resume ends at Wn (exit 0) when the shift
 * was going forward, or finishes the rollback that was under way (exit 5 after an abort, 3 after a
 * gate); abort ends at W0 (exit 5). Then Route 53 = var file = the expected map, a clean plan, no
 * operation, lock or drift, and every Route 53 sample (every 200 ms, straight from the emulator,
 * from the first spawn to the last check) one of the trial's planned W0..Wn.
 *
 * A negative control shows the sampler and judge catch a map outside the plan in Route 53.
 *
 * Short mode: 1 trial per scenario in one workspace on the cluster stub; full mode: 5 per scenario
 * (knobs: CURVECTL_CHAOS_RECOVERY_TRIALS, CURVECTL_CHAOS_RECOVERY_ONLY=resume,abort,rollback,
 * CURVECTL_CHAOS_SEED).
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, exited, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import {
  chaosSeed,
  FreshTrials,
  judgeSamples,
  killProcessesIn,
  knob,
  MODE,
  plannedStates,
  recordScenario,
  restingProblems,
  sameWeights,
  seededRandom,
  seedWeights,
  settleProcesses,
  showWeights,
  sleep,
  tally,
  WeightSampler,
  type Weights,
} from './_support.js';

type Scenario = 'resume' | 'abort' | 'rollback';
type JournalEntry = { at: string; op: string; type: string; data?: Record<string, unknown> };

/** A readiness signal: the journal event after which the command is killed. */
interface KillPoint {
  readonly name: string;
  readonly matches: (e: JournalEntry) => boolean;
}

const KILL_POINTS: Record<Scenario, readonly KillPoint[]> = {
  resume: [
    { name: 'resumed', matches: (e) => e.type === 'shift.resumed' },
    { name: 'step-2-intent', matches: (e) => e.type === 'shift.step.intent' && e.data?.index === 2 },
    { name: 'step-2-done', matches: (e) => e.type === 'shift.step.done' && e.data?.index === 2 },
  ],
  abort: [
    { name: 'rollback-started', matches: (e) => e.type === 'shift.rollback.started' },
    { name: 'rollback-dns-done', matches: (e) => e.type === 'shift.rollback.dns-done' },
  ],
  rollback: [
    { name: 'rollback-started', matches: (e) => e.type === 'shift.rollback.started' },
    { name: 'rollback-dns-done', matches: (e) => e.type === 'shift.rollback.dns-done' },
  ],
};

const ALL: readonly Scenario[] = ['resume', 'abort', 'rollback'];
/** CURVECTL_CHAOS_RECOVERY_ONLY=resume,abort runs only those scenarios. */
const SCENARIOS: readonly Scenario[] = process.env.CURVECTL_CHAOS_RECOVERY_ONLY
  ? ALL.filter((s) => process.env.CURVECTL_CHAOS_RECOVERY_ONLY!.split(',').map((x) => x.trim()).includes(s))
  : ALL;
const TRIALS = knob('CURVECTL_CHAOS_RECOVERY_TRIALS', 1, 5);
if (TRIALS * SCENARIOS.length + 1 > 20) throw new Error('CURVECTL_CHAOS_RECOVERY_TRIALS: at most 6 (one workspace takes 20 fresh trials)');

interface TrialResult {
  readonly scenario: Scenario;
  readonly trial: number;
  readonly killPoint: string;
  /** Where the second kill landed, from the journal: the point, or 'after-end' when the command had finished. */
  readonly landing: string;
  readonly killExits: number[];
  /** Which Wi Route 53 had right after the second kill (-1: none of them). */
  readonly liveStepAtKill: number;
  readonly next: 'resume' | 'abort' | 'none';
  readonly nextExit: number | null;
  readonly final: 'Wn' | 'W0';
  readonly samples: number;
  readonly seen: Record<string, number>;
  readonly emulatorArtefacts: number;
  readonly leakedPlugins: number;
  /** ms from the start of the trial to the end of each phase. */
  readonly phases: Record<string, number>;
  readonly problems: string[];
  readonly ms: number;
}

const startedAt = Date.now();
const seed = chaosSeed('kill-9-recovery');
const random = seededRandom(seed);
// Per scenario: a random first kill point, then the next ones in turn (stratified); the next command at random.
const plans = Object.fromEntries(
  SCENARIOS.map((s) => {
    const points = KILL_POINTS[s];
    const offset = Math.floor(random() * points.length);
    return [s, Array.from({ length: TRIALS }, (_, i) => ({ point: points[(offset + i) % points.length]!, next: random() < 0.5 ? ('resume' as const) : ('abort' as const) }))];
  }),
) as Record<Scenario, { point: KillPoint; next: 'resume' | 'abort' }[]>;

let emulator: Emulator;
let cloudwatch: CloudWatchClient;
let ws: Workspace;
const fresh = new FreshTrials();
const results: TrialResult[] = [];
const ALARM = 'recovery-{cluster}-5xx';
const alarmOf = (cluster: string) => ALARM.replace('{cluster}', cluster);

async function setAlarm(cluster: string, state: 'OK' | 'ALARM'): Promise<void> {
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarmOf(cluster), StateValue: state, StateReason: `chaos test set ${state}` }));
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('recovery.test');
  cloudwatch = new CloudWatchClient({ endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  ws = await createWorkspace({ emulator, zone: 'recovery.test' });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  for (const cluster of ['cluster-a', 'cluster-b']) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmOf(cluster),
        Namespace: 'Chaos/Recovery',
        MetricName: 'HTTPCode_5XX',
        Dimensions: [{ Name: 'Cluster', Value: cluster }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    await setAlarm(cluster, 'OK');
  }
});

afterAll(async () => {
  const inconsistencies = results.reduce((n, r) => n + r.problems.length, 0);
  await recordScenario('kill-9-recovery', {
    title: 'kill -9 during shift resume, shift abort and a rollback in progress, then status + resume/abort',
    mode: MODE,
    seed,
    trials: results.length,
    outcomes: tally(results.map((r) => `${r.scenario}@${r.landing}/${r.next}${r.nextExit === null ? '' : ` exit ${r.nextExit}`}`)),
    route53AtKill: tally(results.map((r) => (r.liveStepAtKill >= 0 ? `W${r.liveStepAtKill}` : 'unplanned'))),
    faultsInjected: { 'kill -9': results.reduce((n, r) => n + r.killExits.filter((c) => c === 137).length, 0) },
    samples: results.reduce((n, r) => n + r.samples, 0),
    emulatorArtefacts: results.reduce((n, r) => n + r.emulatorArtefacts, 0),
    inconsistencies,
    wallTimeMs: Date.now() - startedAt,
    details: results,
  }).catch(() => undefined);
  if (ws) {
    await killProcessesIn(ws.dir);
    await ws.cleanup();
  }
  cloudwatch?.destroy();
  await emulator?.stop();
});

/** Polls the journal (from `before`) until an event matches, or the child has exited (then undefined). */
async function waitForEvent(
  before: number,
  matches: (e: JournalEntry) => boolean,
  child: { exitCode: number | null; signalCode: string | null; output: () => { stderr: string } },
): Promise<JournalEntry | undefined> {
  // Generous: on a machine loaded 10-20x (CI with other suites) a step's Terraform apply takes minutes.
  const deadline = Date.now() + 600_000;
  for (;;) {
    const hit = (await ws.journal()).slice(before).find(matches);
    if (hit) return hit;
    if (child.exitCode !== null || child.signalCode !== null) return undefined;
    if (Date.now() > deadline) {
      const last = (await ws.journal()).slice(before).at(-1);
      throw new Error(`no readiness signal within 600 s; last event ${JSON.stringify(last)}; stderr so far:\n${child.output().stderr}`);
    }
    await sleep(25);
  }
}

/** Spawns args, kills it -9 as soon as the journal shows `point` (unless it ended first). */
async function spawnAndKillAt(args: string[], before: number, point: (e: JournalEntry) => boolean): Promise<{ exit: number; killed: boolean; stderr: string }> {
  const child = ws.spawn(args);
  const code = exited(child);
  const hit = await waitForEvent(before, point, child);
  let killed = false;
  if (hit && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    killed = true;
  }
  const exit = await code;
  return { exit, killed, stderr: child.output().stderr };
}

/**
 * Each scenario starts from a workspace at rest, whatever an earlier failed trial left: its
 * processes killed, and an unfinished shift ended with the documented forced abort.
 */
async function leaveNothingUnfinished(): Promise<void> {
  await killProcessesIn(ws.dir);
  const status = await ws.run(['status', '-o', 'json']);
  if (status.code === 0 && (JSON.parse(status.stdout) as { operation: unknown }).operation === null) return;
  await ws.run(['shift', 'abort', '--force', '--yes']);
  await ws.run(['unlock']);
}

async function trial(scenario: Scenario, index: number): Promise<TrialResult> {
  const t0 = Date.now();
  const { point, next } = plans[scenario][index]!;
  const problems: string[] = [];
  const phases: Record<string, number> = {};
  const phase = (name: string) => (phases[name] = Date.now() - t0);
  await leaveNothingUnfinished();
  const t = fresh.next();
  await ws.configure([[['gates'], scenario === 'rollback' ? [{ type: 'alarm', alarms: [ALARM] }] : []]]);
  await seedWeights(ws, t.w0);
  phase('seeded');
  const before = (await ws.journal()).length;
  const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();
  const killExits: number[] = [];
  let alarmed = false;
  let landing: string;
  let liveStepAtKill = -1;
  let leakedPlugins = 0;
  try {
    // 1. The shift, killed once step 1 is done (resume, abort) or in its own rollback (rollback).
    const bake = ['--bake', '10m', '--yes'];
    if (scenario === 'rollback') {
      const child = ws.spawn([...t.shiftArgs, ...bake]);
      const code = exited(child);
      const done = await waitForEvent(before, (e) => e.type === 'shift.step.done' && e.data?.index === 1, child);
      if (!done) throw new Error(`the shift ended before step 1 was done (exit ${await code}): ${child.output().stderr}`);
      await setAlarm(t.to, 'ALARM');
      alarmed = true;
      const hit = await waitForEvent(before, point.matches, child);
      if (hit && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      killExits.push(await code);
      if (!hit) problems.push(`the shift ended (exit ${killExits[0]}) before ${point.name}: ${child.output().stderr.trim()}`);
    } else {
      const first = await spawnAndKillAt([...t.shiftArgs, ...bake], before, (e) => e.type === 'shift.step.done' && e.data?.index === 1);
      killExits.push(first.exit);
      if (!first.killed) throw new Error(`the shift ended before step 1 was done (exit ${first.exit}): ${first.stderr}`);
      // 2. The recovering command, killed at the drawn point.
      const mark = (await ws.journal()).length;
      const args = scenario === 'resume' ? ['shift', 'resume', '--bake', '0s', '--allow-short-bake', '--yes'] : ['shift', 'abort', '--yes'];
      const second = await spawnAndKillAt(args, mark, point.matches);
      killExits.push(second.exit);
      if (!second.killed) problems.push(`shift ${scenario} ended by itself (exit ${second.exit}) before ${point.name}: ${second.stderr.trim()}`);
      if (!/Took over the traffic lock/.test(second.stderr)) problems.push(`shift ${scenario} did not say it took over the killed shift's lock: ${second.stderr.trim()}`);
    }
    phase('killed');
    const events = (await ws.journal()).slice(before);
    const ended = events.some((e) => ['shift.completed', 'shift.rolled-back', 'shift.aborted'].includes(e.type));
    landing = ended ? 'after-end' : point.name;
    const live = await ws.liveWeights();
    liveStepAtKill = t.planned.findIndex((w) => sameWeights(w, live));
    const journalled = plannedStates(events);
    if (!journalled || JSON.stringify(journalled) !== JSON.stringify(t.planned)) problems.push(`the journal plans ${journalled?.map(showWeights).join(' -> ')}, not ${t.planned.map(showWeights).join(' -> ')}`);
    const op = events.find((e) => e.type === 'shift.planned')?.op;
    if (new Set(events.map((e) => e.op)).size > 1) problems.push(`more than one operation in one trial: ${[...new Set(events.map((e) => e.op))].join(', ')}`);
    const rollbackCause = events.find((e) => e.type === 'shift.rollback.started')?.data?.cause as string | undefined;

    // 3. status explains it.
    const status = await ws.run(['status', '-o', 'json']);
    let lockLeft = false;
    if (status.code !== 0) problems.push(`status -o json exited ${status.code}: ${status.stderr}`);
    else {
      const report = JSON.parse(status.stdout) as { operation: { id: string; state: string; next: string | null } | null; lock: { stale: boolean } | null };
      if (!ended) {
        const o = report.operation;
        if (!o) problems.push(`status shows no operation, but shift ${op} is unfinished (killed at ${landing})`);
        else {
          if (o.id !== op) problems.push(`status shows operation ${o.id}, not ${op}`);
          if (o.state !== 'interrupted') problems.push(`status says the killed shift is ${o.state}, not interrupted`);
          if (!/curvectl shift (resume|abort)/.test(o.next ?? '')) problems.push(`status does not say what to do next: ${JSON.stringify(o.next)}`);
        }
      } else if (report.operation !== null) problems.push(`status shows an operation after the end: ${JSON.stringify(report.operation)}`);
      lockLeft = report.lock !== null;
      if (report.lock && !report.lock.stale) problems.push(`the killed command's lock is not seen as stale: ${JSON.stringify(report.lock)}`);
    }

    phase('status');
    // 4. The next command.
    let nextExit: number | null = null;
    let final: TrialResult['final'];
    const action: TrialResult['next'] = ended ? 'none' : next;
    if (!ended) {
      const finish = await ws.run(['shift', next, ...(next === 'resume' ? ['--bake', '0s', '--allow-short-bake'] : []), '--yes']);
      nextExit = finish.code;
      // A rollback under way is finished by resume too, with the exit of its cause.
      const want = next === 'abort' ? 5 : rollbackCause === 'gate' ? 3 : rollbackCause === 'abort' ? 5 : rollbackCause ? 1 : 0;
      if (finish.code !== want) problems.push(`shift ${next} --yes exited ${finish.code}, expected ${want}: ${finish.stderr.trim()}`);
      if (lockLeft && !/Took over the traffic lock/.test(finish.stderr)) problems.push(`shift ${next} did not say it took over the stale lock`);
      final = next === 'resume' && !rollbackCause ? 'Wn' : 'W0';
    } else {
      final = events.some((e) => e.type === 'shift.completed') ? 'Wn' : 'W0';
      if (lockLeft) {
        const unlock = await ws.run(['unlock']);
        if (unlock.code !== 0) problems.push(`unlock exited ${unlock.code}: ${unlock.stderr}`);
      }
    }
    if (alarmed) {
      await setAlarm(t.to, 'OK');
      alarmed = false;
    }

    phase('next');
    // 5. At rest, and only planned maps all along.
    leakedPlugins = (await settleProcesses(ws.dir)).leakedPlugins;
    phase('settled');
    problems.push(...(await restingProblems(ws, final === 'Wn' ? t.planned.at(-1)! : t.w0)));
    phase('checked');
    const verdict = judgeSamples(await sampler.stop(), t.planned);
    for (const v of verdict.violations) problems.push(`Route 53 sample outside the plan at +${v.at - t0} ms: ${showWeights(v.weights)}`);
    if (verdict.readErrors > 0) problems.push(`${verdict.readErrors} samples could not be read`);
    const result: TrialResult = {
      scenario,
      trial: index + 1,
      killPoint: point.name,
      landing,
      killExits,
      liveStepAtKill,
      next: action,
      nextExit,
      final,
      samples: verdict.samples,
      seen: verdict.seen,
      emulatorArtefacts: verdict.emulatorArtefacts.length,
      leakedPlugins,
      phases,
      problems,
      ms: Date.now() - t0,
    };
    console.log(
      `[chaos] kill-9-recovery ${scenario} trial ${index + 1}/${TRIALS}: killed at ${landing} (Route 53 at W${liveStepAtKill}); ${action}` +
        `${nextExit === null ? '' : ` exit ${nextExit}`}; final ${final}; ${verdict.samples} samples ${JSON.stringify(verdict.seen)}; phases ${JSON.stringify(phases)}; ` +
        `${problems.length} problem(s) in ${Math.round(result.ms / 1000)} s${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
    );
    return result;
  } finally {
    await sampler.stop();
    if (alarmed) await setAlarm(t.to, 'OK');
  }
}

describe(`kill -9 during shift resume, shift abort and a rollback (${MODE} mode: ${TRIALS} trial(s) each)`, () => {
  it.each(SCENARIOS)('kill -9 during %s: the next command ends at a planned map and reports honestly', { timeout: 3_600_000 }, async (scenario) => {
    const mine: TrialResult[] = [];
    for (let i = 0; i < TRIALS; i += 1) {
      const r = await trial(scenario, i);
      results.push(r);
      mine.push(r);
      if (r.problems.length > 0) break; // the workspace is no longer a known starting point
    }
    expect(mine.flatMap((r) => r.problems.map((p) => `trial ${r.trial} (killed at ${r.landing}, then ${r.next}): ${p}`))).toEqual([]);
    expect(mine).toHaveLength(TRIALS);
  });

  it('negative control: the sampler and judge catch a map outside the plan in Route 53', async () => {
    const live = await ws.liveWeights();
    const names = Object.keys(live).sort();
    // Off by one from the live map in one record: no plan of FreshTrials holds it, and it stays until put back.
    const odd: Weights = { ...live, [names[1]!]: live[names[1]!]! + 1 };
    const sampler = new WeightSampler(() => ws.liveWeights(), 100).start();
    await ws.setLiveWeight(names[1]!, odd[names[1]!]!);
    const deadline = Date.now() + 30_000;
    while (!sampler.samples.some((s) => s.weights && sameWeights(s.weights, odd)) && Date.now() < deadline) await sleep(50);
    await ws.setLiveWeight(names[1]!, live[names[1]!]!);
    const verdict = judgeSamples(await sampler.stop(), [live]);
    expect(verdict.violations.map((v) => showWeights(v.weights))).toContain(showWeights(odd));
    expect(verdict.emulatorArtefacts.map((v) => showWeights(v.weights))).not.toContain(showWeights(odd));
    expect(await ws.liveWeights()).toEqual(live);
  });
});
