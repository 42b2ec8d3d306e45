/**
 * One HTTP server per load balancer, on that load balancer's loopback address, answering with its
 * cluster's name: the NLB and the cluster behind it in one. It counts what an NLB counts (new TCP
 * flows, open flows, bytes) and what the cluster's ingress would (requests, 5xx). Closing it is an
 * NLB deletion: the listener goes and every open connection is reset (RST), idle keep-alive ones too.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

export interface Injection {
  /** Fraction (0-1) of requests answered with `status`. */
  readonly errorRate?: number;
  /** HTTP status of an injected error; default 503. */
  readonly status?: number;
  /** Added before every answer. */
  readonly latencyMs?: number;
}

/** Counters since the previous `drain()`: what one metrics period holds. */
export interface FlowPeriod {
  readonly newFlows: number;
  /** Most connections open at once during the period (including those open when it began). */
  readonly peakActiveFlows: number;
  readonly activeFlows: number;
  readonly processedBytes: number;
  readonly requests: number;
  readonly errors5xx: number;
}

export interface LbServerOptions {
  readonly address: string;
  readonly port: number;
  readonly cluster: string;
  readonly random: () => number;
  /** How long a server keeps an idle keep-alive connection: longer than any client's idle timeout. */
  readonly keepAliveTimeoutMs?: number;
}

export class LbServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private injection: Injection = {};
  private newFlows = 0;
  private peak = 0;
  private bytes = 0;
  private requests = 0;
  private errors = 0;
  private readonly seenBytes = new WeakMap<Socket, number>();
  private closed = false;

  private constructor(readonly options: LbServerOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 120_000;
    this.server.headersTimeout = this.server.keepAliveTimeout + 1000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      this.newFlows += 1;
      this.peak = Math.max(this.peak, this.sockets.size);
      socket.once('close', () => {
        this.countBytes(socket);
        this.sockets.delete(socket);
      });
    });
  }

  static async start(options: LbServerOptions): Promise<LbServer> {
    const lb = new LbServer(options);
    await new Promise<void>((resolve, reject) => {
      lb.server.once('error', reject);
      lb.server.listen(options.port, options.address, () => {
        lb.server.off('error', reject);
        resolve();
      });
    });
    return lb;
  }

  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.options.port;
  }

  get cluster(): string {
    return this.options.cluster;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  inject(injection: Injection): void {
    this.injection = { ...injection };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    req.once('end', () => {
      const { errorRate = 0, status = 503, latencyMs = 0 } = this.injection;
      const answer = () => {
        if (res.destroyed) return;
        this.requests += 1;
        const failing = errorRate > 0 && this.options.random() < errorRate;
        if (failing) this.errors += 1;
        const body = `${this.options.cluster}\n`;
        res.writeHead(failing ? status : 200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'x-cluster': this.options.cluster });
        res.end(body);
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  }

  private countBytes(socket: Socket): void {
    const total = socket.bytesRead + socket.bytesWritten;
    this.bytes += total - (this.seenBytes.get(socket) ?? 0);
    this.seenBytes.set(socket, total);
  }

  /** The counters of the period that ends now; the next period starts from here. */
  drain(): FlowPeriod {
    for (const socket of this.sockets) this.countBytes(socket);
    const period: FlowPeriod = {
      newFlows: this.newFlows,
      peakActiveFlows: this.peak,
      activeFlows: this.sockets.size,
      processedBytes: this.bytes,
      requests: this.requests,
      errors5xx: this.errors,
    };
    this.newFlows = 0;
    this.peak = this.sockets.size;
    this.bytes = 0;
    this.requests = 0;
    this.errors = 0;
    return period;
  }

  /** The load balancer is gone: stop listening and reset every connection, as an NLB deletion does. */
  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }
}
