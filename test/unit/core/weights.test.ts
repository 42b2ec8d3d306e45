import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import type { Weights } from '../../../src/core/ports.js';
import {
  assertValidWeights,
  formatDrift,
  formatWeights,
  isValidWeights,
  isWeightMap,
  planShift,
  sameWeights,
  weightDrift,
  weightProblems,
  weightsFromRecords,
} from '../../../src/core/weights.js';

// ---------------------------------------------------------------------------------------------
// Generators.

const clusterName = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);

/** A valid percent map: 2-8 clusters, integers adding up to 100 (some may be 0). */
const percentMap: fc.Arbitrary<Weights> = fc
  .uniqueArray(clusterName, { minLength: 2, maxLength: 8 })
  .chain((names) =>
    fc
      .array(fc.integer({ min: 0, max: 100 }), { minLength: names.length - 1, maxLength: names.length - 1 })
      .map((cuts) => {
        const sorted = [0, ...[...cuts].sort((a, b) => a - b), 100];
        return Object.fromEntries(names.map((name, i) => [name, (sorted[i + 1] ?? 0) - (sorted[i] ?? 0)]));
      }),
  );

interface Scenario {
  readonly current: Weights;
  readonly to: string;
  readonly step: number;
  readonly until: number;
  readonly from?: string;
}

/** A request planShift must accept. */
const scenario: fc.Arbitrary<Scenario> = percentMap.chain((current) => {
  const names = Object.keys(current);
  return fc.constantFrom(...names).chain((to) => {
    const start = current[to] ?? 0;
    const others = names.filter((n) => n !== to);
    return fc.record({
      current: fc.constant(current),
      to: fc.constant(to),
      step: fc.integer({ min: 1, max: 100 }),
      until: fc.integer({ min: start, max: 100 }),
      source: fc.option(fc.constantFrom(...others), { nil: undefined }),
    }).map(({ source, until, ...rest }) => {
      if (source === undefined) return { ...rest, until };
      // With --from, the target can reach at most what it has plus what the source has.
      return { ...rest, until: Math.min(until, start + (current[source] ?? 0)), from: source };
    });
  });
});

const plan = (s: Scenario): Weights[] =>
  planShift({ current: s.current, to: s.to, step: s.step, until: s.until, ...(s.from !== undefined ? { from: s.from } : {}) });

const sum = (w: Weights): number => Object.values(w).reduce((a, b) => a + b, 0);

function expectCurvectlError(fn: () => unknown, code: string, message?: RegExp): CurvectlError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    const e = err as CurvectlError;
    expect(e.code).toBe(code);
    if (message) expect(e.message).toMatch(message);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.hint).toBeTruthy();
    return e;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------
// Properties.

// CPU-bound (hundreds of generated plans each): on a loaded 2-CPU machine they outlast the 10 s unit
// default, so these get a minute; the number of runs, and every assertion, stay the same.
describe('planShift properties', { timeout: 60_000 }, () => {
  const runs = { numRuns: 500 };

  it('every step is a valid percent map over the same clusters: integers 0-255, sum 100, never all zero', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const w of plan(s)) {
          expect(Object.keys(w).sort()).toEqual(Object.keys(s.current).sort());
          for (const v of Object.values(w)) {
            expect(Number.isInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(255);
          }
          expect(sum(w)).toBe(100);
          expect(Object.values(w).some((v) => v > 0)).toBe(true);
          expect(isValidWeights(w)).toBe(true);
        }
      }),
      runs,
    );
  });

  it('the last step lands exactly on `until` for the target; an empty plan only when it already has it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const steps = plan(s);
        if ((s.current[s.to] ?? 0) === s.until) expect(steps).toEqual([]);
        else expect(steps[steps.length - 1]?.[s.to]).toBe(s.until);
      }),
      runs,
    );
  });

  it('the target gains between 1 and `step` points per step, and the number of steps is the least possible', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const steps = plan(s);
        let previous = s.current;
        for (const w of steps) {
          const gain = (w[s.to] ?? 0) - (previous[s.to] ?? 0);
          expect(gain).toBeGreaterThanOrEqual(1);
          expect(gain).toBeLessThanOrEqual(s.step);
          previous = w;
        }
        expect(steps.length).toBe(Math.ceil((s.until - (s.current[s.to] ?? 0)) / s.step));
      }),
      runs,
    );
  });

  it('no other cluster ever gains weight, and with --from only the source loses any', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let previous = s.current;
        for (const w of plan(s)) {
          for (const name of Object.keys(w)) {
            if (name === s.to) continue;
            expect(w[name]).toBeLessThanOrEqual(previous[name] ?? 0);
            if (s.from !== undefined && name !== s.from) expect(w[name]).toBe(s.current[name]);
          }
          previous = w;
        }
      }),
      runs,
    );
  });

  it('without --from, each step takes from the others in proportion (each share within 1 point of exact)', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.from === undefined),
        (s) => {
          let previous = s.current;
          for (const w of plan(s)) {
            const delta = (w[s.to] ?? 0) - (previous[s.to] ?? 0);
            const othersTotal = 100 - (previous[s.to] ?? 0);
            for (const name of Object.keys(w)) {
              if (name === s.to) continue;
              const taken = (previous[name] ?? 0) - (w[name] ?? 0);
              const exact = (delta * (previous[name] ?? 0)) / othersTotal;
              expect(Math.abs(taken - exact)).toBeLessThan(1);
            }
            previous = w;
          }
        },
      ),
      runs,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(plan(s)).toEqual(plan(s));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses (never returns an invalid plan) for any `until` below the target weight', () => {
    fc.assert(
      fc.property(
        percentMap.chain((current) =>
          fc.constantFrom(...Object.keys(current).filter((n) => (current[n] ?? 0) > 0)).chain((to) =>
            fc.record({ current: fc.constant(current), to: fc.constant(to), until: fc.integer({ min: 0, max: (current[to] ?? 1) - 1 }) }),
          ),
        ),
        fc.integer({ min: 1, max: 100 }),
        ({ current, to, until }, step) => {
          expectCurvectlError(() => planShift({ current, to, step, until }), 'REFUSED', /only moves traffic towards/);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Examples.

describe('planShift examples', () => {
  it('90/10 in steps of 45 to 100: 45/55 then 0/100', () => {
    expect(planShift({ current: { 'cluster-a': 90, 'cluster-b': 10 }, to: 'cluster-b', step: 45, until: 100 })).toEqual([
      { 'cluster-a': 45, 'cluster-b': 55 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
  });

  it('a last step smaller than `step` lands exactly (the step arithmetic that never reaches 100, flagger#189)', () => {
    const steps = planShift({ current: { blue: 100, green: 0 }, to: 'green', step: 30, until: 100 });
    expect(steps.map((w) => w.green)).toEqual([30, 60, 90, 100]);
  });

  it('stops at `until` below 100', () => {
    const steps = planShift({ current: { blue: 100, green: 0 }, to: 'green', step: 20, until: 50 });
    expect(steps).toEqual([
      { blue: 80, green: 20 },
      { blue: 60, green: 40 },
      { blue: 50, green: 50 },
    ]);
  });

  it('takes proportionally with largest remainder: 3 clusters', () => {
    // 10 points from a 60/30 split: 6.67 / 3.33 -> 7 / 3
    const steps = planShift({ current: { a1: 60, b1: 30, c1: 10 }, to: 'c1', step: 10, until: 20 });
    expect(steps).toEqual([{ a1: 53, b1: 27, c1: 20 }]);
  });

  it('breaks equal remainders by the larger weight then the name, deterministically', () => {
    // 1 point from 50/50: remainders tie, weights tie -> by name
    expect(planShift({ current: { aa: 0, xb: 50, xc: 50 }, to: 'aa', step: 1, until: 1 })).toEqual([{ aa: 1, xb: 49, xc: 50 }]);
  });

  it('takes only from --from', () => {
    const steps = planShift({ current: { a1: 50, b1: 30, c1: 20 }, to: 'c1', step: 25, until: 70, from: 'a1' });
    expect(steps).toEqual([
      { a1: 25, b1: 30, c1: 45 },
      { a1: 0, b1: 30, c1: 70 },
    ]);
  });

  it('returns no steps when the target already has `until`', () => {
    expect(planShift({ current: { a1: 0, b1: 100 }, to: 'b1', step: 10, until: 100 })).toEqual([]);
  });

  it('never plans all zeros even when the source empties: the target holds the traffic', () => {
    const steps = planShift({ current: { a1: 100, b1: 0 }, to: 'b1', step: 100, until: 100 });
    expect(steps).toEqual([{ a1: 0, b1: 100 }]);
  });
});

describe('planShift refusals', () => {
  const current = { 'cluster-a': 90, 'cluster-b': 10 };

  it('unknown --to', () => {
    expectCurvectlError(() => planShift({ current, to: 'cluster-c', step: 10, until: 100 }), 'BAD_INPUT', /no weighted record/);
  });

  it('invalid --to name', () => {
    expectCurvectlError(() => planShift({ current, to: 'Cluster_C', step: 10, until: 100 }), 'BAD_INPUT', /not a valid/);
  });

  it('unknown --from', () => {
    expectCurvectlError(() => planShift({ current, to: 'cluster-b', from: 'cluster-z', step: 10, until: 100 }), 'BAD_INPUT', /cluster-z/);
  });

  it('--from equal to --to', () => {
    expectCurvectlError(() => planShift({ current, to: 'cluster-b', from: 'cluster-b', step: 10, until: 100 }), 'BAD_INPUT', /both name/);
  });

  it.each([0, -5, 101, 2.5, Number.NaN])('step %s', (step) => {
    expectCurvectlError(() => planShift({ current, to: 'cluster-b', step, until: 100 }), 'BAD_INPUT', /step/);
  });

  it.each([-1, 101, 50.5])('until %s', (until) => {
    expectCurvectlError(() => planShift({ current, to: 'cluster-b', step: 10, until }), 'BAD_INPUT', /target weight/);
  });

  it('until below the current weight: decreasing is not a shift towards it', () => {
    const e = expectCurvectlError(() => planShift({ current, to: 'cluster-a', step: 10, until: 50 }), 'REFUSED', /already has 90%/);
    expect(e.hint).toContain('curvectl shift --to cluster-b');
  });

  it('the only cluster', () => {
    expectCurvectlError(() => planShift({ current: { solo: 100 }, to: 'solo', step: 10, until: 100 }), 'REFUSED', /only cluster/);
  });

  it('--from without enough weight', () => {
    expectCurvectlError(
      () => planShift({ current: { a1: 80, b1: 10, c1: 10 }, to: 'c1', from: 'b1', step: 10, until: 100 }),
      'REFUSED',
      /has only 10%.*needs 90%/,
    );
  });

  it('current weights that do not add up to 100', () => {
    const e = expectCurvectlError(() => planShift({ current: { a1: 90, b1: 20 }, to: 'b1', step: 10, until: 100 }), 'REFUSED', /add up to 110, not 100/);
    expect(e.hint).toMatch(/add up to 100/);
  });

  it('all-zero current weights', () => {
    expectCurvectlError(() => planShift({ current: { a1: 0, b1: 0 }, to: 'b1', step: 10, until: 100 }), 'REFUSED', /every weight is 0/);
  });
});

describe('weight validation and helpers', () => {
  it('lists every problem', () => {
    expect(weightProblems({})).toEqual(['there are no weighted records']);
    expect(weightProblems({ a1: 256, b1: -1, c1: 1.5 })).toHaveLength(3);
    expect(weightProblems({ Bad_Name: 100 })[0]).toMatch(/not a valid cluster name/);
    expect(weightProblems({ a1: 0, b1: 0 })).toEqual(['every weight is 0 (Route 53 would then split traffic equally)']);
    expect(weightProblems({ a1: 200, b1: 55 }, { percent: false })).toEqual([]);
    expect(weightProblems({ a1: 200, b1: 55 })).toEqual(['the weights add up to 255, not 100']);
  });

  it('assertValidWeights throws REFUSED with a hint', () => {
    expect(() => assertValidWeights({ a1: 50 })).toThrow(/add up to 50/);
    expect(assertValidWeights({ a1: 50, b1: 50 })).toEqual({ a1: 50, b1: 50 });
  });

  it('sameWeights treats a missing cluster as different from weight 0', () => {
    expect(sameWeights({ a1: 100, b1: 0 }, { b1: 0, a1: 100 })).toBe(true);
    expect(sameWeights({ a1: 100, b1: 0 }, { a1: 100 })).toBe(false);
  });

  it('weightDrift lists each disagreement', () => {
    const drift = weightDrift({ a1: 90, b1: 10 }, { a1: 80, b1: 10, c1: 10 });
    expect(drift).toEqual([
      { cluster: 'a1', desired: 90, live: 80 },
      { cluster: 'c1', desired: undefined, live: 10 },
    ]);
    expect(formatDrift(drift)).toBe('a1 desired 90 live 80; c1 desired none live 10');
  });

  it('formatWeights is the one way weights become text: sorted, printable, in prose or compact', () => {
    const weights = { 'cluster-b': 10, 'cluster-a': 90 };
    expect(formatWeights(weights)).toBe('cluster-a 90, cluster-b 10');
    expect(formatWeights(weights, 'prose')).toBe('cluster-a 90, cluster-b 10');
    expect(formatWeights(weights, 'compact')).toBe('cluster-a=90 cluster-b=10');
    expect(formatWeights({})).toBe('no records');
    expect(formatWeights({}, 'compact')).toBe('no records');
    // A name read from state is shown escaped, never as raw control characters.
    expect(formatWeights({ 'a\u001b[2J': 1 }, 'compact')).not.toContain('\u001b');
  });

  it('isWeightMap accepts only an object of record weights', () => {
    expect(isWeightMap({ a1: 0, b1: 255 })).toBe(true);
    expect(isWeightMap({})).toBe(true);
    expect(isWeightMap({ a1: 1.5 })).toBe(false);
    expect(isWeightMap({ a1: 256 })).toBe(false);
    expect(isWeightMap({ a1: null })).toBe(false);
    expect(isWeightMap([1, 2])).toBe(false);
    expect(isWeightMap(null)).toBe(false);
  });

  it('weightsFromRecords keys by set identifier', () => {
    expect(weightsFromRecords([{ setIdentifier: 'a1', weight: 7, value: 'x.example.com', ttl: 60 }])).toEqual({ a1: 7 });
  });
});
