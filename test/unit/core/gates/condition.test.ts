import { describe, expect, it } from 'vitest';
import { formatNumber, holds, parseCondition, type Condition } from '../../../../src/core/gates/condition.js';

function parsed(text: string): Condition {
  const c = parseCondition(text);
  if ('error' in c) throw new Error(c.error);
  return c;
}

describe('gate conditions', () => {
  it.each([
    ['< 0.01', 0.005, true],
    ['< 0.01', 0.01, false],
    ['<=0.01', 0.01, true],
    ['> 5', 5, false],
    ['>= 0.99', 0.99, true],
    ['== 1', 1, true],
    ['== 1', 0, false],
    ['!= 0', 2, true],
    ['!= 0', 0, false],
    ['between 0.9 and 1', 0.95, true],
    ['between 0.9 and 1', 1, true],
    ['BETWEEN 0.9 AND 1', 1.01, false],
    ['< 1e-3', 0.0005, true],
    ['> -1', 0, true],
  ] as const)('%s with %s is %s', (text, value, expected) => {
    expect(holds(parsed(text), value)).toBe(expected);
  });

  it('never holds for NaN, not even !=', () => {
    expect(holds(parsed('!= 0'), Number.NaN)).toBe(false);
    expect(holds(parsed('< 1'), Number.NaN)).toBe(false);
  });

  it('normalises its text for reasons', () => {
    expect(parsed('<0.010').text).toBe('< 0.01');
    expect(parsed('between  1   and 2').text).toBe('between 1 and 2');
  });

  it.each(['0.01', '< ', '=< 1', '= 1', '< 1 2', 'between 1', 'between 2 and 1', 'less than 1', '< abc', ''])('refuses %j', (text) => {
    const c = parseCondition(text);
    expect(c).toHaveProperty('error');
    expect((c as { error: string }).error.length).toBeGreaterThan(10);
  });

  it('formats numbers for reasons', () => {
    expect(formatNumber(0.0123456789)).toBe('0.0123457');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
