/**
 * The port contracts (test/_helpers/contracts) against the fakes the core's unit tests use, and
 * against the adapters that need neither a process nor a socket (the local state store on a temp
 * directory, the system clock). test/integration/adapters/contracts.test.ts runs the same bodies
 * against the AWS adapters on the emulator, so a fake that drifts from its adapter fails here or there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { LocalStateStore } from '../../../src/adapters/state/local.js';
import { clockContract } from '../../_helpers/contracts/clock.js';
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
