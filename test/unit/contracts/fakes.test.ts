/**
 * The port contracts (test/_helpers/contracts) against the fakes the core's unit tests use, and
 * against the adapters that need neither a process nor a socket (the local state store on a temp
 * directory, the system clock). test/integration/adapters/contracts.test.ts runs the same bodies
 * against the AWS adapters on the emulator, and test/integration/adapters/io-contracts.test.ts
 * against the process and HTTP adapters on real processes and local servers, so a fake that drifts
 * from its adapter fails here or there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { LocalStateStore } from '../../../src/adapters/state/local.js';
import { clockContract } from '../../_helpers/contracts/clock.js';
import { commandContract } from '../../_helpers/contracts/command.js';
import { flowMetricsContract } from '../../_helpers/contracts/flow-metrics.js';
import { httpClientContract, httpProbeContract, type HttpWorld, type ServerRequest } from '../../_helpers/contracts/http.js';
import { leftoversContract } from '../../_helpers/contracts/leftovers.js';
import { SECRET_TOKEN, webhookContract } from '../../_helpers/contracts/webhook.js';
import { cloudWatchContract, eksContract, elbv2Contract } from '../../_helpers/contracts/aws-reads.js';
import { desiredWeightsContract } from '../../_helpers/contracts/desired-weights-store.js';
import { stacksContract } from '../../_helpers/contracts/stacks.js';
import { stateStoreContract } from '../../_helpers/contracts/state-store.js';
import { trafficDnsContract } from '../../_helpers/contracts/traffic-dns.js';
import {
  FakeClock,
  FakeCloudWatch,
  FakeDesiredWeights,
  FakeDns,
  FakeEks,
  FakeElbv2,
  FakeStacks,
  FakeStateStore,
  SharedWeightsItem,
  ingressOf,
} from '../../_helpers/fakes.js';
import { FakeCommand } from '../../_helpers/fake-command.js';
import { FakeFlowMetrics } from '../../_helpers/fake-flow-metrics.js';
import { FakeHttp, FakeHttpClient } from '../../_helpers/fake-http.js';
import { TaggedLeftovers } from '../../_helpers/fake-leftovers.js';
import { FakeWebhook } from '../../_helpers/fake-webhook.js';

/** A fake clock that moves 1 ms on every read, so two lock holdings never share a start time. */
class TickingClock extends FakeClock {
  override now(): Date {
    this.advance(1);
    return super.now();
  }
}

stateStoreContract({
  name: 'FakeStateStore',
  async fresh() {
    const store = new FakeStateStore(new TickingClock());
    return { store, other: store, makeFirstGone: () => store.markStale(), otherWarnings: () => store.warnings };
  },
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

stateStoreContract({
  name: 'LocalStateStore',
  async fresh() {
    const dir = await mkdtemp(path.join(tmpdir(), 'curvectl-contract-'));
    dirs.push(dir);
    // Two processes on one host: pid 1001 (the first operator) and 1002; "gone" is decided here, not by the OS.
    const gone = new Set<number>();
    const warnings: string[] = [];
    const isAlive = (pid: number) => !gone.has(pid);
    const store = new LocalStateStore({ dir, owner: 'alice', host: 'contract-host', pid: 1001, isAlive });
    const other = new LocalStateStore({ dir, owner: 'bob', host: 'contract-host', pid: 1002, isAlive, onWarning: (m) => warnings.push(m) });
    return { store, other, makeFirstGone: () => gone.add(1001), otherWarnings: () => warnings };
  },
});

trafficDnsContract({
  name: 'FakeDns',
  enforcesCompareAndSwap: true,
  async fresh(weights) {
    return new FakeDns(weights);
  },
  async setBehindTheBack(dns, cluster, weight) {
    (dns as FakeDns).setWeights({ [cluster]: weight });
  },
});

desiredWeightsContract({
  name: 'FakeDesiredWeights',
  async fresh() {
    const item = new SharedWeightsItem();
    // One traffic lock for both, as the table's lock item is.
    let holder: string | undefined;
    const operator = (name: string) => ({
      weights: new FakeDesiredWeights(undefined, { item, holdsLock: () => holder === name }),
      lock: async () => {
        if (holder !== undefined) throw new Error(`${holder} holds the lock`);
        holder = name;
      },
      unlock: async () => {
        if (holder === name) holder = undefined;
      },
    });
    return { alice: operator('alice'), bob: operator('bob') };
  },
});

eksContract({
  name: 'FakeEks',
  listsNodegroupsOfAbsentCluster: true,
  async withCluster(name, version, nodegroups) {
    return new FakeEks().addCluster(name, { version }, nodegroups.map((g) => ({ name: g, status: 'ACTIVE', version, healthIssues: [] })));
  },
});

elbv2Contract({
  name: 'FakeElbv2',
  async withHealthyLoadBalancer() {
    const dnsName = ingressOf('contract');
    return { elbv2: new FakeElbv2().set(dnsName, ['healthy', 'healthy']), dnsName, targets: 2 };
  },
});

cloudWatchContract({
  name: 'FakeCloudWatch',
  async withAlarms(alarms) {
    const cw = new FakeCloudWatch();
    for (const a of alarms) cw.setAlarm(a.name, a.state, a.reason);
    return cw;
  },
  async withMetric(metric) {
    const cw = new FakeCloudWatch();
    cw.sums.set(metric.metricName, metric.values.reduce((a, b) => a + b, 0));
    return cw;
  },
});

stacksContract({
  name: 'FakeStacks',
  async fresh() {
    return new FakeStacks(new FakeDns({}));
  },
});

clockContract('FakeClock', () => new FakeClock());
clockContract('systemClock', () => systemClock);

// -----------------------------------------------------------------------------------------------
// The ports that wait on AWS, a process or a server (their adapters: the integration tier).

flowMetricsContract({
  name: 'FakeFlowMetrics',
  networkArns: true,
  async withLoadBalancers(lbs) {
    const flows = new FakeFlowMetrics();
    const loadBalancers = lbs.map(({ name, points }) => {
      const dimension = flows.addNlb(name, ingressOf(name));
      for (const point of points) flows.publish(dimension, point);
      return { name, dnsName: ingressOf(name), dimension };
    });
    return { flows, loadBalancers };
  },
});

leftoversContract({
  name: 'TaggedLeftovers',
  async withResources(seed) {
    const hex = (i: number) => (0x0abc0000 + i).toString(16).padStart(17, '0');
    const idOf = (kind: string, name: string | undefined, i: number): string => {
      const arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012';
      if (kind === 'load-balancer') return `${arn}:loadbalancer/net/${name ?? `lb-${i}`}/${hex(i)}`;
      if (kind === 'target-group') return `${arn}:targetgroup/${name ?? `tg-${i}`}/${hex(i)}`;
      return `${{ 'security-group': 'sg', volume: 'vol', 'network-interface': 'eni' }[kind]}-${hex(i)}`;
    };
    const ids = Object.fromEntries(seed.map((r, i) => [r.key, idOf(r.kind, r.name, i)]));
    const named = (kind: string) => kind === 'load-balancer' || kind === 'target-group';
    const leftovers = new TaggedLeftovers(
      seed.map((r) => ({
        kind: r.kind,
        id: ids[r.key]!,
        ...(named(r.kind) && r.name ? { name: r.name } : {}),
        // EC2 resources are named by their Name tag.
        tags: { ...r.tags, ...(!named(r.kind) && r.name ? { Name: r.name } : {}) },
        ...(r.forwardedBy ? { forwardedBy: ids[r.forwardedBy]! } : {}),
        ...(r.securityGroup ? { securityGroup: ids[r.securityGroup]! } : {}),
        ...(r.attached ? { attached: true } : {}),
      })),
    );
    return { leftovers, ids, exists: async (_kind, id) => leftovers.resources.has(id) };
  },
});

commandContract({
  name: 'FakeCommand',
  async fresh() {
    const command = new FakeCommand()
      .program('print-args', ([code, ...args]) => ({ exitCode: Number(code), output: args.join('\n') }))
      .program('run-forever', 'forever')
      .program('no-such-program', 'missing');
    return {
      command,
      printArgs: (exitCode, args) => ['print-args', String(exitCode), ...args],
      forever: () => ['run-forever'],
      missing: () => ['no-such-program'],
    };
  },
});

/** A world of fake servers, one origin each, for either HTTP fake; `received` says what a server would have got. */
function fakeServers<P extends FakeHttp | FakeHttpClient>(port: P, received: (port: P, refused: ReadonlySet<string>) => ServerRequest[]): HttpWorld<P> {
  let n = 0;
  const refused = new Set<string>();
  const origin = () => `http://server-${++n}.fake.test`;
  return {
    port,
    async answering(status, body = '', path = '/') {
      const url = `${origin()}${path}`;
      port.serve(url, { status, body });
      return url;
    },
    async unreachable(path = '/') {
      const url = `${origin()}${path}`;
      port.serve(url, 'refused');
      refused.add(new URL(url).origin);
      return url;
    },
    async hanging() {
      const url = `${origin()}/`;
      port.serve(url, 'hang');
      return url;
    },
    arrived: (url) => port.arrived(url),
    received: () => received(port, refused),
  };
}

httpProbeContract({
  name: 'FakeHttp',
  async fresh() {
    return fakeServers(new FakeHttp(), (http, refused) =>
      http.probes
        .filter((p) => !refused.has(new URL(p.url).origin))
        .map((p) => {
          const url = new URL(p.url);
          return { method: 'GET', path: `${url.pathname}${url.search}`, host: p.host ?? url.host, headers: {}, body: '' };
        }),
    );
  },
});

httpClientContract({
  name: 'FakeHttpClient',
  async fresh() {
    return fakeServers(new FakeHttpClient(), (client, refused) =>
      client.requests
        .filter((r) => !refused.has(new URL(r.url).origin))
        .map((r) => {
          const url = new URL(r.url);
          const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          return {
            method: r.method,
            path: `${url.pathname}${url.search}`,
            host: url.host,
            headers: r.json !== undefined ? { ...headers, 'content-type': 'application/json' } : headers,
            body: r.json !== undefined ? JSON.stringify(r.json) : '',
          };
        }),
    );
  },
});

webhookContract({
  name: 'FakeWebhook',
  async fresh() {
    const webhooks = new FakeWebhook();
    let n = 0;
    const url = () => `https://hooks.fake.test/services/${SECRET_TOKEN}/${++n}`;
    return {
      webhooks,
      async receiver(answers) {
        const u = url();
        webhooks.answer(u, answers);
        return u;
      },
      async unreachable() {
        const u = url();
        webhooks.answer(u, ['refused']);
        return u;
      },
      arrived: (count) => webhooks.arrived(count),
      received: () => webhooks.posts.map((p) => ({ body: JSON.stringify(p.body), contentType: 'application/json' })),
    };
  },
});
