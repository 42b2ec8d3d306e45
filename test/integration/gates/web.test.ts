/**
 * The web gate through the real adapters (fetch, jsonpath-plus) against a local HTTP server that
 * records what it receives and answers as each test scripts it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { FetchHttpClient } from '../../../src/adapters/http-client.js';
import { JsonPathPlus } from '../../../src/adapters/json-path.js';
import { gateSchema } from '../../../src/config/schema.js';
import { GateRunner, type GateContext, type GateResultView } from '../../../src/core/gates/index.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let received: Received[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end();
const hanging = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

const json = (status: number, value: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

async function check(gate: Record<string, unknown>, context: GateContext = {}, environment: Record<string, string> = {}): Promise<GateResultView> {
  const runner = new GateRunner({
    gates: [gateSchema.parse({ type: 'web', ...gate })],
    clock: systemClock,
    gateErrorLimit: 3,
    httpClient: new FetchHttpClient(),
    jsonPath: new JsonPathPlus(),
    environment,
  });
  return (await runner.check({ cluster: 'green', ingress: 'nlb-green.example.test' }, undefined, context)).results[0]!;
}

describe('web gate against a local HTTP server', () => {
  it('passes on a 2xx and fails on anything else when only the status decides', async () => {
    answer = (_req, res) => res.writeHead(204).end();
    expect(await check({ url: `${base}/health/{cluster}` })).toMatchObject({ outcome: 'pass', reason: `GET ${base}/health/green answered 204` });
    expect(received[0]).toMatchObject({ method: 'GET', url: '/health/green', body: '' });
    answer = (_req, res) => res.writeHead(503).end('maintenance\nwindow');
    expect(await check({ url: `${base}/health` })).toMatchObject({ outcome: 'fail', reason: `GET ${base}/health answered 503, expected 2xx: maintenance` });
    answer = (_req, res) => res.writeHead(202).end();
    expect(await check({ url: `${base}/health`, expectStatus: 200 })).toMatchObject({ outcome: 'fail', reason: `GET ${base}/health answered 202, expected 200` });
  });

  it('POSTs the context as JSON and judges the JSONPath value (booleans as 1/0)', async () => {
    answer = json(200, { approved: true, by: 'alice' });
    const context: GateContext = { weight: 64, operationId: 'op-20261201-abc', step: { index: 2, total: 5 }, weights: { blue: 191, green: 64 } };
    const result = await check({ url: `${base}/approve`, method: 'POST', jsonPath: '$.approved', condition: '== 1' }, context);
    expect(result).toMatchObject({ outcome: 'pass', reason: '$.approved = true (== 1)' });
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('POST');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]!.body)).toEqual({
      gate: 'web',
      cluster: 'green',
      ingress: 'nlb-green.example.test',
      weight: 64,
      step: { index: 2, total: 5 },
      weights: { blue: 191, green: 64 },
      operationId: 'op-20261201-abc',
    });
    answer = json(200, { approved: false });
    expect(await check({ url: `${base}/approve`, method: 'POST', jsonPath: '$.approved', condition: '== 1' }, context)).toMatchObject({
      outcome: 'fail',
      reason: '$.approved = false, needs == 1',
    });
  });

  it('reads numbers deep in the answer, with a filter', async () => {
    answer = json(200, { series: [{ metric: 'errors', pointlist: [[1, 0.2]] }, { metric: 'latency', value: 180 }] });
    expect(await check({ url: `${base}/q`, jsonPath: "$.series[?(@.metric=='latency')].value", condition: 'between 0 and 250' })).toMatchObject({ outcome: 'pass' });
    expect(await check({ url: `${base}/q`, jsonPath: "$.series[?(@.metric=='latency')].value", condition: '< 100' })).toMatchObject({
      outcome: 'fail',
      reason: "$.series[?(@.metric=='latency')].value = 180, needs < 100",
    });
  });

  it('is an error (never a pass) on a missing value, a non-JSON answer or a 5xx when a JSONPath decides', async () => {
    answer = json(200, { other: 1 });
    expect(await check({ url: `${base}/a`, jsonPath: '$.approved', condition: '== 1' })).toMatchObject({ outcome: 'error', reason: `GET ${base}/a: $.approved matched nothing in the answer` });
    answer = (_req, res) => res.writeHead(200).end('<html>ok</html>');
    expect(await check({ url: `${base}/a`, jsonPath: '$.approved', condition: '== 1' })).toMatchObject({ outcome: 'error', reason: `GET ${base}/a answered 200 without JSON: <html>ok</html>` });
    answer = json(500, { approved: true });
    expect((await check({ url: `${base}/a`, jsonPath: '$.approved', condition: '== 1' })).outcome).toBe('error');
  });

  it('sends headers from the environment and keeps their values out of the reason', async () => {
    answer = (req, res) => res.writeHead(401).end(`bad key ${String(req.headers['dd-api-key'])}`);
    const result = await check({ url: `${base}/dd`, headersFromEnv: { 'DD-API-KEY': 'DD_API_KEY' } }, {}, { DD_API_KEY: 'k-12345' });
    expect(received[0]!.headers['dd-api-key']).toBe('k-12345');
    expect(result.outcome).toBe('fail');
    expect(result.reason).toContain('bad key [REDACTED]');
    expect(result.reason).not.toContain('k-12345');
  });

  it('is an error when the server does not answer within the timeout', async () => {
    answer = (_req, res) => void hanging.add(res);
    const result = await check({ url: `${base}/slow?token=abc`, timeout: '300ms' });
    expect(result).toMatchObject({ outcome: 'error' });
    expect(result.reason).toContain(`GET ${base}/slow did not answer within 300ms.`);
    expect(result.reason).not.toContain('token=abc');
  });
});
