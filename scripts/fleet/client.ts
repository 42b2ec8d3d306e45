/**
 * One client of the fleet: it resolves the API name through Node's real resolver (c-ares) pointed
 * at the fleet's DNS server, keeps the answer in its own cache (honouring the TTL, or ignoring it for
 * a longer hold), and sends requests one after another over a keep-alive pool whose connections close
 * after an idle timeout or at a maximum age. Like a real HTTP client, it asks DNS only when it opens
 * a new connection: a pooled connection keeps going to the load balancer it was opened to.
 */
import http from 'node:http';
import { Resolver } from 'node:dns/promises';
import type { Duplex } from 'node:stream';
import type { LookupFunction } from 'node:net';
import { AnswerCache } from './answer-cache.js';
import { freeConnectionTimeout, type PoolLimits } from './pool-ageing.js';
import { classifyError, type Tally } from './tally.js';

export interface ClientOptions {
  readonly id: number;
  /** The name clients call (the weighted record). */
  readonly hostname: string;
  readonly port: number;
  /** "127.0.0.1:PORT" of the fleet's DNS server. */
  readonly dnsServer: string;
  readonly honoursTtl: boolean;
  /** How long a TTL-ignoring client keeps an answer. */
  readonly holdMs: number;
  readonly pool: PoolLimits;
  /** Pause between two requests of this client. */
  readonly thinkMs: number;
  readonly requestTimeoutMs: number;
  readonly tally: Tally;
  /** Which cluster a load balancer address belongs to (for failures that got no answer). */
  readonly clusterAt: (address: string) => string | undefined;
  readonly now?: () => number;
}

/** An http.Agent whose free connections close at their idle timeout or at their maximum age. */
class AgeingAgent extends http.Agent {
  readonly born = new WeakMap<Duplex, number>();

  constructor(private readonly limits: PoolLimits, private readonly now: () => number) {
    super({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: limits.idleMs, scheduling: 'lifo' });
  }

  override keepSocketAlive(socket: Duplex): boolean {
    const timeout = freeConnectionTimeout(this.born.get(socket) ?? 0, this.now(), this.limits);
    if (timeout === 'close') return false;
    (super.keepSocketAlive as (s: Duplex) => boolean)(socket);
    (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(timeout);
    return true;
  }
}

export class FleetClient {
  private readonly resolver: Resolver;
  private readonly cache: AnswerCache;
  private readonly agent: AgeingAgent;
  private readonly now: () => number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastAddress: string | undefined;
  /** Connections this client opened (each one a new flow at some load balancer). */
  connections = 0;
  /** The cluster that served this client's latest successful request (undefined before the first). */
  lastServedBy: string | undefined;

  constructor(readonly options: ClientOptions) {
    this.now = options.now ?? Date.now;
    this.resolver = new Resolver({ timeout: 1000, tries: 2 });
    this.resolver.setServers([options.dnsServer]);
    this.cache = new AnswerCache({ honoursTtl: options.honoursTtl, holdMs: options.holdMs });
    this.agent = new AgeingAgent(options.pool, this.now);
  }

  /**
   * Forgets the cached answer, as restarting a JVM or flushing a pinned resolver does: the next new
   * connection asks DNS again. The pooled connection keeps going until its idle timeout or maximum age.
   */
  flushDnsCache(): void {
    this.cache.clear();
  }

  /** The address the client's cache holds now, if any. */
  get cachedAddress(): string | undefined {
    return this.cache.get(this.now())?.address;
  }

  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    const reply = (address: string) => {
      this.lastAddress = address;
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    };
    const cached = this.cache.get(this.now());
    if (cached) return reply(cached.address);
    this.resolver
      .resolve4(hostname, { ttl: true })
      .then((answers) => {
        const first = answers[0];
        if (!first) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENODATA' });
        // c-ares reports the smallest TTL along the CNAME chain, as a resolver's cache would keep it.
        this.cache.put(first.address, first.ttl, this.now());
        reply(first.address);
      })
      .catch((error: NodeJS.ErrnoException) => callback(Object.assign(error, { dns: true }), '', 4));
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.once();
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.thinkMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** One request, counted in the tally. */
  once(): Promise<void> {
    const { tally, id, honoursTtl } = this.options;
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (outcome: { cluster?: string; failure?: ReturnType<typeof classifyError> }) => {
        if (settled) return;
        settled = true;
        tally.record({ at: this.now(), client: id, honoursTtl, ...outcome });
        if (!outcome.failure && outcome.cluster !== undefined) this.lastServedBy = outcome.cluster;
        resolve();
      };
      const req = http.request(
        { host: this.options.hostname, port: this.options.port, path: '/', method: 'GET', agent: this.agent, lookup: this.lookup, headers: { host: this.options.hostname } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            const cluster = (res.headers['x-cluster'] as string | undefined) ?? (body.trim() || undefined);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) finish(cluster ? { cluster } : {});
            else finish({ ...(cluster ? { cluster } : {}), failure: { reason: status >= 500 ? 'http-5xx' : 'other', detail: `HTTP ${status}` } });
          });
          res.on('error', (error) => finish({ failure: classifyError(error), ...this.clusterOfLast() }));
        },
      );
      req.on('socket', (socket) => {
        if (!this.agent.born.has(socket)) {
          this.agent.born.set(socket, this.now());
          this.connections += 1;
        }
      });
      req.setTimeout(this.options.requestTimeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.options.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => finish({ failure: classifyError(error), ...this.clusterOfLast() }));
      req.end();
    });
  }

  private clusterOfLast(): { cluster?: string } {
    const cluster = this.lastAddress ? this.options.clusterAt(this.lastAddress) : undefined;
    return cluster ? { cluster } : {};
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.agent.destroy();
    this.resolver.cancel();
  }
}
