/**
 * Shell completion in a real bash (the script, the hidden __complete, cluster names from the
 * workspace's files) and `status --watch -o jsonl` against the emulator: a change made in Route 53
 * with the SDK (not through curvectl) produces exactly one new line.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, createClusters, createWorkspace, exited, waitFor, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { startAwsProxy, type AwsProxy } from '../../_helpers/aws-proxy.js';

let emulator: Emulator;
let proxy: AwsProxy;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  proxy = await startAwsProxy({ target: emulator.endpoint });
  ws = await createWorkspace({ emulator });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
});

afterAll(async () => {
  await ws?.cleanup();
  await proxy?.close();
  await emulator?.stop();
});

describe('completion bash', () => {
  /** Runs the completion function for `words` (the last one under the cursor) in a real bash. */
  let complete: (words: string[], cwd?: string) => string[];

  beforeAll(async () => {
    const script = await ws.run(['completion', 'bash']);
    expect(script.code, script.stderr).toBe(0);
    const bin = path.join(ws.dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(ws.dir, 'curvectl.bash'), script.stdout);
    // What `npm install -g` puts on PATH.
    await writeFile(path.join(bin, 'curvectl'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} "$@"\n`);
    await chmod(path.join(bin, 'curvectl'), 0o755);
    complete = (words, cwd = ws.dir) => {
      const program = [
        `source ${JSON.stringify(path.join(ws.dir, 'curvectl.bash'))}`,
        `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
        `COMP_CWORD=${words.length - 1}`,
        `COMP_LINE='${words.join(' ')}'`,
        '_curvectl_complete',
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n');
      const run = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { cwd, env: { ...ws.env, AWS_ENDPOINT_URL: proxy.url, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout.split('\n').filter((l) => l.length > 0);
    };
  });

  it('is valid bash', () => {
    const check = spawnSync('bash', ['-n', path.join(ws.dir, 'curvectl.bash')], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    // Negative control: bash -n does reject a broken script.
    const broken = spawnSync('bash', ['-n'], { input: '_f() { if; }\n', encoding: 'utf8' });
    expect(broken.status).not.toBe(0);
  });

  it('completes "curvectl sh<TAB>" to shift', () => {
    expect(complete(['curvectl', 'sh'])).toEqual(['shift']);
  });

  it('completes "curvectl retire <TAB>" to the clusters of the workspace, without AWS', () => {
    const before = proxy.requests.length;
    expect(complete(['curvectl', 'retire', ''])).toEqual(['cluster-a', 'cluster-b']);
    expect(complete(['curvectl', 'shift', '--to', 'cluster-'])).toEqual(['cluster-a', 'cluster-b']);
    expect(complete(['curvectl', 'shift', '--st'])).toEqual(['--step', '--steps']);
    // Every AWS call of the completions would have gone through the proxy (AWS_ENDPOINT_URL): none did.
    expect(proxy.requests.length).toBe(before);
  });

  it('takes the cluster names from the file -c names, read by the root command\'s own parser', async () => {
    // A directory with no curvectl.yaml of its own.
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'curvectl-complete-'));
    const config = path.join(ws.dir, 'curvectl.yaml');
    expect(complete(['curvectl', '-c', config, 'retire', ''], elsewhere)).toEqual(['cluster-a', 'cluster-b']);
    expect(complete(['curvectl', 'cycle', `--config=${config}`, '--from', ''], elsewhere)).toEqual(['cluster-a', 'cluster-b']);
    // Negative control: without -c there is no configuration there, so no names.
    expect(complete(['curvectl', 'retire', ''], elsewhere)).toEqual([]);
    await rm(elsewhere, { recursive: true, force: true });
  });
});

describe('status --watch -o jsonl', () => {
  it('prints the status once, then exactly one line for one change in Route 53, and the result after Ctrl-C', async () => {
    const lists = () => proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/rrset')).length;
    const child = ws.spawn(['status', '--watch', '--interval', '200ms', '-o', 'jsonl'], { env: { AWS_ENDPOINT_URL_ROUTE_53: proxy.url } });
    const lines = () => child.output().stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, any>);
    const liveOf = (line: Record<string, any>, name: string) => line.status.clusters.find((c: { name: string }) => c.name === name)?.weight.live;

    await waitFor(async () => lines().length >= 1, 'the first status line', 120_000);
    expect(lines()[0]).toMatchObject({ type: 'status', status: { record: 'api.example.test', drift: [] } });
    expect(liveOf(lines()[0]!, 'cluster-b')).toBe(0);
    // Several reads with nothing changed print nothing.
    const quiet = lists();
    await waitFor(async () => lists() >= quiet + 3, 'three more Route 53 reads', 120_000);
    expect(lines()).toHaveLength(1);

    await ws.setLiveWeight('cluster-b', 7);
    await waitFor(async () => lines().length >= 2, 'the line for the change', 120_000);
    const after = lists();
    await waitFor(async () => lists() >= after + 3, 'three more Route 53 reads', 120_000);
    child.kill('SIGINT');
    const code = await exited(child);
    expect(code, child.output().stderr).toBe(0);

    const all = lines();
    const statuses = all.filter((l) => l.type === 'status');
    expect(statuses).toHaveLength(2);
    expect(liveOf(statuses[1]!, 'cluster-b')).toBe(7);
    expect(statuses[1]!.status.drift).toEqual([{ cluster: 'cluster-b', desired: 0, live: 7 }]);
    expect(all.at(-1)).toMatchObject({ type: 'result', exitCode: 0, result: { result: 'stopped', changes: 2 } });
    await ws.setLiveWeight('cluster-b', 0);
  });
});
