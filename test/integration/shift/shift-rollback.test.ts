/**
 * A gate that fails during a bake rolls traffic back: exit 3, Route 53 back at the starting weights
 * in ONE ChangeResourceRecordSets call (seen on the wire through a recording proxy), then the var
 * file and Terraform reconciled.
 */
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, exited, setStartingWeights, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { isChangeResourceRecordSets, parseRoute53Changes, startAwsProxy, type AwsProxy } from '../../_helpers/aws-proxy.js';

let emulator: Emulator;
let proxy: AwsProxy;
let ws: Workspace;
let cloudwatch: CloudWatchClient;

const START = { 'cluster-a': 90, 'cluster-b': 10 };
const ALARM = 'cluster-b-5xx';

async function setAlarm(state: 'OK' | 'ALARM'): Promise<void> {
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: state, StateReason: `test set ${state}` }));
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  proxy = await startAwsProxy({ target: emulator.endpoint });
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  await setStartingWeights(ws, START);
  // Gates only now: `cluster create` checks them too, and cluster-a has no alarm.
  await ws.configure([[['gates'], [{ type: 'alarm', alarms: ['{cluster}-5xx'] }]]]);
  cloudwatch = new CloudWatchClient({ endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: ALARM,
      Namespace: 'Test/Ingress',
      MetricName: 'HTTPCode_5XX',
      Dimensions: [{ Name: 'Cluster', Value: 'cluster-b' }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  await setAlarm('OK');
});

afterAll(async () => {
  cloudwatch?.destroy();
  await ws?.cleanup();
  await proxy?.close();
  await emulator?.stop();
});

describe('a gate that fails during the bake of step 1', () => {
  it('rolls back to the starting weights with one Route 53 change, exits 3, and leaves Terraform clean', async () => {
    const before = (await ws.journal()).length;
    // Only Route 53 goes through the proxy (curvectl's SDK calls and Terraform's provider alike).
    // A long bake: the gate failure ends it (gates are polled every 1 s), and a busy machine can
    // never let step 2 start before the alarm is set.
    const child = ws.spawn(['shift', '--to', 'cluster-b', '--step', '45', '--bake', '10m', '--yes'], {
      env: { AWS_ENDPOINT_URL_ROUTE_53: proxy.url },
    });
    const code = exited(child);

    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`shift exited early (${child.exitCode}):\n${child.output().stderr}`);
        return (await ws.journal()).slice(before).find((e) => e.type === 'shift.step.done' && e.data?.index === 1);
      },
      'step 1 done',
      180_000,
    );
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 45, 'cluster-b': 55 });
    await setAlarm('ALARM');

    expect(await code, child.output().stderr).toBe(3);
    const { stderr, stdout } = child.output();
    expect(stderr).toMatch(/cluster-b-5xx is ALARM/);
    expect(stdout).toMatch(/rolled back/);

    // Route 53, read with the SDK; the var file; Terraform.
    expect(await ws.liveWeights()).toEqual(START);
    expect(await ws.desiredWeights()).toEqual(START);
    const plan = await ws.planTraffic();
    expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).toBe(0);

    const events = (await ws.journal()).slice(before);
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'shift.planned',
      'shift.step.intent',
      'shift.step.done',
      'shift.rollback.started',
      'shift.rollback.dns-done',
      'shift.rolled-back',
    ]);
    const started = events.find((e) => e.type === 'shift.rollback.started')!;
    const dnsDone = events.find((e) => e.type === 'shift.rollback.dns-done')!;
    expect(started.data).toMatchObject({ cause: 'gate', to: START, index: 1 });
    expect(dnsDone.data).toMatchObject({ weights: START, skipped: false });
    expect(events.at(-1)?.data).toMatchObject({ cause: 'gate', weights: START, planClean: true });

    // Exactly one Route 53 write between the two journal events, and it holds a DELETE (as read)
    // and a CREATE (weight of W0) for every weighted record.
    const from = Date.parse(started.at);
    const to = Date.parse(dnsDone.at);
    const writes = proxy.requests.filter((r) => isChangeResourceRecordSets(r) && r.startedAt >= from && r.startedAt <= to);
    expect(writes, JSON.stringify(proxy.requests.map((r) => [r.method, r.path, r.startedAt]))).toHaveLength(1);
    const write = writes[0]!;
    expect(write.status).toBe(200);
    const changes = parseRoute53Changes(write.body);
    const summary = changes.map((c) => `${c.action} ${c.setIdentifier} ${c.weight}`).sort();
    expect(summary).toEqual(['CREATE cluster-a 90', 'CREATE cluster-b 10', 'DELETE cluster-a 45', 'DELETE cluster-b 55']);
    for (const change of changes) {
      expect(change).toMatchObject({ name: 'api.example.test.', type: 'CNAME' });
      expect(change.value).toContain(`${change.setIdentifier}-ingress`);
    }
    // The proxy saw the rest of the traffic too (reads, Terraform's own writes): it really was in the path.
    expect(proxy.requests.filter(isChangeResourceRecordSets).length).toBeGreaterThan(1);
  });
});
