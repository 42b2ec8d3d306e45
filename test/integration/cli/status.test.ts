/**
 * `init`, `status`, `cluster list` and bad input, through the real binary, real Terraform and the
 * emulator. Clusters come from the cluster stub (the real cluster stack is proven in
 * test/integration/stacks and test/integration/lifecycle).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, runCli, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  for (const name of ['cluster-a', 'cluster-b']) {
    const created = await ws.run(['cluster', 'create', name, '--yes']);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

describe('status', () => {
  it('reports desired and live weights in the JSON shape of the contract', async () => {
    const result = await ws.run(['status', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      record: 'api.example.test',
      ttl: 5,
      drift: [],
      lock: null,
      operation: null,
    });
    expect(report.clusters.map((c: { name: string }) => c.name)).toEqual(['cluster-a', 'cluster-b']);
    expect(report.clusters[0]).toMatchObject({ name: 'cluster-a', weight: { desired: 100, live: 100 }, ingress: expect.stringContaining('cluster-a-ingress') });
    expect(report.clusters[1]).toMatchObject({ name: 'cluster-b', weight: { desired: 0, live: 0 } });
    expect(result.stderr).toBe('');
  });

  it('shows a table with bars on stdout in text mode', async () => {
    const result = await ws.run(['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cluster-a\s+█{20}\s+100\s+100/);
    expect(result.stdout).toMatch(/cluster-b\s+░{20}\s+0\s+0/);
    expect(result.stdout).toContain('No drift');
    expect(result.stdout).not.toMatch(/\u001b\[/); // NO_COLOR
  });

  it('lists the clusters', async () => {
    const result = await ws.run(['cluster', 'list', '-o', 'json']);
    expect(JSON.parse(result.stdout).clusters).toEqual([
      { name: 'cluster-a', terraform: true, weight: { desired: 100, live: 100 } },
      { name: 'cluster-b', terraform: true, weight: { desired: 0, live: 0 } },
    ]);
  });

  it('reports drift when a weight is changed in Route 53 behind its back', async () => {
    await ws.setLiveWeight('cluster-b', 7);
    try {
      const result = await ws.run(['status', '-o', 'json']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.drift).toEqual([{ cluster: 'cluster-b', desired: 0, live: 7 }]);
      const text = await ws.run(['status']);
      expect(text.stdout).toContain('cluster-b: desired 0, live 7');
      // A shift refuses to start on drift, and changes nothing.
      const shift = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--yes']);
      expect(shift.code).toBe(2);
      expect(shift.stderr).toMatch(/differ/);
      expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100, 'cluster-b': 7 });
    } finally {
      await ws.setLiveWeight('cluster-b', 0);
    }
  });
});

describe('bad input: exit 2 (1 for environment faults), one sentence, nothing changed', () => {
  async function snapshot() {
    const journal = await ws.journal();
    return { live: await ws.liveWeights(), desired: await ws.desiredWeights(), journal: journal.length, locks: await readdir(path.join(ws.dir, '.curvectl', 'locks')) };
  }

  it.each([
    ['an unknown command', ['bogus'], 2, /Unknown command 'bogus'/],
    ['an unknown option', ['status', '--bogus'], 2, /Unknown option '--bogus'/],
    ['an unknown output format', ['status', '-o', 'xml'], 2, /argument 'xml' is invalid. Allowed choices are text, json/],
    ['a missing config', ['status', '--config', 'nope.yaml'], 2, /No configuration at .*nope\.yaml/],
    ['an invalid cluster name', ['cluster', 'create', 'Bad_Name', '--yes'], 2, /"Bad_Name" is not a valid cluster name/],
    ['an invalid zone on init', ['init', 'x', '--zone', 'not a zone', '--record', 'api.example.test'], 2, /is not a valid zone name/],
    ['a record outside the zone on init', ['init', 'x', '--zone', 'example.test', '--record', 'api.other.test'], 2, /is not inside the zone/],
    ['an existing workspace on init', ['init', '.', '--zone', 'example.test', '--record', 'api.example.test'], 2, /already exists; init changed nothing/],
  ])('%s', async (_what, args, code, message) => {
    const before = await snapshot();
    const result = await ws.run(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/^curvectl: [^\n]+\.$/);
    expect(result.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });

  it('rejects malformed YAML and unknown keys naming the file and the key', async () => {
    const bad = path.join(ws.dir, 'bad.yaml');
    await writeFile(bad, 'dns:\n  zone: example.test\n  record: [unclosed\n');
    const malformed = await ws.run(['status', '-c', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/bad\.yaml/);
    const config = await readFile(path.join(ws.dir, 'curvectl.yaml'), 'utf8');
    await writeFile(bad, config.replace('  record:', '  recrod: typo.example.test\n  record:'));
    const typo = await ws.run(['status', '-c', bad, '-o', 'json']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/bad\.yaml.*dns.*recrod/s);
    expect(JSON.parse(typo.stdout).error.code).toBe('BAD_CONFIG');
  });

  it('says what to do when there are no AWS credentials, and never prints secrets', async () => {
    const result = await ws.run(['status'], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'curvectl-test-missing-profile', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/credentials/i);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('never prints the secret key, even when a call fails', async () => {
    const secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY';
    const result = await ws.run(['status', '-v'], { env: { AWS_SECRET_ACCESS_KEY: secret, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('runs init without configuration in an empty directory', async () => {
    const target = path.join(ws.dir, 'fresh');
    const result = await runCli(['init', target, '--zone', 'example.test', '--record', 'api.example.test', '-o', 'json'], { cwd: ws.dir, env: ws.env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ zone: 'example.test', record: 'api.example.test', ttl: 60 });
    expect((await readdir(path.join(target, 'terraform', 'stacks'))).sort()).toEqual(['cluster', 'platform', 'traffic']);
  });
});
