/**
 * Chaos 3: `kill -9` at random moments of a shift.
 *
 * Each trial starts from fresh weights (see FreshTrials in _support.ts: moto accepts a given
 * cluster=weight only once through a DELETE+CREATE batch), spawns
 * `shift --to cluster-b --step 40 --until <80+k> --bake 0s --allow-short-bake --yes` (two steps), kills
 * it with SIGKILL after a random delay spread over the whole run (stratified: trial i of n gets a
 * delay inside the i-th n-th of the window, in shuffled order; seeded, the seed is printed), and then
 * acts as an operator would:
 *
 *   status -o json must explain the state: the unfinished shift with a `next` sentence, or no
 *   operation when the kill came before the plan or after the end;
 *   shift resume --yes (exit 0, ends at Wn) or shift abort --yes (exit 5, ends at W0), at random,
 *   each taking over the stale lock of the killed process with a warning naming it (`unlock` clears
 *   a stale lock left by a kill before the plan or after the end);
 *   then Route 53 = var file = Wn or W0, `terraform plan` clean, no operation, no lock, no drift.
 *
 * Meanwhile Route 53 is sampled straight from the emulator every 200 ms, from the spawn to the end of
 * the checks, and every sample must be one of W0..Wn of the trial's `shift.planned` event.
 *
 * Terraform runs in its own process group, so an apply the kill interrupted goes on as an orphan
 * (until it writes to its closed pipe); the next terraform waits for the state lock
 * (-lock-timeout), and the final plan waits until no process is left in the workspace.
 *
 * Short mode: 3 trials in one workspace; full mode: 20 in four workspaces (knobs:
 * CURVECTL_CHAOS_KILL_TRIALS, CURVECTL_CHAOS_KILL_LANES, CURVECTL_CHAOS_KILL_WINDOW_MS,
 * CURVECTL_CHAOS_SEED).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, exited, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import {
  chaosSeed,
  inLanes,
  judgeSamples,
  killProcessesIn,
  knob,
  MODE,
  plannedStates,
  processesIn,
  recordScenario,
  restingProblems,
  sameWeights,
  seededRandom,
  seedWeights,
  FreshTrials,
  showWeights,
  sleep,
  tally,
  settleProcesses,
  WeightSampler,
  type Weights,
} from './_support.js';

const TRIALS = knob('CURVECTL_CHAOS_KILL_TRIALS', 3, 20);
const LANES = Math.max(1, Math.min(TRIALS, knob('CURVECTL_CHAOS_KILL_LANES', 1, 4)));
/**
 * Kills land across [0, window): the window is as long as an uninterrupted shift measured on lane 0
 * before the trials (on a busy machine some runs end sooner: those kills land after the end), or
 * CURVECTL_CHAOS_KILL_WINDOW_MS.
 */
const WINDOW_OVERRIDE = process.env.CURVECTL_CHAOS_KILL_WINDOW_MS ? Number(process.env.CURVECTL_CHAOS_KILL_WINDOW_MS) : undefined;
let windowMs = WINDOW_OVERRIDE ?? 0;
let calibration: { ms: number; exit: number; samples: number; seen: Record<string, number>; problems: string[] } | undefined;

type Landing = 'before-plan' | 'before-first-apply' | 'mid-apply' | 'between-steps' | 'in-rollback' | 'after-completion';

interface TrialPlan {
  readonly delayMs: number;
  readonly action: 'resume' | 'abort';
}

interface TrialResult {
  readonly trial: number;
  readonly lane: number;
  readonly delayMs: number;
  readonly landing: Landing;
  /** What ended the shift: resume, abort, or none (nothing was unfinished). */
  readonly action: 'resume' | 'abort' | 'none';
  readonly from: string;
  readonly to: string;
  readonly killExit: number;
  /** Which Wi Route 53 had right after the kill (-1: none of them). */
  readonly liveStepAtKill: number;
  readonly finishExit: number | null;
  readonly final: 'planned-final' | 'W0';
  readonly orphanAtKill: boolean;
  readonly orphanWaitMs: number;
  /** Provider plugins left running by a terraform that died on its closed pipe (killed afterwards). */
  readonly leakedPlugins: number;
  /** ms from the spawn of the shift to the end of each phase. */
  readonly phases: Record<string, number>;
  readonly samples: number;
  readonly seen: Record<string, number>;
  readonly emulatorArtefacts: number;
  readonly problems: string[];
  readonly ms: number;
}

interface Lane {
  readonly index: number;
  readonly ws: Workspace;
  readonly fresh: FreshTrials;
  broken?: string;
}

const started = Date.now();
const seed = chaosSeed('kill-9');
let emulator: Emulator;
const lanes: Lane[] = [];
const results: TrialResult[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  await Promise.all(
    Array.from({ length: LANES }, async (_, index) => {
      const zone = `kill${index}.test`;
      await emulator.createHostedZone(zone);
      const ws = await createWorkspace({ emulator, zone });
      await createClusters(ws, ['cluster-a', 'cluster-b']);
      lanes.push({ index, ws, fresh: new FreshTrials() });
    }),
  );
  lanes.sort((a, b) => a.index - b.index);
  if (WINDOW_OVERRIDE === undefined) {
    // One uninterrupted shift on lane 0: how long a run is here, and one more check of the invariant.
    const { ws, fresh } = lanes[0]!;
    const t = fresh.next();
    await seedWeights(ws, t.w0);
    const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();
    const t0 = Date.now();
    const run = await ws.run([...t.shiftArgs, '--bake', '0s', '--allow-short-bake', '--yes']);
    const ms = Date.now() - t0;
    const problems = run.code === 0 ? await restingProblems(ws, t.planned.at(-1)!) : [`the calibration shift exited ${run.code}: ${run.stderr}`];
    const verdict = judgeSamples(await sampler.stop(), t.planned);
    problems.push(...verdict.violations.map((v) => `Route 53 sample outside the plan at +${v.at - t0} ms: ${showWeights(v.weights)}`));
    calibration = { ms, exit: run.code, samples: verdict.samples, seen: verdict.seen, problems };
    windowMs = ms;
    console.log(`[chaos] kill-9 calibration: an uninterrupted shift took ${ms} ms; kills land in [0, ${windowMs}) ms; ${problems.length} problem(s)`);
  }
});

afterAll(async () => {
  for (const lane of lanes) {
    await killProcessesIn(lane.ws.dir);
    await lane.ws.cleanup();
  }
  await emulator?.stop();
});

function trialPlans(): TrialPlan[] {
  const random = seededRandom(seed);
  const delays = Array.from({ length: TRIALS }, (_, i) => Math.round(((i + random()) * windowMs) / TRIALS));
  for (let i = delays.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [delays[i], delays[j]] = [delays[j]!, delays[i]!];
  }
  return delays.map((delayMs) => ({ delayMs, action: random() < 0.5 ? 'resume' : 'abort' }));
}

function landingOf(events: { type: string }[], killed: boolean): Landing {
  const types = events.map((e) => e.type);
  if (!killed || types.includes('shift.completed')) return 'after-completion';
  if (!types.includes('shift.planned')) return 'before-plan';
  if (types.includes('shift.rollback.started')) return 'in-rollback';
  const last = types.filter((t) => t.startsWith('shift.')).at(-1);
  if (last === 'shift.step.intent') return 'mid-apply';
  if (last === 'shift.planned') return 'before-first-apply';
  return 'between-steps';
}

async function trial(lane: Lane, plan: TrialPlan, index: number): Promise<void> {
  if (lane.broken) return;
  const { ws } = lane;
  const t0 = Date.now();
  const problems: string[] = [];
  const phases: Record<string, number> = {};
  const t = lane.fresh.next();
  await seedWeights(ws, t.w0);
  const w0: Weights = t.w0;
  const from = t.from;
  const to = t.to;
  const before = (await ws.journal()).length;
  const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();

  const spawnedAt = Date.now();
  const child = ws.spawn([...t.shiftArgs, '--bake', '0s', '--allow-short-bake', '--yes']);
  const code = exited(child);
  await Promise.race([code, sleep(plan.delayMs)]);
  let killed = false;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    killed = true;
  }
  const killExit = await code;
  phases.killed = Date.now() - spawnedAt;
  const orphanAtKill = (await processesIn(ws.dir)).length > 0;
  const liveAtKill = await ws.liveWeights();
  const events = (await ws.journal()).slice(before);
  const landing = landingOf(events, killed);
  const liveStep = t.planned.findIndex((w) => sameWeights(w, liveAtKill));
  if (!killed && killExit !== 0) problems.push(`the shift ended by itself with exit ${killExit}: ${child.output().stderr}`);
  const journalled = plannedStates(events);
  if (journalled && JSON.stringify(journalled) !== JSON.stringify(t.planned)) problems.push(`the journal plans ${journalled.map(showWeights).join(' -> ')}, not ${t.planned.map(showWeights).join(' -> ')}`);
  const planned = journalled ? t.planned : undefined;
  const op = events.find((e) => e.type === 'shift.planned')?.op;
  const rollbackCause = events.find((e) => e.type === 'shift.rollback.started')?.data?.cause as string | undefined;
  const unfinished = planned !== undefined && !events.some((e) => ['shift.completed', 'shift.rolled-back', 'shift.aborted'].includes(e.type));

  // 1. status explains it.
  let lockLeft = false;
  const status = await ws.run(['status', '-o', 'json']);
  if (status.code !== 0) {
    problems.push(`status -o json exited ${status.code}: ${status.stderr}`);
  } else {
    const report = JSON.parse(status.stdout) as {
      operation: { id: string; state: string; next: string; stepsDone: number; stepsTotal: number; target: string } | null;
      lock: { stale: boolean } | null;
    };
    if (unfinished) {
      const o = report.operation;
      if (!o) problems.push(`status shows no operation, but shift ${op} is unfinished (${landing})`);
      else {
        if (o.id !== op || o.target !== to || o.stepsTotal !== planned!.length - 1) problems.push(`status shows the wrong operation: ${JSON.stringify(o)}`);
        if (o.state !== 'interrupted') problems.push(`status says the killed shift is ${o.state}, not interrupted`);
        if (!/curvectl shift (resume|abort)/.test(o.next)) problems.push(`status does not say what to do next: ${JSON.stringify(o.next)}`);
      }
    } else if (report.operation !== null) {
      problems.push(`status shows an operation after a ${landing} kill: ${JSON.stringify(report.operation)}`);
    }
    lockLeft = report.lock !== null;
    if (report.lock && !report.lock.stale) problems.push(`the killed shift's lock is not seen as stale: ${JSON.stringify(report.lock)}`);
  }

  phases.status = Date.now() - spawnedAt;

  // 2. resume or abort: each takes over the stale lock of the killed process (with a warning
  //    naming it). With nothing unfinished, a stale lock left behind is cleared with unlock.
  let finishExit: number | null = null;
  let expected: Weights;
  let final: TrialResult['final'];
  const action: TrialResult['action'] = unfinished ? plan.action : 'none';
  if (unfinished) {
    const finish = await ws.run(['shift', plan.action, '--yes']);
    finishExit = finish.code;
    // resume continues the shift, or finishes a rollback that was under way (exit as for its cause);
    // abort always ends at W0 with exit 5.
    const causeExit = rollbackCause === 'gate' ? 3 : rollbackCause === 'apply' ? 1 : 5;
    const want = plan.action === 'abort' ? 5 : rollbackCause ? causeExit : 0;
    if (finish.code !== want) problems.push(`shift ${plan.action} --yes exited ${finish.code}, expected ${want}: ${finish.stderr.trim()}`);
    final = plan.action === 'resume' && !rollbackCause ? 'planned-final' : 'W0';
    phases.finished = Date.now() - spawnedAt;
    if (!/Took over the traffic lock/.test(finish.stderr) && lockLeft) problems.push(`shift ${plan.action} did not say it took over the stale lock`);
  } else {
    final = events.some((e) => e.type === 'shift.completed') ? 'planned-final' : 'W0';
    if (lockLeft) {
      const unlock = await ws.run(['unlock']);
      if (unlock.code !== 0 || !/Cleared traffic/.test(unlock.stdout)) problems.push(`unlock exited ${unlock.code}: ${unlock.stdout}${unlock.stderr}`);
    }
  }
  expected = final === 'W0' ? w0 : planned!.at(-1)!;

  // 3. At rest: nothing left running, Route 53 = var file = expected, clean plan, no operation/lock/drift.
  const settled = await settleProcesses(ws.dir);
  phases.settled = Date.now() - spawnedAt;
  problems.push(...(await restingProblems(ws, expected)));
  phases.checked = Date.now() - spawnedAt;
  const samples = await sampler.stop();
  const verdict = judgeSamples(samples, t.planned);
  for (const v of verdict.violations) problems.push(`Route 53 sample outside the plan at +${v.at - t0} ms: ${showWeights(v.weights)}`);
  if (verdict.readErrors > 0) problems.push(`${verdict.readErrors} samples could not be read`);
  if (events.length > 0 && new Set(events.map((e) => e.op)).size > 1) problems.push(`more than one operation in one trial: ${[...new Set(events.map((e) => e.op))].join(', ')}`);

  const result: TrialResult = {
    trial: index + 1,
    lane: lane.index,
    delayMs: plan.delayMs,
    landing,
    action,
    from,
    to,
    killExit,
    liveStepAtKill: liveStep,
    finishExit,
    final,
    orphanAtKill,
    orphanWaitMs: settled.waitedMs,
    leakedPlugins: settled.leakedPlugins,
    phases,
    samples: verdict.samples,
    seen: verdict.seen,
    emulatorArtefacts: verdict.emulatorArtefacts.length,
    problems,
    ms: Date.now() - t0,
  };
  results.push(result);
  console.log(
    `[chaos] kill-9 trial ${index + 1}/${TRIALS} (lane ${lane.index}): kill at ${plan.delayMs} ms -> ${landing} (Route 53 at W${liveStep}); ${action}` +
      `${finishExit === null ? '' : ` exit ${finishExit}`}; final ${final} ${showWeights(expected)}; ${verdict.samples} samples ${JSON.stringify(verdict.seen)}; ` +
      `${settled.leakedPlugins} leaked plugin(s); phases ${JSON.stringify(phases)}; ${problems.length} problem(s) in ${Math.round(result.ms / 1000)} s${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
  );
  // A lane with a problem is no longer a known starting point: stop it, keep the others going.
  if (problems.length > 0) lane.broken = problems[0];
}

describe(`kill -9 at random moments of a shift (${MODE} mode: ${TRIALS} trials, ${LANES} lane(s))`, () => {
  it('leaves a state that status explains and resume/abort ends cleanly, with Route 53 always at a planned map', { timeout: 4 * 3_600_000 }, async () => {
    const plans = trialPlans();
    await inLanes(lanes, plans, trial);

    const inconsistencies = results.reduce((n, r) => n + r.problems.length, 0);
    await recordScenario('kill-9', {
      title: 'kill -9 at random moments of a shift, then status + resume/abort',
      mode: MODE,
      seed,
      trials: results.length,
      planned: TRIALS,
      lanes: LANES,
      windowMs,
      calibration,
      outcomes: tally(results.map((r) => `${r.landing}/${r.action}`)),
      landings: tally(results.map((r) => r.landing)),
      route53AtKill: tally(results.map((r) => (r.liveStepAtKill >= 0 ? `W${r.liveStepAtKill}` : 'unplanned'))),
      actions: tally(results.map((r) => r.action)),
      faultsInjected: { 'kill -9': results.filter((r) => r.killExit === 137).length },
      orphanedTerraform: results.filter((r) => r.orphanAtKill).length,
      leakedProviderPlugins: results.reduce((n, r) => n + r.leakedPlugins, 0),
      samples: results.reduce((n, r) => n + r.samples, 0),
      emulatorArtefacts: results.reduce((n, r) => n + r.emulatorArtefacts, 0),
      inconsistencies: inconsistencies + (calibration?.problems.length ?? 0),
      wallTimeMs: Date.now() - started,
      details: results.sort((a, b) => a.trial - b.trial),
    });

    expect(calibration?.problems ?? [], 'the calibration shift').toEqual([]);
    expect(results.length, `trials run (a lane stops at its first problem): ${lanes.map((l) => l.broken).filter(Boolean).join('; ')}`).toBe(TRIALS);
    expect(results.flatMap((r) => r.problems.map((p) => `trial ${r.trial} (${r.landing}, ${r.action}): ${p}`))).toEqual([]);
  });
});
