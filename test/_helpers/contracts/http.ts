/**
 * The contracts of the HTTP ports (src/core/ports/http.ts), what the http, prometheus and web gates
 * rely on: every status is an answer for the gate to judge (a 3xx too: redirects are not followed,
 * so a gate is never bounced elsewhere with its headers), and only a network error or a timeout
 * rejects, with ENVIRONMENT (the gate counts it as an error, not a failure); an abort rejects with
 * an AbortError. Run against FakeHttp and FakeHttpClient (test/unit/contracts) and against HttpProbe
 * and FetchHttpClient on local servers (test/integration/adapters/io-contracts.test.ts).
 *
 * Each check is exported on its own so a negative control can run one against a broken double
 * (test/unit/contracts/negative-controls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { HttpClientPort, HttpProbePort } from '../../../src/core/ports.js';
import { rejection } from '../rejection.js';

/** A request as the server got it. */
export interface ServerRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** The Host header. */
  readonly host: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpWorld<P> {
  readonly port: P;
  /** The URL (`path` and query appended) of a server that answers every request with `status` and `body` (a 3xx with a Location). */
  answering(status: number, body?: string, path?: string): Promise<string>;
  /** The URL of a server nobody listens on. */
  unreachable(path?: string): Promise<string>;
  /** The URL of a server that takes every request and never answers. */
  hanging(): Promise<string>;
  /** Resolves once a request has reached the server of `url`. */
  arrived(url: string): Promise<void>;
  /** What the servers got, in order. */
  received(): readonly ServerRequest[];
}

export interface HttpSubject<P> {
  readonly name: string;
  fresh(): Promise<HttpWorld<P>>;
}

const STATUSES = [200, 204, 301, 404, 503] as const;

export const httpProbeChecks = {
  anyStatus: {
    title: 'resolves with any status, a redirect unfollowed',
    async check(w: HttpWorld<HttpProbePort>): Promise<void> {
      for (const status of STATUSES) {
        expect(await w.port.probe(await w.answering(status), { timeoutMs: 10_000 })).toEqual({ status });
      }
      // One request for each: the 301 was not followed to its Location.
      expect(w.received()).toHaveLength(STATUSES.length);
    },
  },
  hostHeader: {
    title: "sends the Host it is given (to probe a load balancer under the public name), else the URL's",
    async check(w: HttpWorld<HttpProbePort>): Promise<void> {
      const url = await w.answering(200, '', '/healthz');
      await w.port.probe(url, { host: 'api.example.test', timeoutMs: 10_000 });
      expect(w.received().at(-1)).toMatchObject({ method: 'GET', path: '/healthz', host: 'api.example.test' });
      await w.port.probe(url, { timeoutMs: 10_000 });
      expect(w.received().at(-1)?.host).toBe(new URL(url).host);
    },
  },
  networkError: {
    title: 'a server nobody listens on rejects with ENVIRONMENT',
    async check(w: HttpWorld<HttpProbePort>): Promise<void> {
      expect((await rejection(w.port.probe(await w.unreachable(), { timeoutMs: 10_000 }))).code).toBe('ENVIRONMENT');
    },
  },
  timeout: {
    title: 'a server that never answers rejects with ENVIRONMENT at the timeout',
    async check(w: HttpWorld<HttpProbePort>): Promise<void> {
      // Only the timeout can end it: that it rejects at all is the proof, with no clock assertion.
      expect((await rejection(w.port.probe(await w.hanging(), { timeoutMs: 200 }))).code).toBe('ENVIRONMENT');
    },
  },
  aborted: {
    title: 'an aborted signal rejects with an AbortError, before the request or while it waits',
    async check(w: HttpWorld<HttpProbePort>): Promise<void> {
      const before = new AbortController();
      before.abort();
      await expect(w.port.probe(await w.answering(200), { timeoutMs: 10_000, signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
      const url = await w.hanging();
      const during = new AbortController();
      const probing = w.port.probe(url, { timeoutMs: 3_600_000, signal: during.signal });
      // Aborted once the server has the request, not after a guessed delay.
      await w.arrived(url);
      during.abort();
      await expect(probing).rejects.toMatchObject({ name: 'AbortError' });
    },
  },
} as const;

export const httpClientChecks = {
  anyStatus: {
    title: 'resolves with any status and its body, a redirect unfollowed',
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      for (const status of STATUSES) {
        const body = status === 204 ? '' : `answer ${status}`;
        expect(await w.port.request({ method: 'GET', url: await w.answering(status, body), timeoutMs: 10_000 })).toEqual({ status, body });
      }
      expect(w.received()).toHaveLength(STATUSES.length);
    },
  },
  sends: {
    title: 'sends the method, the headers and a JSON body as application/json',
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      const url = await w.answering(200, '{}', '/api/check?cluster=green');
      await w.port.request({ method: 'POST', url, headers: { 'x-api-key': 'k-123' }, json: { gate: 'web', weight: 25 }, timeoutMs: 10_000 });
      const post = w.received().at(-1);
      expect(post).toMatchObject({ method: 'POST', path: '/api/check?cluster=green', body: '{"gate":"web","weight":25}' });
      expect(post?.headers['x-api-key']).toBe('k-123');
      expect(post?.headers['content-type']).toMatch(/^application\/json/);
      await w.port.request({ method: 'GET', url, timeoutMs: 10_000 });
      expect(w.received().at(-1)).toMatchObject({ method: 'GET', body: '' });
    },
  },
  bounded: {
    title: 'cuts a huge body instead of reading it whole',
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      const huge = 'x'.repeat(3 * 1024 * 1024);
      const answer = await w.port.request({ method: 'GET', url: await w.answering(200, huge), timeoutMs: 30_000 });
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBeGreaterThan(0);
      expect(answer.body.length).toBeLessThan(huge.length);
      expect(huge.startsWith(answer.body)).toBe(true);
    },
  },
  networkError: {
    title: "a server nobody listens on rejects with ENVIRONMENT, never showing the URL's query (it may hold a secret)",
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      const err = await rejection(w.port.request({ method: 'GET', url: await w.unreachable('/api/v1/query?token=s3cr3t-q'), timeoutMs: 10_000 }));
      expect(err.code).toBe('ENVIRONMENT');
      expect(`${err.message} ${err.hint ?? ''}`).not.toContain('s3cr3t-q');
    },
  },
  timeout: {
    title: 'a server that never answers rejects with ENVIRONMENT at the timeout',
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      expect((await rejection(w.port.request({ method: 'GET', url: await w.hanging(), timeoutMs: 200 }))).code).toBe('ENVIRONMENT');
    },
  },
  aborted: {
    title: 'an aborted signal rejects with an AbortError, before the request or while it waits',
    async check(w: HttpWorld<HttpClientPort>): Promise<void> {
      const before = new AbortController();
      before.abort();
      await expect(w.port.request({ method: 'GET', url: await w.answering(200), timeoutMs: 10_000, signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
      const url = await w.hanging();
      const during = new AbortController();
      const requesting = w.port.request({ method: 'GET', url, timeoutMs: 3_600_000, signal: during.signal });
      await w.arrived(url);
      during.abort();
      await expect(requesting).rejects.toMatchObject({ name: 'AbortError' });
    },
  },
} as const;

export function httpProbeContract(subject: HttpSubject<HttpProbePort>): void {
  describe(`HttpProbePort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(httpProbeChecks)) it(title, async () => check(await subject.fresh()));
  });
}

export function httpClientContract(subject: HttpSubject<HttpClientPort>): void {
  describe(`HttpClientPort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(httpClientChecks)) it(title, async () => check(await subject.fresh()));
  });
}
