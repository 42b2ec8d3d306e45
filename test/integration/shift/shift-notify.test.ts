/**
 * Notifications of whole shifts, through the real binary, real Terraform and the emulator, to local
 * webhook receivers: every chosen event arrives in order (a shift with a rollback); a receiver that
 * hangs or answers 500 costs at most the timeout per event and the shift still completes; the URLs
 * appear nowhere (stdout, stderr, the journal).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, setStartingWeights, type CliResult, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { startReceiver, type Receiver } from '../../_helpers/webhook-receiver.js';

let emulator: Emulator;
let ws: Workspace;
let json: Receiver;
let slack: Receiver;

const JSON_PATH = '/hooks/json/secret-json-token-4711';
const SLACK_PATH = '/services/T000/B000/secret-slack-token-0815';

function env(): Record<string, string> {
  return { CURVECTL_TEST_JSON_HOOK: json.url, CURVECTL_TEST_SLACK_HOOK: slack.url };
}

/** No URL, and no part of one that carries the credential, in anything curvectl printed or wrote. */
async function expectNoUrl(result: CliResult): Promise<void> {
  const journal = await readFile(path.join(ws.dir, '.curvectl', 'journal.jsonl'), 'utf8');
  for (const [where, text] of [['stdout', result.stdout], ['stderr', result.stderr], ['journal', journal]] as const) {
    for (const secret of ['secret-json-token-4711', 'secret-slack-token-0815', json.url, slack.url]) {
      expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  [json, slack] = await Promise.all([startReceiver(JSON_PATH), startReceiver(SLACK_PATH)]);
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  // UPSERTed starting weights: the emulator refuses to CREATE a weight it has seen CREATEd before.
  await setStartingWeights(ws, { 'cluster-a': 80, 'cluster-b': 20 });
  // A gate that passes below 100 % on the target (pre-flight at 20, step 1 at 60) and fails at 100 (the
  // bake of step 2): by the weight it is checked at ({weight}), not by how many times it ran, since a
  // bake polls again once its Terraform catch-up has finished.
  const script = path.join(ws.dir, 'gate.cjs');
  await writeFile(script, `process.exit(Number(process.argv[2]) >= 100 ? 1 : 0);\n`);
  await ws.configure([
    [['gates'], [{ type: 'command', argv: [process.execPath, script, '{weight}'], timeout: '30s' }]],
    [['notify'], [
      { type: 'json', urlEnv: 'CURVECTL_TEST_JSON_HOOK' },
      { type: 'slack', urlEnv: 'CURVECTL_TEST_SLACK_HOOK', events: ['plan', 'rollback', 'completed'], timeout: '1s', retries: 1 },
    ]],
  ]);
});

afterAll(async () => {
  await ws?.cleanup();
  await Promise.all([json?.close(), slack?.close()]);
  await emulator?.stop();
});

describe('notify', () => {
  it('tells each receiver its chosen events of a shift that rolls back, in order, without the URL anywhere', async () => {
    const result = await ws.run(['shift', '--to', 'cluster-b', '--steps', '60,100', '--bake', '0s', '--allow-short-bake', '--yes'], { env: env() });
    expect(result.code, result.stderr).toBe(3);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 80, 'cluster-b': 20 });

    const events = json.requests.map((r) => r.body as Record<string, any>);
    expect(json.requests.every((r) => r.path === JSON_PATH)).toBe(true);
    expect(events.map((e) => [e.event, e.type])).toEqual([
      ['plan', 'shift.planned'],
      ['start', 'shift.step.intent'],
      ['step', 'shift.step.done'],
      ['step', 'shift.step.done'],
      ['rollback', 'shift.rollback.started'],
      ['rollback', 'shift.rolled-back'],
    ]);
    expect(new Set(events.map((e) => e.op)).size).toBe(1);
    expect(events[0]).toMatchObject({ source: 'curvectl', record: 'api.example.test', data: { to: 'cluster-b', steps: [{ 'cluster-a': 40, 'cluster-b': 60 }, { 'cluster-a': 0, 'cluster-b': 100 }] } });
    expect(events[3]).toMatchObject({ data: { index: 2, total: 2, weights: { 'cluster-a': 0, 'cluster-b': 100 } } });
    expect(events[5]).toMatchObject({ data: { cause: 'gate', weights: { 'cluster-a': 80, 'cluster-b': 20 } } });

    const texts = slack.requests.map((r) => (r.body as { text: string }).text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^curvectl \(api\.example\.test\): Shift shift-\S+ towards cluster-b: 2 steps from cluster-a 80, cluster-b 20 \(cluster-b: 60 → 100\)\./);
    expect(texts[1]).toContain('is rolling back to cluster-a 80, cluster-b 20 (gate:');
    expect(texts[2]).toContain('was rolled back: traffic is at cluster-a 80, cluster-b 20.');
    expect(result.stderr).not.toContain('notify.failed');
    await expectNoUrl(result);
  });

  it('still completes when one receiver hangs and the other answers 500, each event costing at most its timeout', async () => {
    await ws.configure([
      [['gates'], []],
      [['notify'], [
        { type: 'json', urlEnv: 'CURVECTL_TEST_JSON_HOOK', timeout: '1s', retries: 3 },
        // Room for the retry and its backoff even on a loaded machine: this receiver answers at once.
        { type: 'slack', urlEnv: 'CURVECTL_TEST_SLACK_HOOK', timeout: '10s', retries: 1 },
      ]],
    ]);
    json.mode = 'hang';
    slack.mode = 'fail';
    const jsonBefore = json.requests.length;
    const slackBefore = slack.requests.length;
    const result = await ws.run(['shift', '--to', 'cluster-b', '--steps', '30,70', '--until', '70', '--bake', '0s', '--allow-short-bake', '--yes', '-v'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 30, 'cluster-b': 70 });

    // plan, start, step 1, step 2, completed: five events per receiver.
    const hung = json.requests.slice(jsonBefore);
    expect(hung).toHaveLength(5);
    // The hung receiver never answers: each event's post was cut off by the client (the receiver
    // saw it close) after one attempt, as the warnings below say; no elapsed-time bound.
    for (const r of hung) expect(await r.closed).toBeGreaterThanOrEqual(r.receivedAt);
    // Each event: the first attempt and one retry, both 500.
    expect(slack.requests.slice(slackBefore)).toHaveLength(10);
    const warnings = result.stderr.split('\n').filter((l) => l.includes('Could not deliver the'));
    expect(warnings).toHaveLength(10);
    expect(warnings.filter((l) => l.includes('(json, CURVECTL_TEST_JSON_HOOK): no answer within 1s'))).toHaveLength(5);
    expect(warnings.filter((l) => l.includes('(slack, CURVECTL_TEST_SLACK_HOOK): HTTP 500 (2 attempts)'))).toHaveLength(5);
    await expectNoUrl(result);
  });
});
