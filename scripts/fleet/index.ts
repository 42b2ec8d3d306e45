/**
 * The client fleet: real clients against the emulated AWS, so a test or the demo can count what a
 * traffic shift does to requests. It is made of
 *   - an authoritative DNS server for the hosted zone (dns-server.ts), answering from Route 53's
 *     records as read through the SDK, with Route 53's weighted choice and the record's TTL;
 *   - one HTTP server per network load balancer the emulator has (lb-server.ts), on a loopback
 *     address of its own, alive exactly while the load balancer exists (polled);
 *   - clients (client.ts) resolving through Node's resolver and pooling keep-alive connections;
 *   - each load balancer's flow metrics put to CloudWatch every few seconds (flow-metrics.ts).
 * curvectl knows nothing of it: it reads Route 53 and CloudWatch as it would on AWS.
 *
 * Not part of what users install (package.json "files"); the demo and the traffic tests import it.
 */
import { AnswerCache } from './answer-cache.js';
import { FleetClient } from './client.js';
import { startDnsServer, type DnsServer } from './dns-server.js';
import { MetricsPublisher } from './flow-metrics.js';
import { LbServer, type Injection } from './lb-server.js';
import { Tally, type Totals } from './tally.js';
import { seededRandom } from './weighted-choice.js';
import { loadBalancerDimension, ZoneView, type AwsTarget, type LoadBalancer } from './zone-view.js';

export { AnswerCache, Tally, type Injection, type Totals, type AwsTarget };
export { shareOf, type Outcome, type FailureReason } from './tally.js';

export interface FleetOptions {
  readonly aws: AwsTarget;
  /** The hosted zone the DNS server is authoritative for, e.g. example.test. */
  readonly zone: string;
  /** The weighted name clients call, e.g. api.example.test. */
  readonly hostname: string;
  /** Number of clients; default 20. */
  readonly clients?: number;
  /** Fraction of clients that ignore the TTL (0-1); default 0.25. */
  readonly ignoreTtlFraction?: number;
  /** How long a TTL-ignoring client keeps an answer; default 30 s. */
  readonly ignoreTtlForMs?: number;
  /** Keep-alive pool: idle timeout (default 4 s) and maximum connection age (default 5 s). */
  readonly pool?: { readonly idleMs?: number; readonly maxAgeMs?: number };
  /** Pause between two requests of one client; default 100 ms. */
  readonly thinkMs?: number;
  /** A request with no answer within this fails as a timeout; default 10 s (a loaded machine must not fail requests). */
  readonly requestTimeoutMs?: number;
  /** How often the emulator is polled for records and load balancers; default 500 ms. */
  readonly pollMs?: number;
  /** How often each load balancer puts its metrics; default 2 s; 0: never (a load balancer with no metric data). */
  readonly publishMs?: number;
  /** The cluster behind a load balancer; default its name without "-ingress" (the cluster stack's naming). */
  readonly clusterOf?: (lb: LoadBalancer) => string;
  /** Seed of every random choice (DNS answers, injected errors, think-time jitter). */
  readonly seed?: number;
  /** How long to wait for the name to resolve to a live load balancer before clients start; default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Called with a line when something happens (a load balancer appears or goes). */
  readonly log?: (line: string) => void;
}

interface LiveLb {
  readonly lb: LoadBalancer;
  readonly cluster: string;
  readonly address: string;
  readonly server: LbServer;
  readonly dimension: string;
}

export interface LbInfo {
  readonly cluster: string;
  readonly name: string;
  readonly address: string;
  readonly dimension: string;
  readonly openConnections: number;
}

/** A load balancer appearing (its server starts) or going (its listener closes, its connections are reset). */
export interface LbEvent {
  readonly at: number;
  readonly type: 'up' | 'down';
  readonly cluster: string;
  readonly name: string;
  /** For 'down': connections open at that moment, reset. */
  readonly resetConnections?: number;
}

export interface Fleet {
  readonly dnsPort: number;
  readonly httpPort: number;
  readonly tally: Tally;
  readonly clients: readonly FleetClient[];
  /** The load balancers with a live server now. */
  loadBalancers(): LbInfo[];
  /** Every load balancer that appeared or went, oldest first. */
  events(): readonly LbEvent[];
  /** Errors or latency for one cluster's requests from now on ({} to stop). */
  inject(cluster: string, injection: Injection): void;
  totals(): Totals;
  /** Resolves once `check` holds on a poll of the emulator (or rejects after timeoutMs). */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Stops the clients first (their last requests are counted), then the servers. */
  stop(): Promise<Totals>;
}

const defaultClusterOf = (lb: LoadBalancer) => lb.name.replace(/-ingress$/, '');

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const random = seededRandom(options.seed ?? 1);
  const log = options.log ?? (() => {});
  const clusterOf = options.clusterOf ?? defaultClusterOf;
  const pollMs = options.pollMs ?? 500;
  const publishMs = options.publishMs ?? 2000;
  const view = new ZoneView(options.aws, options.zone);
  const publisher = new MetricsPublisher(options.aws);
  const tally = new Tally();
  const live = new Map<string, LiveLb>(); // by ARN
  const addresses = new Map<string, string>(); // ARN => loopback address, never reused
  const clusterByArn = new Map<string, string>(); // kept after the load balancer is gone
  const injections = new Map<string, Injection>(); // by cluster
  let httpPort = 0;
  let stopped = false;
  const waiters = new Set<() => void>();
  const events: LbEvent[] = [];

  const addressFor = (arn: string) => {
    let address = addresses.get(arn);
    if (!address) {
      if (addresses.size >= 240) throw new Error('the fleet ran out of loopback addresses (240 load balancers)');
      address = `127.0.0.${10 + addresses.size}`;
      addresses.set(arn, address);
    }
    return address;
  };

  const reconcile = async () => {
    const snapshot = view.snapshot;
    const present = new Set(snapshot.loadBalancers.map((lb) => lb.arn));
    for (const [arn, entry] of live) {
      if (present.has(arn)) continue;
      live.delete(arn);
      // The last period up to the deletion, then the listener goes and its connections are reset.
      const period = entry.server.drain();
      events.push({ at: Date.now(), type: 'down', cluster: entry.cluster, name: entry.lb.name, resetConnections: period.activeFlows });
      await entry.server.destroy();
      log(`load balancer ${entry.lb.name} (${entry.cluster}, ${entry.address}) is gone: listener closed, ${period.activeFlows} connection(s) reset`);
      if (publishing) void publisher.publish(period, entry.dimension, entry.cluster);
    }
    for (const lb of snapshot.loadBalancers) {
      if (live.has(lb.arn)) continue;
      const address = addressFor(lb.arn);
      const cluster = clusterOf(lb);
      try {
        const server = await LbServer.start({ address, port: httpPort, cluster, random });
        httpPort = server.port;
        clusterByArn.set(lb.arn, cluster);
        const injection = injections.get(cluster);
        if (injection) server.inject(injection);
        live.set(lb.arn, { lb, cluster, address, server, dimension: loadBalancerDimension(lb.arn) });
        events.push({ at: Date.now(), type: 'up', cluster, name: lb.name });
        log(`load balancer ${lb.name} (${cluster}) serves on ${address}:${httpPort}`);
      } catch (error) {
        log(`load balancer ${lb.name}: could not listen on ${address}:${httpPort}: ${(error as Error).message}`);
      }
    }
  };

  let polling = Promise.resolve();
  const poll = async () => {
    await view.refresh();
    if (stopped) return;
    await reconcile();
    for (const wake of [...waiters]) wake();
  };
  await poll();
  const pollTimer = setInterval(() => {
    polling = polling.then(poll).catch((error: unknown) => log(`poll failed: ${(error as Error).message}`));
  }, pollMs);
  const publishing = publishMs > 0;
  const publishTimer = setInterval(() => {
    if (!publishing) return;
    const at = new Date();
    for (const entry of live.values()) void publisher.publish(entry.server.drain(), entry.dimension, entry.cluster, at);
  }, publishing ? publishMs : 60_000);

  const addressOf = (dnsName: string) => {
    for (const entry of live.values()) if (entry.lb.dnsName === dnsName) return entry.address;
    return undefined;
  };
  const dns: DnsServer = await startDnsServer({ view: () => view.snapshot, addressOf, zone: options.zone, random });

  const until = (check: () => boolean, what: string, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`fleet: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
    });

  const hostname = options.hostname.replace(/\.$/, '').toLowerCase();
  const clients: FleetClient[] = [];
  const stopAll = async () => {
    stopped = true;
    clearInterval(pollTimer);
    clearInterval(publishTimer);
    await Promise.all(clients.map((c) => c.stop()));
    await polling.catch(() => {});
    for (const entry of live.values()) {
      if (publishing) await publisher.publish(entry.server.drain(), entry.dimension, entry.cluster);
      await entry.server.destroy();
    }
    live.clear();
    await dns.close();
    view.destroy();
    publisher.destroy();
  };

  try {
    // Clients start once the name leads to a load balancer that answers.
    await until(
      () => (view.snapshot.records.get(hostname) ?? []).some((r) => addressOf(r.value) !== undefined),
      `${hostname} to resolve to a live load balancer`,
      options.readyTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }

  const count = options.clients ?? 20;
  const ignoring = Math.round(count * (options.ignoreTtlFraction ?? 0.25));
  const clusterAt = (address: string) => {
    for (const [arn, a] of addresses) if (a === address) return clusterByArn.get(arn);
    return undefined;
  };
  // The TTL-ignoring clients, spread evenly over the ids (every fourth one for a quarter).
  const ignoringIds = new Set(Array.from({ length: ignoring }, (_, i) => Math.floor((i * count) / ignoring)));
  const thinkMs = options.thinkMs ?? 100;
  for (let id = 0; id < count; id += 1) {
    const client = new FleetClient({
      id,
      hostname,
      port: httpPort,
      dnsServer: `127.0.0.1:${dns.port}`,
      // Spread the TTL-ignoring clients over the ids (1 in 4 for a quarter).
      honoursTtl: !ignoringIds.has(id),
      holdMs: options.ignoreTtlForMs ?? 30_000,
      pool: { idleMs: options.pool?.idleMs ?? 4000, maxAgeMs: options.pool?.maxAgeMs ?? 5000 },
      thinkMs: Math.round(thinkMs * (0.75 + random() / 2)),
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      tally,
      clusterAt,
    });
    clients.push(client);
  }
  // Staggered over one think time so the clients do not move in lockstep.
  clients.forEach((client, i) => setTimeout(() => !stopped && client.start(), Math.floor((i * thinkMs) / count)));

  return {
    dnsPort: dns.port,
    httpPort,
    tally,
    clients,
    loadBalancers: () =>
      [...live.values()].map((e) => ({ cluster: e.cluster, name: e.lb.name, address: e.address, dimension: e.dimension, openConnections: e.server.openConnections })),
    events: () => events,
    inject(cluster, injection) {
      injections.set(cluster, injection);
      for (const entry of live.values()) if (entry.cluster === cluster) entry.server.inject(injection);
    },
    totals: () => tally.totals(),
    until,
    async stop() {
      if (!stopped) await stopAll();
      return tally.totals();
    },
  };
}
