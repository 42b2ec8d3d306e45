import { describe, expect, it } from 'vitest';
import { GateErrorTracker, MissingPlaceholderError, substitute, substituteAll } from '../../../../src/core/gates/index.js';

describe('placeholders', () => {
  const target = { cluster: 'cluster-b', ingress: 'nlb-1.elb.example.test' };

  it('substitutes {cluster} and {ingress} everywhere, leaving other braces alone', () => {
    expect(substitute('http://{ingress}/{cluster}/{other}', target)).toBe('http://nlb-1.elb.example.test/cluster-b/{other}');
    expect(
      substituteAll({ type: 'metric', errors: { dimensions: { LoadBalancer: '{ingress}' } }, argv: ['x', '{cluster}'], n: 1, b: true }, target),
    ).toEqual({ type: 'metric', errors: { dimensions: { LoadBalancer: 'nlb-1.elb.example.test' } }, argv: ['x', 'cluster-b'], n: 1, b: true });
  });

  it('throws for an unknown value', () => {
    expect(() => substitute('{ingress}', { cluster: 'c1' })).toThrow(MissingPlaceholderError);
  });
});

describe('GateErrorTracker', () => {
  const error = { gate: 'eks', cluster: 'c1', outcome: 'error' as const, reason: 'Throttling' };
  const pass = { ...error, outcome: 'pass' as const, reason: 'ok' };

  it('tolerates `limit` consecutive errors, then fails', () => {
    const t = new GateErrorTracker(3);
    expect([1, 2, 3].map(() => t.record('k', error).outcome)).toEqual(['error', 'error', 'error']);
    expect(t.record('k', error)).toEqual({ ...error, outcome: 'fail', reason: '4 errors in a row (limit 3): Throttling' });
    expect(t.record('k', pass)).toBe(pass);
    expect(t.consecutiveErrors('k')).toBe(0);
    expect(t.record('k', error).outcome).toBe('error');
  });

  it('keys are independent and reset clears them', () => {
    const t = new GateErrorTracker(1);
    t.record('a', error);
    expect(t.record('b', error).outcome).toBe('error');
    expect(t.record('a', error).outcome).toBe('fail');
    t.reset();
    expect(t.record('a', error).outcome).toBe('error');
  });
});
