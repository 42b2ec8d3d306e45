import { describe, expect, it } from 'vitest';
import { textOf } from '../../../src/core/text-of.js';

describe('textOf', () => {
  it('writes an object or a list as JSON, not as [object Object]', () => {
    expect(textOf({ code: 'Throttled', retry: true })).toBe('{"code":"Throttled","retry":true}');
    expect(textOf(['a', 1])).toBe('["a",1]');
    expect(String({ code: 'Throttled' })).toBe('[object Object]'); // what it replaces
  });

  it('leaves a string as it is and writes numbers and booleans as String does', () => {
    expect(textOf('gate failed: "5xx"')).toBe('gate failed: "5xx"');
    expect(textOf(3)).toBe('3');
    expect(textOf(0.5)).toBe('0.5');
    expect(textOf(false)).toBe('false');
    expect(textOf(null)).toBe('null');
  });

  it('names the type of what has no JSON text, and does not throw on a cycle', () => {
    expect(textOf(undefined)).toBe('undefined');
    expect(textOf(() => 1)).toBe('function');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(textOf(cyclic)).toBe('[object Object]');
  });
});
