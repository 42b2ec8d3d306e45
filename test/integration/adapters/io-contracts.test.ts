/**
 * The contracts of the ports that wait on a process or a server (test/_helpers/contracts: command,
 * http, webhook) against their real adapters: ProcessCommandPort on real processes (Node itself, so
 * the programs are the same on every machine), HttpProbe, FetchHttpClient and FetchWebhookSender on
 * local HTTP servers, one per test, answering as each test asks. test/unit/contracts/fakes.test.ts
 * runs the same bodies against the fakes the core's tests use.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { ProcessCommandPort } from '../../../src/adapters/command.js';
import { FetchHttpClient } from '../../../src/adapters/http-client.js';
import { HttpProbe } from '../../../src/adapters/http-probe.js';
import { FetchWebhookSender } from '../../../src/adapters/webhook-sender.js';
import { commandContract } from '../../_helpers/contracts/command.js';
import { httpClientContract, httpProbeContract, type HttpWorld, type ServerRequest } from '../../_helpers/contracts/http.js';
import { SECRET_TOKEN, webhookContract, type ReceiverAnswer } from '../../_helpers/contracts/webhook.js';

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    // The hanging answers' connections: a server closes only once they are gone.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local server handing every request, with its body read, to `handle`; returns its base URL. */
async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handle(req, res, body));
    // A client that stops reading (a cut body) or gives up (a timeout) resets the connection.
    res.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback URL nobody listens on: a port just given back by the system. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

// -----------------------------------------------------------------------------------------------
// CommandPort

commandContract({
  name: 'ProcessCommandPort on real processes',
  async fresh() {
    const node = process.execPath;
    return {
      command: new ProcessCommandPort(),
      // `--`: what follows is the script's, even an argument that looks like an option.
      printArgs: (exitCode, args) => [node, '-e', `process.stdout.write(process.argv.slice(1).join('\\n')); process.exitCode = ${exitCode};`, '--', ...args],
      forever: () => [node, '-e', 'setInterval(() => undefined, 1000);'],
      missing: () => ['curvectl-contract-no-such-program'],
    };
  },
});

// -----------------------------------------------------------------------------------------------
// HttpProbePort, HttpClientPort

/**
 * One server for the world: each URL it hands out has a prefix of its own (/s<n>, /h<n>) that says
 * how to answer, and is stripped from the path recorded, so the path is the one the contract asked for.
 */
async function httpWorld<P>(port: P): Promise<HttpWorld<P>> {
  const answers = new Map<string, { status: number; body: string } | 'hang'>();
  const got: ServerRequest[] = [];
  const arrivals: { prefix: string; resolve: () => void }[] = [];
  const seen = new Set<string>();
  let n = 0;
  const base = await serve((req, res, body) => {
    const [, prefix = '', ...rest] = (req.url ?? '/').split('/');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    got.push({ method: req.method ?? '', path: `/${rest.join('/')}`, host: req.headers.host ?? '', headers, body });
    seen.add(prefix);
    for (const a of arrivals.filter((x) => x.prefix === prefix)) a.resolve();
    const answer = answers.get(prefix);
    if (answer === 'hang') return;
    if (!answer) {
      // Anything not handed out (a followed redirect's Location): the contract counts requests.
      res.writeHead(404).end();
      return;
    }
    res.writeHead(answer.status, answer.status >= 300 && answer.status < 400 ? { location: '/elsewhere' } : {});
    res.end(answer.status === 204 ? undefined : answer.body);
  });
  const prefixOf = (url: string) => new URL(url).pathname.split('/')[1] ?? '';
  return {
    port,
    async answering(status, body = '', path = '/') {
      const prefix = `s${++n}`;
      answers.set(prefix, { status, body });
      return `${base}/${prefix}${path}`;
    },
    async unreachable(path = '/') {
      return `${await closedPort()}${path}`;
    },
    async hanging() {
      const prefix = `h${++n}`;
      answers.set(prefix, 'hang');
      return `${base}/${prefix}/`;
    },
    arrived(url) {
      const prefix = prefixOf(url);
      if (seen.has(prefix)) return Promise.resolve();
      return new Promise((resolve) => arrivals.push({ prefix, resolve }));
    },
    received: () => got,
  };
}

httpProbeContract({ name: 'HttpProbe on a local server', fresh: () => httpWorld(new HttpProbe()) });
httpClientContract({ name: 'FetchHttpClient on a local server', fresh: () => httpWorld(new FetchHttpClient()) });

// -----------------------------------------------------------------------------------------------
// WebhookPort

webhookContract({
  name: 'FetchWebhookSender on a local receiver',
  async fresh() {
    const scripts = new Map<string, { answers: readonly ReceiverAnswer[]; attempts: number }>();
    const got: { body: string; contentType: string }[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    let n = 0;
    const base = await serve((req, res, body) => {
      got.push({ body, contentType: req.headers['content-type'] ?? '' });
      for (const w of waiters.filter((x) => got.length >= x.count)) w.resolve();
      const script = scripts.get(req.url ?? '');
      let answer: ReceiverAnswer = 404;
      if (script) {
        script.attempts += 1;
        answer = script.answers[Math.min(script.attempts, script.answers.length) - 1] ?? 200;
      }
      if (answer === 'hang') return;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer, answer >= 300 && answer < 400 ? { location: '/elsewhere' } : {}).end();
    });
    const path = () => `/services/${SECRET_TOKEN}/${++n}`;
    return {
      webhooks: new FetchWebhookSender(),
      async receiver(answers) {
        const p = path();
        scripts.set(p, { answers, attempts: 0 });
        return `${base}${p}`;
      },
      async unreachable() {
        return `${await closedPort()}${path()}`;
      },
      arrived: (count) => (got.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
      received: () => got,
    };
  },
});
