// HTTP, for the http, prometheus and web gates.

export interface HttpProbePort {
  /** One GET; resolves with the status code, rejects on network errors and timeouts. */
  probe(url: string, options: { host?: string; timeoutMs: number; signal?: AbortSignal }): Promise<{ status: number }>;
}

/** One HTTP request with its answer read (prometheus and web gates; implemented with fetch). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  /** The body as text (bounded: a huge answer is cut, never read whole into memory). */
  readonly body: string;
}

export interface HttpClientPort {
  /** Resolves with any status code; rejects on network errors and timeouts (CurvectlError ENVIRONMENT). */
  request(request: HttpRequest): Promise<HttpAnswer>;
}
