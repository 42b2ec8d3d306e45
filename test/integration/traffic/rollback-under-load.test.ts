/**
 * A rollback under load: the client fleet runs through a whole shift; after step 1, errors (HTTP
 * 503) are injected into the target cluster; the metric gate (errors / requests from CloudWatch)
 * fails, curvectl rolls Route 53 back to W0 by itself (exit 3), and the clients' failures stop
 * within TTL + connection age after the rollback for clients that honour the TTL (within their hold
 * + connection age for those that ignore it). Measured and printed.
 *
 * Stub clusters (no Terraform cluster stack: nothing here is retired) pointing at network load
 * balancers made through the SDK, so the fleet has a load balancer per cluster to serve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { createIngressNlbs, describeTotals, fleetFor, SUITE_LOAD, type Fleet } from '../../_helpers/traffic.js';

const TTL_S = 5;
/** The fleet polls the emulator every 500 ms; a client's last request may have started just before. */
const SLACK_MS = 1500;

let emulator: Emulator;
let ws: Workspace;
let fleet: Fleet | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  const nlbs = await createIngressNlbs(emulator, ['cluster-a', 'cluster-b']);
  ws = await createWorkspace({ emulator, ttl: TTL_S });
  for (const name of ['cluster-a', 'cluster-b']) {
    await ws.configure([[['cluster', 'variables'], { ingress_dns_name: nlbs[name]!.dnsName }]]);
    const created = await ws.run(['cluster', 'create', name, '--yes']);
    expect(created.code, created.stderr).toBe(0);
  }
  // The gate only now (cluster create checks gates too): 5xx / requests of the target's ingress.
  await ws.configure([
    // The bake starts the moment Route 53 is INSYNC (the Terraform catch-up runs during it), and for
    // the first seconds the target has too few requests for the gate: clients turn over within the
    // 5 s TTL and the fleet publishes every 2 s. That is an error (fail closed), not a pass; 10 of
    // them in a row at the 1 s gate interval cover the turnover, so only the injected 503s fail it.
    [['shift', 'gateErrorLimit'], 10],
    [
      ['gates'],
      [
        {
          type: 'metric',
          namespace: 'Ingress',
          errors: { metricName: 'HTTPCode_5XX_Count', dimensions: { Cluster: '{cluster}' } },
          total: { metricName: 'RequestCount', dimensions: { Cluster: '{cluster}' } },
          maxRatio: 0.05,
          window: '10s',
          minTotal: 10,
        },
      ],
    ],
  ]);
  fleet = await fleetFor(emulator);
});

afterAll(async () => {
  await fleet?.stop();
  await ws?.cleanup();
  await emulator?.stop();
});

describe('a rollback under load', () => {
  it('the metric gate fails on injected errors, Route 53 goes back to W0, and failures stop within TTL + connection age', async () => {
    const f = fleet!;
    await f.until(() => (f.totals().served['cluster-a'] ?? 0) >= 100, 'traffic on cluster-a', 30_000);
    expect(f.totals().failed).toBe(0);
    const before = (await ws.journal()).length;
    // A long bake: the gate failure ends it (polled every 1 s), and step 2 can never come first.
    const child = ws.spawn(['shift', '--to', 'cluster-b', '--step', '25', '--bake', '10m', '--yes']);
    const code = exited(child);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.done' && e.data?.index === 1);
      },
      'step 1 done',
      180_000,
    );
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 75, 'cluster-b': 25 });
    await f.until(() => (f.totals().served['cluster-b'] ?? 0) >= 20, 'traffic on cluster-b', 30_000);
    expect(f.totals().failed).toBe(0);
    const injectedAt = Date.now();
    f.inject('cluster-b', { errorRate: 1, status: 503 });

    expect(await code, child.output().stderr).toBe(3);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    const journal = (await ws.journal()).slice(before);
    const dnsDone = journal.find((e) => e.type === 'shift.rollback.dns-done');
    expect(dnsDone, JSON.stringify(journal.map((e) => e.type))).toBeDefined();
    const rolledBackAt = Date.parse(dnsDone!.at);
    expect(rolledBackAt).toBeGreaterThan(injectedAt);

    // Wait until no client can reach cluster-b any more: no cached answer for it, no connection to
    // it (the TTL-ignoring clients take up to their 30 s hold plus the connection age).
    const age = SUITE_LOAD.pool.maxAgeMs;
    const b = f.loadBalancers().find((lb) => lb.cluster === 'cluster-b')!;
    await f.until(
      () => f.clients.every((c) => c.cachedAddress !== b.address) && f.loadBalancers().find((lb) => lb.cluster === 'cluster-b')?.openConnections === 0,
      'every client to leave cluster-b',
      SUITE_LOAD.ignoreTtlForMs + age + 20_000,
    );
    const leftAt = Date.now();
    const failures = f.tally.failuresSince(injectedAt);
    expect(failures.length).toBeGreaterThan(0); // the injected errors were seen by clients
    expect(failures.every((f) => f.cluster === 'cluster-b' && f.failure?.reason === 'http-5xx')).toBe(true);
    const last = (who: boolean) => Math.max(...failures.filter((f) => f.honoursTtl === who).map((f) => f.at), injectedAt);
    const honouringFor = last(true) - rolledBackAt;
    const ignoringFor = last(false) - rolledBackAt;
    const first = failures[0]!.at;
    console.log(
      `[traffic/rollback-under-load] errors injected at +0 ms; first failed request +${first - injectedAt} ms; Route 53 back at W0 +${rolledBackAt - injectedAt} ms; ` +
        `failures lasted for clients ${Math.max(honouringFor, ignoringFor) + (rolledBackAt - first)} ms in all: TTL-honouring clients' last failure ${honouringFor} ms after the rollback ` +
        `(bound: TTL ${TTL_S * 1000} + connection age ${age} ms), TTL-ignoring clients' ${ignoringFor} ms (bound: hold ${SUITE_LOAD.ignoreTtlForMs} + age ${age} ms); ` +
        `${failures.length} failed requests; ${describeTotals(f.totals())}`,
    );
    expect(honouringFor).toBeLessThanOrEqual(TTL_S * 1000 + age + SLACK_MS);
    expect(ignoringFor).toBeLessThanOrEqual(SUITE_LOAD.ignoreTtlForMs + age + SLACK_MS);
    // And nothing fails after that: 100 more requests (counted, not timed: a loaded machine sends
    // fewer per second) after the next whole second, all served by cluster-a.
    await f.until(() => Object.values(f.tally.servedBetween(leftAt + 1000, Date.now())).reduce((a, b) => a + b, 0) >= 100, '100 more requests', 60_000);
    expect(f.tally.failuresSince(leftAt)).toEqual([]);
    expect(Object.keys(f.tally.servedBetween(leftAt + 1000, Date.now()))).toEqual(['cluster-a']);
  });
});
