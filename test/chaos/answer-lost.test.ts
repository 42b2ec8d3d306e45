/**
 * Chaos: "applied, but the answer was lost". curvectl's Route 53 calls go through the recording
 * proxy (Terraform stays on the emulator, as in faulty-aws.test.ts); the proxy FORWARDS the first
 * ChangeResourceRecordSets of step 1 (the emulator really applies it) and then answers the client
 * with a 500 InternalFailure, or drops the connection. The SDK retries the same batch (which Route 53
 * refuses: its DELETEs no longer match), and curvectl must recognise its own change from Route 53 and
 * go on: exit 0, every step applied once, no rollback, no inconsistency, Route 53 only ever at the
 * planned maps.
 *
 * Short mode and full mode: one trial per kind (500, dropped connection) in one workspace.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChangeResourceRecordSets, parseRoute53Changes, startAwsProxy, type AwsProxy } from '../_helpers/aws-proxy.js';
import { createClusters, createWorkspace, type Workspace } from '../_helpers/cli.js';
import { startEmulator, type Emulator } from '../_helpers/emulator.js';
import { FreshTrials, judgeSamples, MODE, recordScenario, restingProblems, seedWeights, terraformWithout, WeightSampler } from './_support.js';

let emulator: Emulator;
let proxy: AwsProxy;
let ws: Workspace;
const trials = new FreshTrials();
const results: Record<string, unknown>[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  proxy = await startAwsProxy({ target: emulator.endpoint });
  ws = await createWorkspace({ emulator });
  const binary = await terraformWithout(path.join(ws.dir, '.chaos-bin'), ['AWS_ENDPOINT_URL_ROUTE_53']);
  await ws.configure([[['terraform', 'binary'], binary]]);
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await recordScenario('answer-lost', {
    title: 'applied, but the answer was lost',
    mode: MODE,
    trials: results.length,
    outcomes: { completed: results.filter((r) => r.exit === 0).length, other: results.filter((r) => r.exit !== 0).length },
    faultsInjected: results.length,
    inconsistencies: results.reduce((n, r) => n + Number(r.violations ?? 0), 0),
    wallTimeMs: Date.now() - startedAt,
    details: results,
  }).catch(() => undefined);
  await ws?.cleanup();
  await proxy?.close();
  await emulator?.stop();
});

describe.each(['500', 'drop'] as const)('the answer to step 1 is lost (%s)', (kind) => {
  it('recognises its own change and completes: no double apply, no rollback, only planned maps', async () => {
    const trial = trials.next();
    await seedWeights(ws, trial.w0);
    const before = (await ws.journal()).length;
    proxy.clear();
    let lost = 0;
    proxy.intercept((r) => {
      if (lost === 0 && isChangeResourceRecordSets(r) && r.body.includes('curvectl:')) {
        lost += 1;
        return { forwardThenLose: kind };
      }
      return undefined;
    });
    const sampler = new WeightSampler(() => ws.liveWeights());
    sampler.start();
    let result;
    try {
      result = await ws.run([...trial.shiftArgs, '--bake', '0s', '--allow-short-bake', '--yes'], { env: { AWS_ENDPOINT_URL_ROUTE_53: proxy.url } });
    } finally {
      await sampler.stop();
      proxy.intercept(undefined);
    }
    const events = (await ws.journal()).slice(before);
    const writes = proxy.requests.filter((r) => isChangeResourceRecordSets(r) && r.body.includes('curvectl:'));
    const applied = writes.filter((r) => (r.forwardedStatus ?? r.status) === 200);
    const verdict = judgeSamples(sampler.samples, trial.planned);
    results.push({ kind, exit: result.code, writes: writes.map((w) => [w.injected ?? 'forwarded', w.forwardedStatus ?? w.status]), samples: sampler.samples.length, violations: verdict.violations.length });

    expect(lost, 'the fault was injected').toBe(1);
    expect(writes[0]!.injected).toBe(kind === '500' ? 'lost-500' : 'lost-drop');
    expect(writes[0]!.forwardedStatus, 'the emulator really applied it').toBe(200);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/the change went through/);
    // Each planned step reached Route 53 exactly once with a 200: the lost one, then step 2.
    const targets = applied.map((r) => Object.fromEntries(parseRoute53Changes(r.body).filter((c) => c.action === 'CREATE').map((c) => [c.setIdentifier, c.weight])));
    expect(targets).toEqual(trial.planned.slice(1));
    expect(events.map((e) => e.type)).not.toContain('shift.rollback.started');
    expect(events.at(-1)?.type).toBe('shift.completed');
    expect(verdict.violations).toEqual([]);
    expect(await restingProblems(ws, trial.planned.at(-1)!)).toEqual([]);
  });
});
