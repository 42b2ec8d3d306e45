import { describe, expect, it } from 'vitest';
import { definedOnly } from '../../../src/core/defined-only.js';

describe('definedOnly', () => {
  it('leaves out undefined values and keeps every other value, falsy ones included', () => {
    const signal = new AbortController().signal;
    const out = definedOnly({ signal, region: undefined, retries: 0, name: '', flag: false, none: null });
    expect(out).toEqual({ signal, retries: 0, name: '', flag: false, none: null });
    expect('region' in out).toBe(false);
  });

  it('so a missing option does not replace a default when spread', () => {
    const defaults = { timeoutMs: 1000, region: 'eu-west-1' };
    expect({ ...defaults, ...definedOnly({ region: undefined as string | undefined }) }).toEqual(defaults);
    expect({ ...defaults, ...{ region: undefined } }).not.toEqual(defaults); // the negative control
  });

  it('copies: the input is not changed', () => {
    const input = { a: 1, b: undefined };
    definedOnly(input);
    expect(Object.keys(input)).toEqual(['a', 'b']);
  });
});
