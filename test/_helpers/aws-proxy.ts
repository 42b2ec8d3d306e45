/**
 * A recording HTTP proxy in front of the emulator, for tests that need to see (or, later, disturb)
 * exactly which AWS calls a process made. Point one service at it with its per-service endpoint
 * variable (e.g. AWS_ENDPOINT_URL_ROUTE_53, which the SDK and the Terraform AWS provider both
 * honour) and leave the rest on the emulator.
 *
 * Every request is forwarded as it came (method, path, headers, body) to the target and recorded
 * with its body, its response status and when it arrived and finished. A hook (`intercept`) sees
 * each request before it is forwarded and may answer it itself, delay it or drop the connection:
 * the seam for fault injection (throttling, 5xx, timeouts).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** Order of arrival, from 0. */
  readonly seq: number;
  readonly method: string;
  /** Path and query, as sent (e.g. /2013-04-01/hostedzone/Z1/rrset/). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The request body as text (AWS query, JSON or XML). */
  readonly body: string;
  /** Date.now() when the request arrived (same clock as the journal's `at`). */
  readonly startedAt: number;
  /** Date.now() when the response was finished or the connection dropped; undefined while in flight. */
  endedAt?: number;
  /** The status sent back (forwarded or injected); undefined when dropped or still in flight. */
  status?: number;
  /** The response body as text. */
  responseBody?: string;
  /** Set when `intercept` changed what happened to this request. */
  injected?: 'respond' | 'drop' | 'lost-500' | 'lost-drop';
  /** For forwardThenLose: the status the target really answered (the client never saw it). */
  forwardedStatus?: number;
}

/** What `intercept` may do with a request instead of (or before) forwarding it. */
export type InterceptAction =
  /** Answer with this instead of forwarding (e.g. 400 Throttling, 503). */
  | { readonly respond: { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }; readonly delayMs?: number }
  /** Close the connection without an answer (after delayMs). */
  | { readonly drop: true; readonly delayMs?: number }
  /** Forward after waiting delayMs. */
  | { readonly forward: true; readonly delayMs?: number }
  /**
   * "Applied, but the answer was lost": forward (the target really applies it), then answer the
   * client with a 500 InternalFailure instead of the real answer, or drop the connection.
   */
  | { readonly forwardThenLose: '500' | 'drop'; readonly delayMs?: number };

/** Called for every request before it is forwarded; return undefined to forward at once. */
export type Interceptor = (request: RecordedRequest) => InterceptAction | undefined | Promise<InterceptAction | undefined>;

export interface AwsProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in order of arrival (live array). */
  readonly requests: readonly RecordedRequest[];
  /** Installs (or with undefined removes) the hook that sees every request before it is forwarded. */
  intercept(hook: Interceptor | undefined): void;
  /** Forgets the recorded requests. */
  clear(): void;
  close(): Promise<void>;
}

export interface StartAwsProxyOptions {
  /** Where to forward, e.g. the emulator's endpoint http://127.0.0.1:5000. */
  readonly target: string;
  readonly intercept?: Interceptor;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startAwsProxy(options: StartAwsProxyOptions): Promise<AwsProxy> {
  const target = new URL(options.target);
  const requests: RecordedRequest[] = [];
  let hook: Interceptor | undefined = options.intercept;
  let seq = 0;

  const forward = (req: IncomingMessage, body: Buffer, record: RecordedRequest, res: ServerResponse, lose?: '500' | 'drop') =>
    new Promise<void>((resolve) => {
      const upstream = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          // As sent: the signature covers the Host header, and the emulator does not check it.
          headers: req.headers,
        },
        (answer) => {
          void readBody(answer).then(
            (payload) => {
              if (lose) {
                record.forwardedStatus = answer.statusCode ?? 502;
                record.injected = lose === '500' ? 'lost-500' : 'lost-drop';
                if (lose === 'drop') {
                  req.socket.destroy();
                } else {
                  record.status = 500;
                  record.responseBody =
                    '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>proxy: the answer was lost</Message></Error><RequestId>proxy</RequestId></ErrorResponse>';
                  res.writeHead(500, { 'content-type': 'text/xml' });
                  res.end(record.responseBody);
                }
                resolve();
                return;
              }
              record.status = answer.statusCode ?? 502;
              record.responseBody = payload.toString('utf8');
              res.writeHead(record.status, answer.headers);
              res.end(payload);
              resolve();
            },
            () => {
              res.destroy();
              resolve();
            },
          );
        },
      );
      upstream.on('error', (error) => {
        record.status = 502;
        record.responseBody = `proxy: ${error.message}`;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(record.responseBody);
        resolve();
      });
      upstream.end(body);
    });

  const server = createServer((req, res) => {
    const startedAt = Date.now();
    void (async () => {
      const body = await readBody(req);
      const record: RecordedRequest = {
        seq: seq++,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body.toString('utf8'),
        startedAt,
      };
      requests.push(record);
      try {
        const action = hook ? await hook(record) : undefined;
        if (action?.delayMs) await sleep(action.delayMs);
        if (action && 'respond' in action) {
          record.injected = 'respond';
          record.status = action.respond.status;
          record.responseBody = action.respond.body ?? '';
          res.writeHead(action.respond.status, { 'content-type': 'text/xml', ...(action.respond.headers ?? {}) });
          res.end(record.responseBody);
        } else if (action && 'drop' in action) {
          record.injected = 'drop';
          req.socket.destroy();
        } else if (action && 'forwardThenLose' in action) {
          await forward(req, body, record, res, action.forwardThenLose);
        } else {
          await forward(req, body, record, res);
        }
      } catch (error) {
        record.status = 500;
        record.responseBody = `proxy hook failed: ${(error as Error).message}`;
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(record.responseBody);
      } finally {
        record.endedAt = Date.now();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    intercept(next) {
      hook = next;
    },
    clear() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One <Change> of a Route 53 ChangeResourceRecordSets body. */
export interface Route53Change {
  readonly action: string;
  readonly name: string;
  readonly type: string;
  readonly setIdentifier: string | undefined;
  readonly weight: number | undefined;
  readonly value: string | undefined;
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** The changes in a ChangeResourceRecordSets request body (enough XML for what curvectl sends). */
export function parseRoute53Changes(body: string): Route53Change[] {
  const changes: Route53Change[] = [];
  for (const match of body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)) {
    const xml = match[1] ?? '';
    const weight = tag(xml, 'Weight');
    changes.push({
      action: tag(xml, 'Action') ?? '',
      name: tag(xml, 'Name') ?? '',
      type: tag(xml, 'Type') ?? '',
      setIdentifier: tag(xml, 'SetIdentifier'),
      weight: weight === undefined ? undefined : Number(weight),
      value: tag(xml, 'Value'),
    });
  }
  return changes;
}

/** True for a Route 53 ChangeResourceRecordSets call (POST .../hostedzone/<id>/rrset[/]). */
export function isChangeResourceRecordSets(request: Pick<RecordedRequest, 'method' | 'path'>): boolean {
  return request.method === 'POST' && /\/hostedzone\/[^/]+\/rrset\/?(\?|$)/.test(request.path);
}
