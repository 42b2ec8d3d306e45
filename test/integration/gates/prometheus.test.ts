/**
 * The prometheus gate against a real Prometheus server scraping a metrics endpoint this file
 * serves: request and error counters per cluster (green: 0.1% errors, blue: 5%).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchHttpClient } from '../../../src/adapters/http-client.js';
import { systemClock } from '../../../src/adapters/clock.js';
import { gateSchema } from '../../../src/config/schema.js';
import { GateRunner, type GateResultView } from '../../../src/core/gates/index.js';
import { freePort } from '../../_helpers/emulator.js';
import { startMetricsEndpoint, startPrometheus, type MetricsEndpoint, type PrometheusServer } from '../../_helpers/prometheus.js';

let metrics: MetricsEndpoint;
let prometheus: PrometheusServer;

beforeAll(async () => {
  metrics = await startMetricsEndpoint();
  metrics.counters.set('green', { requests: 1000, errors: 1 });
  metrics.counters.set('blue', { requests: 1000, errors: 50 });
  prometheus = await startPrometheus(metrics.url);
});

afterAll(async () => {
  await prometheus?.stop();
  await metrics?.close();
});

const RATIO = 'sum(app_errors_total{cluster="{cluster}"}) / sum(app_requests_total{cluster="{cluster}"})';

async function check(cluster: string, gate: Record<string, unknown> = {}): Promise<GateResultView> {
  const runner = new GateRunner({
    gates: [gateSchema.parse({ type: 'prometheus', address: prometheus.address, query: RATIO, condition: '< 0.01', timeout: '5s', ...gate })],
    clock: systemClock,
    gateErrorLimit: 3,
    httpClient: new FetchHttpClient(),
  });
  const { results } = await runner.check({ cluster }, undefined, { weight: 10 });
  return results[0]!;
}

describe('prometheus gate on a real server', () => {
  it('passes when the error ratio meets the condition', async () => {
    expect(await check('green')).toMatchObject({ outcome: 'pass', reason: '0.001 (< 0.01)' });
  });

  it('fails when it does not', async () => {
    expect(await check('blue')).toMatchObject({ outcome: 'fail', reason: '0.05, needs < 0.01' });
    expect(await check('blue', { condition: 'between 0.04 and 0.06' })).toMatchObject({ outcome: 'pass' });
  });

  it('is an error on an empty result (a cluster nobody scrapes)', async () => {
    const result = await check('purple');
    expect(result.outcome).toBe('error');
    expect(result.reason).toContain('no data (an empty vector)');
  });

  it('is an error naming the shape when the query gives several series', async () => {
    const result = await check('green', { query: 'app_requests_total' });
    expect(result.outcome).toBe('error');
    expect(result.reason).toMatch(/a vector of 2 series \(\{.*cluster="(blue|green)".*\}/);
  });

  it("is an error with the server's own text for a bad query", async () => {
    const result = await check('green', { query: 'sum(rate(app_requests_total[1m])' });
    expect(result.outcome).toBe('error');
    expect(result.reason).toMatch(/^http:\/\/127\.0\.0\.1:\d+: Prometheus error \(bad_data\): invalid parameter "query": .*unclosed left parenthesis/);
  });

  it('is an error when the server is down', async () => {
    const port = await freePort();
    const result = await check('green', { address: `http://127.0.0.1:${port}` });
    expect(result.outcome).toBe('error');
    expect(result.reason).toContain(`GET http://127.0.0.1:${port}/api/v1/query failed: ECONNREFUSED.`);
  });
});
