/**
 * Fakes of the HTTP ports (src/core/ports/http.ts) for the http, prometheus and web gates. Every
 * request gets the fake's default answer unless its server (the URL's origin) was given one of its
 * own: a status and body, nobody listening, or a server that takes the request and never answers.
 * They keep the ports' contract (test/_helpers/contracts/http.ts) as HttpProbe and FetchHttpClient
 * do: any status resolves, a network error or a timeout rejects with ENVIRONMENT, an abort with an
 * AbortError, and a body is cut at 1 MiB.
 */
import { formatDuration } from '../../src/core/duration.js';
import { CurvectlError } from '../../src/core/errors.js';
import type { HttpAnswer, HttpClientPort, HttpProbePort, HttpRequest } from '../../src/core/ports.js';
import { pendingUntil, throwIfAborted } from './fake-waits.js';

/** What a fake server does with every request. */
export type FakeServerAnswer = HttpAnswer | 'refused' | 'hang';

/** FetchHttpClient's bound on a body. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Answers by origin, and a way to wait until a request has reached a server (to abort it in flight). */
class FakeServers {
  private readonly answers = new Map<string, FakeServerAnswer>();
  private readonly arrivals: { origin: string; resolve: () => void }[] = [];
  private readonly seen = new Set<string>();

  set(url: string, answer: FakeServerAnswer): void {
    this.answers.set(new URL(url).origin, answer);
  }

  /** The answer of the server at `url`'s origin (undefined: none of its own), recording the arrival. */
  take(url: string): FakeServerAnswer | undefined {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return undefined;
    }
    this.seen.add(origin);
    for (const waiter of this.arrivals.filter((a) => a.origin === origin)) waiter.resolve();
    return this.answers.get(origin);
  }

  arrived(url: string): Promise<void> {
    const origin = new URL(url).origin;
    if (this.seen.has(origin)) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ origin, resolve }));
  }
}

/** Resolves with the answer, or rejects as the adapters do when there is none to be had (`refused`: their words for it). */
async function answerOf(answer: FakeServerAnswer, what: string, refused: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<HttpAnswer> {
  if (answer === 'refused') throw new CurvectlError('ENVIRONMENT', `${what} failed: ${refused}`);
  if (answer === 'hang') {
    await pendingUntil(timeoutMs, signal);
    throw new CurvectlError('ENVIRONMENT', `${what} did not answer within ${formatDuration(timeoutMs)}.`);
  }
  return { status: answer.status, body: answer.body.slice(0, MAX_BODY_BYTES) };
}

export class FakeHttp implements HttpProbePort {
  readonly probes: { url: string; host?: string; timeoutMs: number }[] = [];
  status = 200;
  failWith: Error | undefined;
  private readonly servers = new FakeServers();

  /** The server at `url`'s origin answers every probe so (other servers answer `status`). */
  serve(url: string, answer: FakeServerAnswer): this {
    this.servers.set(url, answer);
    return this;
  }

  /** Resolves once a probe has reached the server at `url`'s origin. */
  arrived(url: string): Promise<void> {
    return this.servers.arrived(url);
  }

  async probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }): Promise<{ status: number }> {
    throwIfAborted(options.signal);
    this.probes.push({ url, timeoutMs: options.timeoutMs, ...(options.host !== undefined ? { host: options.host } : {}) });
    if (this.failWith) throw this.failWith;
    const answer = this.servers.take(url) ?? { status: this.status, body: '' };
    // HttpProbe gives node's message; FetchHttpClient the error code.
    return { status: (await answerOf(answer, `GET ${url}`, `connect ECONNREFUSED ${hostOf(url)}`, options.timeoutMs, options.signal)).status };
  }
}

export class FakeHttpClient implements HttpClientPort {
  readonly requests: HttpRequest[] = [];
  failWith: Error | undefined;
  private readonly servers = new FakeServers();

  /** `answer`: what every server without an answer of its own answers. */
  constructor(public answer: HttpAnswer = { status: 200, body: '' }) {}

  /** The server at `url`'s origin answers every request so. */
  serve(url: string, answer: FakeServerAnswer): this {
    this.servers.set(url, answer);
    return this;
  }

  /** Resolves once a request has reached the server at `url`'s origin. */
  arrived(url: string): Promise<void> {
    return this.servers.arrived(url);
  }

  async request(request: HttpRequest): Promise<HttpAnswer> {
    throwIfAborted(request.signal);
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
    const answer = this.servers.take(request.url) ?? this.answer;
    return answerOf(answer, `${request.method} ${withoutSecrets(request.url)}`, 'ECONNREFUSED.', request.timeoutMs, request.signal);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** As FetchHttpClient shows a URL: without user info or query, which may hold secrets. */
function withoutSecrets(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
