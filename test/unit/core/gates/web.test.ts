import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../../../src/config/schema.js';
import { selectNumber, webGateBody } from '../../../../src/core/gates/web.js';

describe('web gate: the value a JSONPath selects', () => {
  it('takes numbers, booleans as 1/0 and numeric strings', () => {
    expect(selectNumber([0.5], '$.x')).toEqual({ number: 0.5, shown: '0.5' });
    expect(selectNumber([true], '$.ok')).toEqual({ number: 1, shown: 'true' });
    expect(selectNumber([false], '$.ok')).toEqual({ number: 0, shown: 'false' });
    expect(selectNumber(['42'], '$.n')).toEqual({ number: 42, shown: '"42"' });
  });

  it('calls nothing, several values, null, objects and text errors', () => {
    expect(selectNumber([], '$.approved')).toEqual({ error: '$.approved matched nothing in the answer' });
    expect(selectNumber([1, 2], '$.items[*].ok')).toEqual({ error: '$.items[*].ok matched 2 values, expected one' });
    expect(selectNumber([null], '$.x')).toEqual({ error: '$.x is null, not a number or a boolean' });
    expect(selectNumber([{}], '$.x')).toEqual({ error: '$.x is an object, not a number or a boolean' });
    expect(selectNumber(['yes'], '$.x')).toEqual({ error: '$.x is the text "yes", not a number or a boolean' });
    expect(selectNumber([''], '$.x')).toHaveProperty('error');
  });
});

describe('web gate configuration', () => {
  it('defaults to GET, 10s and the status code deciding', () => {
    expect(gateSchema.parse({ type: 'web', url: 'https://approvals.example.com/{cluster}' })).toMatchObject({ method: 'GET', timeoutMs: 10_000, headersFromEnv: {} });
    const g = gateSchema.parse({ type: 'web', url: 'https://a.example.com', method: 'POST', jsonPath: '$.approved', condition: '== 1' });
    expect(g).toMatchObject({ method: 'POST', select: { path: '$.approved', condition: { op: '==', value: 1 } } });
  });

  it('wants jsonPath and condition together, and no expectStatus with a jsonPath', () => {
    expect(() => gateSchema.parse({ type: 'web', url: 'https://a', jsonPath: '$.ok' })).toThrow(/a jsonPath needs a condition/);
    expect(() => gateSchema.parse({ type: 'web', url: 'https://a', condition: '== 1' })).toThrow(/a condition applies to the value a jsonPath selects/);
    expect(() => gateSchema.parse({ type: 'web', url: 'https://a', jsonPath: '$.ok', condition: '== 1', expectStatus: 200 })).toThrow(/not with a jsonPath/);
    expect(() => gateSchema.parse({ type: 'web', url: 'https://a', jsonPath: 'ok', condition: '== 1' })).toThrow(/a JSONPath starting with/);
    expect(() => gateSchema.parse({ type: 'web', url: 'https://a', method: 'PUT' })).toThrow();
  });

  it('sends the context of the check, with nulls for what the caller does not know', () => {
    expect(webGateBody({ cluster: 'green', ingress: 'nlb' }, { weight: 25, step: { index: 2, total: 4 }, weights: { blue: 75, green: 25 }, operationId: 'op-1' })).toEqual({
      gate: 'web',
      cluster: 'green',
      ingress: 'nlb',
      weight: 25,
      step: { index: 2, total: 4 },
      weights: { blue: 75, green: 25 },
      operationId: 'op-1',
    });
    expect(webGateBody({ cluster: 'green' }, {})).toEqual({ gate: 'web', cluster: 'green', ingress: null, weight: null, step: null, weights: null, operationId: null });
  });
});
