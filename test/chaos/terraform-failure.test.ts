/**
 * Chaos 2: Terraform fails on the Nth apply of the traffic stack.
 *
 * terraform.binary is the recording wrapper of test/_helpers/terraform-wrapper.ts with a rule that
 * re-arms itself on every `apply` in the traffic stack, counts them, and fails the ones chosen:
 *  - before: terraform exits 1 without running, like a provider, credentials or state-lock error;
 *  - after: the real apply runs (and writes its state) and THEN terraform exits 1, like a crash or
 *    a timeout after the change went out.
 * Counting starts at the shift (the cluster creates' applies are not counted), so apply 1 is step 1,
 * apply 2 is step 2, and the apply after a failed step is the rollback's reconciling apply.
 *
 * Each variant starts from fresh weights (FreshTrials in _support.ts) and shifts in two steps.
 * Every variant must roll back (exit 1, cause apply) and reconcile: Route 53 = var file = W0, a
 * clean `terraform plan`, no operation, lock or drift; Route 53 sampled every 200 ms never leaves
 * the planned W0..Wn. When the reconciling apply fails too, the rollback stops with Route 53 already
 * back at W0 (exit 1); `status` must say to run `shift abort`, and `shift abort --yes` (exit 5) must
 * finish it without touching Route 53 again.
 *
 * Short mode: apply 1 fails before running, apply 2 fails after running. Full mode adds the other
 * two of N = 1, 2 x before/after, and "apply 2 and the reconciling apply 3 fail".
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import { createTerraformWrapper, type TerraformWrapper } from '../_helpers/terraform-wrapper.js';
import {
  FreshTrials,
  inLanes,
  seedWeights,
  judgeSamples,
  killProcessesIn,
  knob,
  MODE,
  plannedStates,
  recordScenario,
  restingProblems,
  sameWeights,
  settleProcesses,
  showWeights,
  tally,
  WeightSampler,
} from './_support.js';

interface Variant {
  /** Which applies of the traffic stack fail, counted from the start of the shift (1 = step 1). */
  readonly fail: readonly number[];
  readonly when: 'before' | 'after';
}

const SHORT: Variant[] = [
  { fail: [1], when: 'before' },
  { fail: [2], when: 'after' },
];
const FULL: Variant[] = [
  { fail: [1], when: 'before' },
  { fail: [1], when: 'after' },
  { fail: [2], when: 'before' },
  { fail: [2], when: 'after' },
  { fail: [2, 3], when: 'before' },
];
const VARIANTS = MODE === 'full' ? FULL : SHORT;
const LANES = Math.max(1, Math.min(VARIANTS.length, knob('CURVECTL_CHAOS_TF_LANES', 1, 2)));

interface Lane {
  readonly index: number;
  readonly ws: Workspace;
  readonly fresh: FreshTrials;
  readonly wrapper: TerraformWrapper;
  readonly wrapperDir: string;
  broken?: string;
}

interface VariantResult {
  readonly variant: string;
  readonly lane: number;
  readonly exit: number;
  readonly outcome: string;
  /** Applies of the traffic stack during the variant (including the reconciling ones). */
  readonly applies: number;
  readonly failedApplies: number;
  readonly abortExit: number | null;
  readonly samples: number;
  readonly seen: Record<string, number>;
  readonly problems: string[];
  readonly ms: number;
}

const started = Date.now();
let emulator: Emulator;
const lanes: Lane[] = [];
const results: VariantResult[] = [];

const label = (v: Variant) => `apply ${v.fail.join('+')} fails ${v.when} running`;

beforeAll(async () => {
  emulator = await startEmulator();
  await Promise.all(
    Array.from({ length: LANES }, async (_, index) => {
      const zone = `tf${index}.test`;
      await emulator.createHostedZone(zone);
      const ws = await createWorkspace({ emulator, zone });
      const wrapperDir = path.join(ws.dir, '.chaos-terraform');
      const wrapper = await createTerraformWrapper(wrapperDir);
      await ws.configure([[['terraform', 'binary'], wrapper.binary]]);
      await createClusters(ws, ['cluster-a', 'cluster-b']);
      lanes.push({ index, ws, fresh: new FreshTrials(), wrapper, wrapperDir });
    }),
  );
  lanes.sort((a, b) => a.index - b.index);
});

afterAll(async () => {
  for (const lane of lanes) {
    await killProcessesIn(lane.ws.dir);
    await lane.ws.cleanup();
  }
  await emulator?.stop();
});

/** The self-re-arming rule: sourced by the wrapper's /bin/sh with $dir, $rule, "$@" in scope. */
function rule(lane: Lane, variant: Variant): string {
  const fail = variant.when === 'after' ? `'${lane.wrapper.real}' "$@"; ` : '';
  return [
    'n=$(( $(cat "$dir/chaos-applies" 2>/dev/null || echo 0) + 1 ))',
    'echo "$n" > "$dir/chaos-applies"',
    'cp "$rule.used" "$rule.tmp" && mv "$rule.tmp" "$rule"',
    `case " ${variant.fail.join(' ')} " in`,
    `  *" $n "*) echo "$n" >> "$dir/chaos-failed"; ${fail}echo "Error: apply $n of the traffic stack failed (injected by the chaos test, ${variant.when} running)" >&2; exit 1 ;;`,
    'esac',
  ].join('\n');
}

async function countLines(file: string): Promise<number> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

async function runVariant(lane: Lane, variant: Variant): Promise<void> {
  if (lane.broken) return;
  const { ws, wrapper, wrapperDir } = lane;
  const t0 = Date.now();
  const problems: string[] = [];
  const t = lane.fresh.next();
  await seedWeights(ws, t.w0);
  const w0 = t.w0;
  const before = (await ws.journal()).length;
  await writeFile(path.join(wrapperDir, 'chaos-applies'), '0\n');
  await rm(path.join(wrapperDir, 'chaos-failed'), { force: true });
  await wrapper.once('traffic', 'apply', rule(lane, variant));
  const sampler = new WeightSampler(() => ws.liveWeights(), 200).start();

  const shift = await ws.run([...t.shiftArgs, '--bake', '0s', '--allow-short-bake', '--yes']);
  let events = (await ws.journal()).slice(before);
  const journalled = plannedStates(events);
  if (JSON.stringify(journalled) !== JSON.stringify(t.planned)) problems.push(`the journal plans ${journalled?.map(showWeights).join(' -> ')}, not ${t.planned.map(showWeights).join(' -> ')}`);
  const planned = t.planned;
  let outcome = `exit ${shift.code}, ${events.at(-1)?.type}`;
  let abortExit: number | null = null;
  const firstLine = shift.stderr.split('\n').find((l) => l.startsWith('curvectl: ')) ?? '';

  const reconcileFails = variant.fail.includes(Math.min(...variant.fail) + 1);
  if (!shift.stderr.includes(`apply ${Math.min(...variant.fail)} of the traffic stack failed (injected`)) problems.push(`the failure reported is not the injected one: ${shift.stderr.slice(-1500)}`);
  if (shift.code !== 1) problems.push(`the shift exited ${shift.code}, expected 1 (rolled back after a failed apply): ${shift.stderr.slice(-1500)}`);
  if (!reconcileFails) {
    const last = events.at(-1);
    if (last?.type !== 'shift.rolled-back' || last.data?.cause !== 'apply' || last.data?.planClean !== true) {
      problems.push(`the journal does not end with a clean rollback (cause apply): ${JSON.stringify(last)}`);
    }
    outcome = 'rolled back (exit 1)';
  } else {
    // The rollback put Route 53 back, then its reconciling apply failed: an unfinished rollback.
    if (!/Route 53 is back at the starting weights/.test(firstLine)) problems.push(`the error does not say Route 53 is back: ${firstLine}`);
    if (!sameWeights(await ws.liveWeights(), w0)) problems.push(`Route 53 is not back at W0 after the failed reconcile: ${showWeights(await ws.liveWeights())}`);
    const status = JSON.parse((await ws.run(['status', '-o', 'json'])).stdout) as { operation: { rollingBack: boolean; next: string } | null };
    if (!status.operation?.rollingBack || !/shift abort/.test(status.operation.next)) {
      problems.push(`status does not show the unfinished rollback and what to do: ${JSON.stringify(status.operation)}`);
    }
    const abort = await ws.run(['shift', 'abort', '--yes']);
    abortExit = abort.code;
    if (abort.code !== 5) problems.push(`shift abort --yes exited ${abort.code}, expected 5: ${abort.stderr.slice(-1500)}`);
    events = (await ws.journal()).slice(before);
    const last = events.at(-1);
    if (last?.type !== 'shift.aborted' || last.data?.planClean !== true) problems.push(`the journal does not end with a clean abort: ${JSON.stringify(last)}`);
    const dns = events.filter((e) => e.type === 'shift.rollback.dns-done');
    if (dns.length !== 2 || dns[1]?.data?.skipped !== true) problems.push(`the abort changed Route 53 again: ${JSON.stringify(dns)}`);
    outcome = 'rollback stopped at the reconcile (exit 1), finished by shift abort (exit 5)';
  }

  await rm(path.join(wrapperDir, 'rules', 'traffic-apply'), { force: true });
  const applies = Number((await readFile(path.join(wrapperDir, 'chaos-applies'), 'utf8')).trim());
  const failedApplies = await countLines(path.join(wrapperDir, 'chaos-failed'));
  if (failedApplies !== variant.fail.length) problems.push(`${failedApplies} applies failed, expected ${variant.fail.length}`);

  await settleProcesses(ws.dir);
  problems.push(...(await restingProblems(ws, w0)));
  const samples = await sampler.stop();
  const verdict = judgeSamples(samples, planned);
  for (const v of verdict.violations) problems.push(`Route 53 sample outside the plan at +${v.at - t0} ms: ${showWeights(v.weights)}`);
  if (variant.when === 'after') {
    // The failed apply really changed Route 53 before the rollback took it back.
    const reached = planned[Math.min(...variant.fail)];
    if (reached && !verdict.seen[showWeights(reached)]) problems.push(`Route 53 was never seen at ${showWeights(reached)}: the "after" apply did not run`);
  }

  const result: VariantResult = {
    variant: label(variant),
    lane: lane.index,
    exit: shift.code,
    outcome,
    applies,
    failedApplies,
    abortExit,
    samples: verdict.samples,
    seen: verdict.seen,
    problems,
    ms: Date.now() - t0,
  };
  results.push(result);
  console.log(
    `[chaos] terraform-failure "${result.variant}" (lane ${lane.index}): ${outcome}; ${applies} applies, ${failedApplies} failed; ` +
      `${verdict.samples} samples ${JSON.stringify(verdict.seen)}; ${problems.length} problem(s) in ${Math.round(result.ms / 1000)} s` +
      `${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`,
  );
  if (problems.length > 0) lane.broken = problems[0];
}

describe(`terraform fails on the Nth apply of the traffic stack (${MODE} mode: ${VARIANTS.length} variants)`, () => {
  it('rolls back and reconciles: Route 53 = var file = W0, clean plan', { timeout: 4 * 3_600_000 }, async () => {
    await inLanes(lanes, VARIANTS, (lane, variant) => runVariant(lane, variant));

    const inconsistencies = results.reduce((n, r) => n + r.problems.length, 0);
    await recordScenario('terraform-failure', {
      title: 'terraform fails on the Nth apply of the traffic stack (before or after running it)',
      mode: MODE,
      trials: results.length,
      planned: VARIANTS.length,
      outcomes: tally(results.map((r) => r.outcome)),
      faultsInjected: { 'failed terraform apply': results.reduce((n, r) => n + r.failedApplies, 0) },
      applies: results.reduce((n, r) => n + r.applies, 0),
      samples: results.reduce((n, r) => n + r.samples, 0),
      inconsistencies,
      wallTimeMs: Date.now() - started,
      details: results,
    });

    expect(results.length, `variants run (a lane stops at its first problem): ${lanes.map((l) => l.broken).filter(Boolean).join('; ')}`).toBe(VARIANTS.length);
    expect(results.flatMap((r) => r.problems.map((p) => `${r.variant}: ${p}`))).toEqual([]);
  });
});
