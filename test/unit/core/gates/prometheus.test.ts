import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../../../src/config/schema.js';
import { GateRunner, type GateTarget } from '../../../../src/core/gates/index.js';
import { instantQueryUrl, readInstantQuery } from '../../../../src/core/gates/prometheus.js';
import { FakeClock, FakeHttpClient } from '../../../_helpers/fakes.js';

const vector = (...values: string[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { cluster: `c${i}` }, value: [1700000000.5, v] })) } });

describe('readInstantQuery (the answer shapes)', () => {
  it('takes the number of a one-series vector or a scalar', () => {
    expect(readInstantQuery(200, vector('0.004'))).toEqual({ value: 0.004 });
    expect(readInstantQuery(200, JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '+Inf'] } }))).toEqual({ value: Infinity });
  });

  it('calls no data, NaN, several series, a matrix and a string errors, naming the shape', () => {
    expect(readInstantQuery(200, vector())).toEqual({ error: expect.stringContaining('no data (an empty vector)') });
    expect(readInstantQuery(200, vector('NaN'))).toEqual({ error: expect.stringContaining('NaN') });
    expect(readInstantQuery(200, vector('1', '2'))).toEqual({ error: expect.stringContaining('a vector of 2 series ({cluster="c0"}, {cluster="c1"})') });
    expect(readInstantQuery(200, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }))).toEqual({
      error: expect.stringContaining('range vector (matrix)'),
    });
    expect(readInstantQuery(200, JSON.stringify({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } }))).toEqual({
      error: 'the query returned a string, expected a number',
    });
  });

  it("gives the server's error text and type", () => {
    const body = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error: unexpected <op:+>' });
    expect(readInstantQuery(400, body)).toEqual({ error: 'Prometheus error (bad_data): invalid parameter "query": 1:5: parse error: unexpected <op:+>' });
  });

  it('says when the answer is not the Prometheus API', () => {
    expect(readInstantQuery(502, '<html>Bad Gateway</html>\nmore')).toEqual({ error: 'HTTP 502, not a Prometheus API answer: <html>Bad Gateway</html>' });
    expect(readInstantQuery(200, '{"status":"weird"}')).toEqual({ error: expect.stringContaining('not a successful Prometheus API answer') });
  });
});

describe('prometheus gate', () => {
  const target: GateTarget = { cluster: 'green', ingress: 'nlb.example.test' };
  const now = { weight: 25 };
  const gate = (extra: Record<string, unknown> = {}) =>
    gateSchema.parse({ type: 'prometheus', address: 'http://prom.{cluster}.internal:9090/prom/', query: 'sum(rate(x{cluster="{cluster}",w="{weight}"}[1m]))', condition: '< 0.01', ...extra });

  it('queries the rendered address and query with the timeout, and passes when the condition holds', async () => {
    const client = new FakeHttpClient({ status: 200, body: vector('0.002') });
    const runner = new GateRunner({ gates: [gate()], clock: new FakeClock(), gateErrorLimit: 3, httpClient: client });
    const check = await runner.check(target, undefined, now);
    expect(check.results[0]).toMatchObject({ gate: 'prometheus', outcome: 'pass', reason: '0.002 (< 0.01)' });
    const url = new URL(client.requests[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://prom.green.internal:9090/prom/api/v1/query');
    expect(url.searchParams.get('query')).toBe('sum(rate(x{cluster="green",w="25"}[1m]))');
    expect(url.searchParams.get('timeout')).toBe('10000ms');
    expect(client.requests[0]!.timeoutMs).toBe(10_000);
  });

  it('fails when it does not hold', async () => {
    const runner = new GateRunner({ gates: [gate()], clock: new FakeClock(), gateErrorLimit: 3, httpClient: new FakeHttpClient({ status: 200, body: vector('0.05') }) });
    expect((await runner.check(target, undefined, now)).results[0]).toMatchObject({ outcome: 'fail', reason: '0.05, needs < 0.01' });
  });

  it('sends headers from the environment and never shows their values', async () => {
    const client = new FakeHttpClient({ status: 401, body: JSON.stringify({ status: 'error', errorType: 'auth', error: 'token s3cr3t is expired' }) });
    const runner = new GateRunner({
      gates: [gate({ headersFromEnv: { Authorization: 'PROM_AUTH' } })],
      clock: new FakeClock(),
      gateErrorLimit: 3,
      httpClient: client,
      environment: { PROM_AUTH: 's3cr3t' },
    });
    const result = (await runner.check(target, undefined, now)).results[0]!;
    expect(client.requests[0]!.headers).toMatchObject({ Authorization: 's3cr3t' });
    expect(result).toMatchObject({ outcome: 'error' });
    expect(result.reason).toContain('Prometheus error (auth): token [REDACTED] is expired');
    expect(result.reason).not.toContain('s3cr3t');
  });

  it('is an error when a header variable is missing, naming the variable', async () => {
    const client = new FakeHttpClient({ status: 200, body: vector('0') });
    const runner = new GateRunner({ gates: [gate({ headersFromEnv: { 'X-Key': 'PROM_KEY' } })], clock: new FakeClock(), gateErrorLimit: 3, httpClient: client });
    expect((await runner.check(target, undefined, now)).results[0]).toMatchObject({ outcome: 'error', reason: 'environment variable PROM_KEY (for the X-Key header) is not set' });
    expect(client.requests).toHaveLength(0);
  });

  it('is an error when {weight} is unknown, and when the server cannot be reached', async () => {
    const runner = new GateRunner({ gates: [gate()], clock: new FakeClock(), gateErrorLimit: 3, httpClient: new FakeHttpClient().serve('http://prom.green.internal:9090', 'refused') });
    expect((await runner.check({ cluster: 'green' })).results[0]).toMatchObject({ outcome: 'error', reason: '{weight} is unknown for cluster green' });
    // As FetchHttpClient rejects: ENVIRONMENT, which the runner puts before the message.
    expect((await runner.check(target, undefined, now)).results[0]).toMatchObject({
      outcome: 'error',
      reason: 'GET http://prom.green.internal:9090/prom/api/v1/query failed: ECONNREFUSED.',
    });
  });

  it('refuses a bad condition or address at load', () => {
    expect(() => gateSchema.parse({ type: 'prometheus', address: 'http://p', query: 'up', condition: '0.01' })).toThrow(/expected a condition like/);
    expect(() => gateSchema.parse({ type: 'prometheus', address: 'prom:9090', query: 'up', condition: '< 1' })).toThrow(/expected an http:\/\/ or https:\/\/ URL/);
    expect(() => gateSchema.parse({ type: 'prometheus', address: 'http://p', query: 'up', condition: '< 1', headersFromEnv: { Authorization: 'Bearer abc' } })).toThrow(
      /environment variable/,
    );
  });

  it('keeps a path prefix and adds the API path once', () => {
    expect(instantQueryUrl('http://p:9090', 'up', 5000)).toBe('http://p:9090/api/v1/query?query=up&timeout=5000ms');
  });
});
