import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import type { Weights } from '../../../src/core/ports.js';
import { isValidWeights, parseSchedule, planShift, scheduleProblems } from '../../../src/core/weights.js';

const clusterName = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);

/** A valid percent map: 2-6 clusters, integers adding up to 100. */
const percentMap: fc.Arbitrary<Weights> = fc.uniqueArray(clusterName, { minLength: 2, maxLength: 6 }).chain((names) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: names.length - 1, maxLength: names.length - 1 }).map((cuts) => {
    const sorted = [0, ...[...cuts].sort((a, b) => a - b), 100];
    return Object.fromEntries(names.map((name, i) => [name, (sorted[i + 1] ?? 0) - (sorted[i] ?? 0)]));
  }),
);

/** A map, a target, a strictly increasing schedule ending at `until` (above the target's weight), maybe a source. */
const scheduled = percentMap.chain((current) => {
  const names = Object.keys(current);
  return fc.constantFrom(...names).chain((to) => {
    const start = current[to] ?? 0;
    const others = names.filter((n) => n !== to);
    return fc.option(fc.constantFrom(...others), { nil: undefined }).chain((source) => {
      // The most the target can reach: everything, or what it has plus what the source has.
      const cap = source === undefined ? 100 : start + (current[source] ?? 0);
      if (cap <= start) return fc.constant(undefined);
      return fc
        .record({
          until: fc.integer({ min: start + 1, max: cap }),
          picks: fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 12 }),
        })
        .map(({ until, picks }) => {
          // Strictly increasing, ending at until; picks at or below the target's weight stay in (they are skipped).
          const schedule = [...new Set([...picks.filter((p) => p < until), until])].sort((a, b) => a - b);
          return { current, to, schedule, until, ...(source === undefined ? {} : { from: source }) };
        });
    });
  });
}).filter((s): s is NonNullable<typeof s> => s !== undefined);

describe('planShift with a step schedule', () => {
  it('every map is valid, the target reaches exactly each scheduled percentage above its weight, the last step is exact', () => {
    fc.assert(
      fc.property(scheduled, (s) => {
        const plan = planShift({ ...s, step: 10 });
        const start = s.current[s.to] ?? 0;
        expect(plan.map((w) => w[s.to])).toEqual(s.schedule.filter((p) => p > start));
        expect(plan.at(-1)?.[s.to]).toBe(s.until);
        let previous = s.current;
        for (const w of plan) {
          expect(isValidWeights(w)).toBe(true);
          expect(Object.keys(w).sort()).toEqual(Object.keys(s.current).sort());
          for (const name of Object.keys(w)) {
            if (name === s.to) continue;
            // Nobody but the target gains; with --from only the source gives.
            expect(w[name]!).toBeLessThanOrEqual(previous[name]!);
            if (s.from !== undefined && name !== s.from) expect(w[name]).toBe(s.current[name]);
          }
          previous = w;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ignores --step when a schedule is given', () => {
    const current = { 'cluster-a': 100, 'cluster-b': 0 };
    const plan = planShift({ current, to: 'cluster-b', step: 100, until: 100, schedule: [1, 5, 25, 50, 100] });
    expect(plan).toEqual([
      { 'cluster-a': 99, 'cluster-b': 1 },
      { 'cluster-a': 95, 'cluster-b': 5 },
      { 'cluster-a': 75, 'cluster-b': 25 },
      { 'cluster-a': 50, 'cluster-b': 50 },
      { 'cluster-a': 0, 'cluster-b': 100 },
    ]);
  });

  it('refuses schedules that do not increase, leave 1-100, or do not end at --until, saying how to fix them', () => {
    const current = { 'cluster-a': 100, 'cluster-b': 0 };
    const attempt = (schedule: number[], until = 100) => {
      try {
        planShift({ current, to: 'cluster-b', step: 10, until, schedule });
      } catch (err) {
        expect(err).toBeInstanceOf(CurvectlError);
        return err as CurvectlError;
      }
      throw new Error(`accepted ${schedule.join(',')}`);
    };
    expect(attempt([5, 1, 100]).message).toContain('1 does not come after 5');
    expect(attempt([1, 5, 5, 100]).message).toContain('5 does not come after 5');
    expect(attempt([0, 50, 100]).message).toContain('0 is not a whole percentage from 1 to 100');
    expect(attempt([10, 101]).message).toContain('101 is not a whole percentage');
    expect(attempt([]).message).toContain('it has no steps');
    const end = attempt([1, 5, 25, 50]);
    expect(end.code).toBe('BAD_INPUT');
    expect(end.message).toBe('The step schedule 1,5,25,50 is not valid: it ends at 50%, but the shift ends at 100% (--until).');
    expect(end.hint).toBe('End the schedule at 100 (for example --steps 1,5,25,50,100), or pass --until 50.');
    expect(attempt([1, 5, 100], 50).message).toContain('ends at 100%, but the shift ends at 50%');
  });

  it('skips scheduled percentages the target already has', () => {
    const plan = planShift({ current: { 'cluster-a': 70, 'cluster-b': 30 }, to: 'cluster-b', step: 10, until: 100, schedule: [1, 5, 25, 50, 100] });
    expect(plan.map((w) => w['cluster-b'])).toEqual([50, 100]);
  });

  it('keeps the checks of a fixed step: --from must hold enough', () => {
    expect(() =>
      planShift({ current: { 'cluster-a': 50, 'cluster-b': 0, 'cluster-c': 50 }, to: 'cluster-b', step: 10, until: 100, from: 'cluster-a', schedule: [50, 100] }),
    ).toThrow(/has only 50%/);
  });
});

describe('parseSchedule and scheduleProblems', () => {
  it('parses comma-separated whole numbers and refuses anything else in one sentence', () => {
    expect(parseSchedule('1,5, 25,50,100')).toEqual([1, 5, 25, 50, 100]);
    for (const bad of ['', '1,,5', '1;5', 'a,b', '1.5,100', '-1,100']) {
      expect(() => parseSchedule(bad)).toThrow(/is not a valid --steps: use comma-separated whole percentages/);
    }
  });

  it('checks the shape alone when no --until is given', () => {
    expect(scheduleProblems([1, 5, 25])).toEqual([]);
    expect(scheduleProblems([25, 5])).toEqual(['5 does not come after 25 (the percentages must increase)']);
  });
});
