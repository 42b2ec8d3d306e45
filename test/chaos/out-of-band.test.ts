/**
 * Chaos: another writer changes the Route 53 weights during a bake. The integration test
 * (test/integration/shift/shift-fail-closed.test.ts) makes one fixed change right after step 1;
 * here each trial draws, from the seeded RNG, which bake (step 1's, or the last one before the
 * shift would complete), when inside it (5-75% of the bake after the step's "applied" line, the readiness
 * signal), and what the other writer sets (both records to another split, or one record only, in
 * either order). Then:
 *
 *  - the shift holds: exit 6, "someone else changed the live weights" on stderr, the journal ends
 *    with `shift.held` (reason `out-of-band-change`, the expected map = the step's), no step after;
 *  - nothing is overwritten: from the other writer's last call until the operator's forced abort,
 *    every Route 53 sample (every 200 ms, straight from the emulator) is the other writer's map,
 *    and before their first call every sample is one of the planned W0..Wn;
 *  - `status -o json` shows the operation held with a `next` sentence; `shift resume --yes` holds
 *    again (exit 6) and writes nothing;
 *  - `shift abort --force --yes` (the documented way to overwrite, after a typed confirmation that
 *    --yes answers) puts W0 back (exit 5), at rest: Route 53 = var file = W0, clean plan, no
 *    operation, lock or drift.
 *
 * A negative control shows the overwrite judge catches a writer that puts a planned map back over
 * the other writer's.
 *
 * Short mode: 1 trial; full mode: 6 (knobs: CURVECTL_CHAOS_OOB_TRIALS, CURVECTL_CHAOS_SEED).
 */
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
  recordScenario,
  restingProblems,
  sameWeights,
  seededRandom,
  seedWeights,
  showWeights,
  sleep,
  tally,
  WeightSampler,
  type Sample,
  type Weights,
} from './_support.js';

const TRIALS = knob('CURVECTL_CHAOS_OOB_TRIALS', 1, 6);
if (TRIALS > 20) throw new Error('CURVECTL_CHAOS_OOB_TRIALS: at most 20 (one workspace takes 20 fresh trials)');
/** The bake (>= the workspace's TTL of 5 s, so no --allow-short-bake): long enough to land inside it, short enough to be cheap. */
const BAKE_MS = 10_000;

type JournalEntry = { at: string; op: string; type: string; data?: Record<string, unknown> };

interface Injection {
  /** Whose bake: step 1's or the last step's (2). */
  readonly step: 1 | 2;
  /** ms after that step was applied (its "Step N/M applied" line: the bake's start). */
  readonly delayMs: number;
  /** The records the other writer changes, in order, with their weights. */
  readonly writes: readonly [string, number][];
}

/** The times that split a trial's samples: before the other writer, during their writes, theirs until the forced abort. */
interface Marks {
  readonly injectedAt: number;
  readonly theirsDoneAt: number;
  readonly until: number;
}

/**
 * The "nothing overwritten" judge: every sample taken from the other writer's last call until
 * `until` holds their map; during their calls, each record has either the step's weight or theirs.
 */
function overwriteProblems(samples: readonly Sample[], marks: Marks, here: Weights, theirs: Weights): string[] {
  const problems: string[] = [];
  for (const s of samples) {
    if (!s.weights || s.at < marks.injectedAt || s.at >= marks.until) continue;
    if (s.at >= marks.theirsDoneAt) {
      if (!sameWeights(s.weights, theirs)) problems.push(`Route 53 at +${s.at - marks.theirsDoneAt} ms after the other writer: ${showWeights(s.weights)}, not theirs (${showWeights(theirs)})`);
    } else {
      const names = new Set([...Object.keys(here), ...Object.keys(s.weights)]);
      if (![...names].every((n) => s.weights![n] === here[n] || s.weights![n] === theirs[n])) problems.push(`Route 53 during the other writer's calls: ${showWeights(s.weights)}, neither the step's nor theirs`);
    }
  }
  return problems;
}

interface TrialResult {
  readonly trial: number;
  readonly injection: Injection;
  readonly theirs: Weights;
  /** bake: held by the bake's watch; next-step: the bake had ended and the next step's compare held it; other. */
  readonly landing: 'bake' | 'next-step' | 'other';
  readonly exit: number;
  readonly resumeExit: number;
  readonly abortExit: number;
  readonly samples: number;
  readonly seen: Record<string, number>;
  /** ms from the other writer's last call to the `shift.held` event. */
  readonly heldAfterMs: number | null;
  readonly problems: string[];
  readonly ms: number;
}

const startedAt = Date.now();
const seed = chaosSeed('out-of-band');
const random = seededRandom(seed);
let emulator: Emulator;
let ws: Workspace;
const fresh = new FreshTrials();
const results: TrialResult[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('oob.test');
  ws = await createWorkspace({ emulator, zone: 'oob.test' });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await recordScenario('out-of-band', {
    title: 'another writer changes the weights during a bake',
    mode: MODE,
    seed,
    trials: results.length,
    outcomes: tally(results.map((r) => `held in the ${r.landing === 'bake' ? `bake of step ${r.injection.step}` : r.landing} (exit ${r.exit})`)),
    faultsInjected: { 'out-of-band change': results.length },
    samples: results.reduce((n, r) => n + r.samples, 0),
    inconsistencies: results.reduce((n, r) => n + r.problems.length, 0),
    wallTimeMs: Date.now() - startedAt,
    details: results,
  }).catch(() => undefined);
  if (ws) {
    await killProcessesIn(ws.dir);
    await ws.cleanup();
  }
  await emulator?.stop();
});

function drawInjection(here: Weights, planned: readonly Weights[], from: string, to: string): { injection: Omit<Injection, 'step'>; theirs: Weights } {
  const used = new Set(planned.map((w) => w[to]));
  let b: number;
  do b = 1 + Math.floor(random() * 98);
  while (used.has(b) || used.has(100 - b));
  const kind = random();
  const writes: [string, number][] =
    kind < 0.4 ? [[to, b], [from, 100 - b]] : kind < 0.8 ? [[from, 100 - b], [to, b]] : [[to, b]]; // both (either order), or one record only
  const theirs: Weights = { ...here, ...Object.fromEntries(writes) };
  return { injection: { delayMs: Math.round(BAKE_MS * (0.05 + 0.7 * random())), writes }, theirs };
}

/** Waits for curvectl's "Step N/M applied" line (the bake starts then); false if the shift ended first. */
async function waitForApplied(step: number, child: { exitCode: number | null; output(): { stderr: string } }): Promise<boolean> {
  const deadline = Date.now() + 300_000;
  const line = new RegExp(`Step ${step}/\\d+ applied`);
  for (;;) {
    if (line.test(child.output().stderr)) return true;
    if (child.exitCode !== null) return false;
    if (Date.now() > deadline) throw new Error('no readiness signal within 300 s');
    await sleep(25);
  }
}

async function trial(index: number): Promise<TrialResult> {
  const t0 = Date.now();
  const problems: string[] = [];
  const t = fresh.next();
  const step: 1 | 2 = random() < 0.5 ? 1 : 2;
  const here = t.planned[step]!;
  const { injection: drawn, theirs } = drawInjection(here, t.planned, t.from, t.to);
  const injection: Injection = { step, ...drawn };
  await ws.configure([[['gates'], []]]);
  await seedWeights(ws, t.w0);
  const before = (await ws.journal()).length;
  const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();
  try {
    const child = ws.spawn([...t.shiftArgs, '--bake', `${BAKE_MS / 1000}s`, '--yes']);
    const code = exited(child);
    // The bake starts when the step is applied (Route 53 INSYNC and read back), which curvectl says on
    // stderr (the bake starts there; shift.step.done is journaled just before it).
    const applied = await waitForApplied(step, child);
    if (!applied) throw new Error(`the shift ended before step ${step} was applied (exit ${await code}): ${child.output().stderr}`);
    await sleep(injection.delayMs); // the fault's own timing, drawn inside the bake; not a wait for readiness
    const injectedAt = Date.now();
    for (const [cluster, weight] of injection.writes) await ws.setLiveWeight(cluster, weight);
    const theirsDoneAt = Date.now();
    const exit = await code;
    const { stderr } = child.output();

    const events = (await ws.journal()).slice(before);
    const held = events.find((e) => e.type === 'shift.held');
    const bakedAfter = events.some((e) => e.type === 'shift.step.baked' && e.data?.index === step);
    const landing: TrialResult['landing'] = !held ? 'other' : bakedAfter ? 'next-step' : 'bake';
    if (exit !== 6) problems.push(`the shift exited ${exit}, not 6: ${stderr.trim()}`);
    if (!/someone else changed the live weights/.test(stderr)) problems.push(`stderr does not say someone else changed the live weights: ${stderr.trim()}`);
    if (events.at(-1)?.type !== 'shift.held' || held?.data?.reason !== 'out-of-band-change') problems.push(`the journal does not end with shift.held (out-of-band-change): ${JSON.stringify(events.at(-1))}`);
    if (held && !sameWeights(held.data?.expected as Weights, here)) problems.push(`the hold expected ${showWeights(held.data?.expected as Weights)}, not step ${step}'s ${showWeights(here)}`);
    const first = injection.writes[0]!;
    if (held && (held.data?.weights as Weights | undefined)?.[first[0]] !== first[1]) problems.push(`the hold reports ${showWeights(held.data?.weights as Weights)}, without the other writer's ${first[0]}=${first[1]}`);
    const intents = events.filter((e) => e.type === 'shift.step.intent').length;
    if (landing === 'bake' && intents !== step) problems.push(`${intents} step(s) started, expected ${step}: a step after the change`);
    if (events.some((e) => e.type === 'shift.completed' || e.type.startsWith('shift.rollback'))) problems.push('the shift completed or rolled back over the other writer');

    // The next commands report honestly and write nothing.
    const status = await ws.run(['status', '-o', 'json']);
    if (status.code !== 0) problems.push(`status -o json exited ${status.code}: ${status.stderr}`);
    else {
      const o = (JSON.parse(status.stdout) as { operation: { state: string; next: string | null } | null }).operation;
      if (o?.state !== 'held' || !/curvectl shift/.test(o.next ?? '')) problems.push(`status does not show the hold with a next step: ${JSON.stringify(o)}`);
    }
    const resume = await ws.run(['shift', 'resume', '--yes']);
    if (resume.code !== 6) problems.push(`shift resume --yes exited ${resume.code}, not 6: ${resume.stderr.trim()}`);
    const live = await ws.liveWeights();
    if (!sameWeights(live, theirs)) problems.push(`after the hold and a resume Route 53 has ${showWeights(live)}, not the other writer's ${showWeights(theirs)}`);
    const until = Date.now();

    // The documented way to overwrite, so the workspace is at rest again.
    const abort = await ws.run(['shift', 'abort', '--force', '--yes']);
    if (abort.code !== 5) problems.push(`shift abort --force --yes exited ${abort.code}, not 5: ${abort.stderr.trim()}`);
    problems.push(...(await restingProblems(ws, t.w0)));

    const samples = await sampler.stop();
    const marks: Marks = { injectedAt, theirsDoneAt, until };
    const beforeThem = judgeSamples(samples.filter((s) => s.at < injectedAt), t.planned);
    for (const v of beforeThem.violations) problems.push(`Route 53 sample outside the plan before the other writer, at +${v.at - t0} ms: ${showWeights(v.weights)}`);
    problems.push(...overwriteProblems(samples, marks, here, theirs));
    if (!samples.some((s) => s.at >= theirsDoneAt && s.at < until)) problems.push('no Route 53 sample between the other writer and the abort');
    const heldAt = held ? Date.parse(held.at) : NaN;
    const result: TrialResult = {
      trial: index + 1,
      injection,
      theirs,
      landing,
      exit,
      resumeExit: resume.code,
      abortExit: abort.code,
      samples: samples.length,
      seen: judgeSamples(samples, [...t.planned, theirs]).seen,
      heldAfterMs: Number.isFinite(heldAt) ? heldAt - theirsDoneAt : null,
      problems,
      ms: Date.now() - t0,
    };
    console.log(
      `[chaos] out-of-band trial ${index + 1}/${TRIALS}: bake of step ${step}, +${injection.delayMs} ms, ${injection.writes.map(([c, w]) => `${c}=${w}`).join(' then ')} -> ` +
        `held in ${landing} (exit ${exit}, ${result.heldAfterMs} ms after); resume ${resume.code}; abort --force ${abort.code}; ${samples.length} samples ${JSON.stringify(result.seen)}; ` +
        `${problems.length} problem(s) in ${Math.round(result.ms / 1000)} s${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
    );
    return result;
  } finally {
    await sampler.stop();
  }
}

describe(`another writer changes the weights during a bake (${MODE} mode: ${TRIALS} trial(s))`, () => {
  it('holds (exit 6, shift.held out-of-band-change) and Route 53 keeps the other writer\'s weights', { timeout: 3_600_000 }, async () => {
    for (let i = 0; i < TRIALS; i += 1) {
      const r = await trial(i);
      results.push(r);
      if (r.problems.length > 0) break; // the workspace is no longer a known starting point
    }
    expect(results.flatMap((r) => r.problems.map((p) => `trial ${r.trial} (bake of step ${r.injection.step}, +${r.injection.delayMs} ms): ${p}`))).toEqual([]);
    expect(results).toHaveLength(TRIALS);
  });

  it('negative control: the judge catches a writer that puts a planned map back over the other writer\'s', async () => {
    const here = await ws.liveWeights();
    const names = Object.keys(here).sort();
    const theirs: Weights = { ...here, [names[1]!]: here[names[1]!]! + 1 };
    const sampler = new WeightSampler(() => ws.liveWeights(), 100).start();
    const seenNow = async (w: Weights) => {
      const from = Date.now();
      while (!sampler.samples.some((s) => s.at >= from && s.weights && sameWeights(s.weights, w)) && Date.now() - from < 30_000) await sleep(50);
    };
    const injectedAt = Date.now();
    await ws.setLiveWeight(names[1]!, theirs[names[1]!]!);
    const theirsDoneAt = Date.now();
    await seenNow(theirs);
    // What a shift that did not watch Route 53 would do: write its planned map over theirs.
    await ws.setLiveWeight(names[1]!, here[names[1]!]!);
    await seenNow(here);
    const samples = await sampler.stop();
    const problems = overwriteProblems(samples, { injectedAt, theirsDoneAt, until: Date.now() }, here, theirs);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/not theirs/);
    // And without the overwrite the same judge is quiet.
    expect(overwriteProblems(samples.filter((s) => s.at < theirsDoneAt || (s.weights && sameWeights(s.weights, theirs))), { injectedAt, theirsDoneAt, until: Date.now() }, here, theirs)).toEqual([]);
    expect(await ws.liveWeights()).toEqual(here);
  });
});
