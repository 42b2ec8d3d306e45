/**
 * A real Prometheus server (the Debian package's prometheus on PATH, or $PROMETHEUS_BINARY) for the prometheus gate's
 * integration tests: a free loopback port, a temporary data directory, and a scrape config that
 * reads a small metrics endpoint the test serves. Ready means /-/ready answers 200 and the first
 * scrape has landed (up == 1 through the query API), so tests never sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './emulator.js';

export interface MetricsEndpoint {
  readonly url: string;
  /** Counter values per cluster; the endpoint serves whatever is here at scrape time. */
  readonly counters: Map<string, { requests: number; errors: number }>;
  close(): Promise<void>;
}

/** /metrics in the text exposition format, with request and error counters per cluster. */
export async function startMetricsEndpoint(): Promise<MetricsEndpoint> {
  const counters = new Map<string, { requests: number; errors: number }>();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = ['# TYPE app_requests_total counter', '# TYPE app_errors_total counter'];
    for (const [cluster, c] of counters) {
      lines.push(`app_requests_total{cluster="${cluster}"} ${c.requests}`, `app_errors_total{cluster="${cluster}"} ${c.errors}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    counters,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface PrometheusServer {
  readonly address: string;
  stop(): Promise<void>;
}

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? 'prometheus';

export async function startPrometheus(scrapeTarget: string, options: { readyTimeoutMs?: number } = {}): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'curvectl-prometheus-'));
  const target = new URL(scrapeTarget);
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      `    metrics_path: ${target.pathname}`,
      '    static_configs:',
      `      - targets: ["${target.host}"]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    await until(deadline, () => exited, async () => (await fetch(`${address}/-/ready`)).status === 200);
    // The first scrape: up{job="app"} is 1 once Prometheus has read the endpoint.
    await until(deadline, () => exited, async () => {
      const answer = (await (await fetch(`${address}/api/v1/query?query=${encodeURIComponent('up{job="app"} == 1')}`)).json()) as {
        data?: { result?: unknown[] };
      };
      return (answer.data?.result?.length ?? 0) > 0;
    });
  } catch (err) {
    await stop();
    throw new Error(`Prometheus did not become ready: ${(err as Error).message}\n${output}`);
  }
  return { address, stop };
}

/** Polls `check` (a readiness signal, not a sleep-and-hope) every 100 ms until it holds. */
async function until(deadline: number, gone: () => boolean, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (gone()) throw new Error('the process exited');
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
