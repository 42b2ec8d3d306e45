/** The shift with a real GateRunner: a metric gate is skipped before the target has weight and fails closed after. */
import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../../../src/config/schema.js';
import { GateRunner } from '../../../../src/core/gates/index.js';
import { runShift, ShiftEvent } from '../../../../src/core/shift/index.js';
import { FakeClock, FakeCloudWatch } from '../../../_helpers/fakes.js';
import { harness, request } from './harness.js';

const START = { 'cluster-a': 100, 'cluster-b': 0 };
const metricGate = (extra: Record<string, unknown> = {}) =>
  gateSchema.parse({
    type: 'metric',
    namespace: 'AWS/NetworkELB',
    errors: { metricName: 'Typo5xx', dimensions: { LoadBalancer: '{cluster}' } },
    total: { metricName: 'TypoRequests', dimensions: { LoadBalancer: '{cluster}' } },
    maxRatio: 0.01,
    ...extra,
  });

function setup(extra: Record<string, unknown> = {}) {
  const cloudwatch = new FakeCloudWatch(); // no data points at all: a metric that does not exist
  const gates = new GateRunner({ gates: [metricGate(extra)], clock: new FakeClock(), gateErrorLimit: 2, cloudwatch });
  const h = harness({ weights: START, assumeYes: true, gates: gates as never });
  return { h, cloudwatch };
}

describe('metric gate in a shift', () => {
  it('pre-flight of a cluster at 0 is skipped; once it has weight, no data errors and rolls back after gateErrorLimit', async () => {
    const { h, cloudwatch } = setup();
    const outcome = await runShift(h.deps, request({ step: 50 }));
    expect(outcome).toMatchObject({ kind: 'rolled-back', cause: 'gate', weights: START });
    const shown = h.io.viewsOf('gates').map((v) => v.results.map((r) => r.outcome));
    expect(shown[0]).toEqual(['skipped']);
    expect(shown.at(-1)).toEqual(['fail']);
    if (outcome.kind === 'rolled-back') expect(outcome.reason).toMatch(/3 errors in a row \(limit 2\): no data/);
    // Only queried once the target had weight (2 sums per check, 3 checks during the bake of step 1).
    expect(cloudwatch.queries).toHaveLength(6);
    expect(h.state.ofType(ShiftEvent.stepBaked)).toEqual([]);
  });

  it('noData: pass lets a quiet service through', async () => {
    const { h } = setup({ noData: 'pass' });
    const outcome = await runShift(h.deps, request({ step: 50 }));
    expect(outcome).toMatchObject({ kind: 'completed', weights: { 'cluster-a': 0, 'cluster-b': 100 } });
  });
});
