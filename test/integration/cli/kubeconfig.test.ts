/**
 * `cluster kubeconfig` through the real binary against an EKS cluster in the emulator (made with the
 * SDK: the cluster stub makes none). The written file is parsed as YAML and checked for the
 * cluster's endpoint, CA and exec block; the exec block is run with the real AWS CLI, which must
 * answer with an ExecCredential (get-token signs locally, no request is sent).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateClusterCommand, DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let ws: Workspace;
let cluster: { arn: string; endpoint: string; ca: string };

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  ws = await createWorkspace({ emulator });
  const eks = new EKSClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await eks.send(
    new CreateClusterCommand({ name: 'cluster-k', version: '1.35', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] } }),
  );
  const c = (await eks.send(new DescribeClusterCommand({ name: 'cluster-k' }))).cluster!;
  cluster = { arn: c.arn!, endpoint: c.endpoint!, ca: c.certificateAuthority!.data! };
  eks.destroy();
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

type Kubeconfig = {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { exec?: { apiVersion: string; command: string; args: string[] } } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
};

describe('cluster kubeconfig', () => {
  it('prints a kubeconfig with the endpoint, the CA and an aws eks get-token exec block', async () => {
    const r = await ws.run(['cluster', 'kubeconfig', 'cluster-k']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout) as Kubeconfig;
    expect(doc.clusters).toEqual([{ name: cluster.arn, cluster: { server: cluster.endpoint, 'certificate-authority-data': cluster.ca } }]);
    expect(doc.contexts).toEqual([{ name: cluster.arn, context: { cluster: cluster.arn, user: cluster.arn } }]);
    expect(doc.users[0]!.user.exec).toMatchObject({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'cluster-k', '--output', 'json'],
    });
    expect(doc['current-context']).toBe(cluster.arn);
  });

  it('--write merges into KUBECONFIG keeping the other contexts, owner-only, and is idempotent', async () => {
    const file = path.join(ws.dir, 'kube', 'config');
    const before = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kind-dev', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'kind-dev', user: { username: 'dev' } }],
      contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kind-dev' } }],
      'current-context': 'kind-dev',
    };
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file), { recursive: true }));
    await writeFile(file, stringify(before));
    const env = { KUBECONFIG: `${file}${path.delimiter}${path.join(ws.dir, 'other-config')}` };
    const written = await ws.run(['cluster', 'kubeconfig', 'cluster-k', '--write'], { env });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(file);
    const doc = parse(await readFile(file, 'utf8')) as Kubeconfig;
    expect(doc.contexts.map((c) => c.name)).toEqual(['kind-dev', cluster.arn]);
    expect(doc.clusters.find((c) => c.name === 'kind-dev')).toEqual(before.clusters[0]);
    expect(doc.clusters.find((c) => c.name === cluster.arn)?.cluster).toEqual({ server: cluster.endpoint, 'certificate-authority-data': cluster.ca });
    expect(doc['current-context']).toBe(cluster.arn);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(ws.dir, 'other-config'))).toBe(false);

    const again = await ws.run(['cluster', 'kubeconfig', 'cluster-k', '--write', '-o', 'json'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ file, changed: false });

    // The exec block works as kubectl would run it: the AWS CLI answers with an ExecCredential.
    if (existsSync('/usr/bin/aws')) {
      const exec = doc.users.find((u) => u.name === cluster.arn)!.user.exec!;
      const token = spawnSync('/usr/bin/aws', exec.args, { env: { ...ws.env, HOME: ws.dir }, encoding: 'utf8' });
      expect(token.status, token.stderr).toBe(0);
      expect(JSON.parse(token.stdout)).toMatchObject({ kind: 'ExecCredential', apiVersion: exec.apiVersion, status: { token: expect.stringMatching(/^k8s-aws-v1\./) } });
    }
  });

  it('refuses to replace a different entry of the same name, and an unknown cluster, changing nothing', async () => {
    const file = path.join(ws.dir, 'kube-2');
    const mine = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: cluster.arn, cluster: { server: 'https://elsewhere' } }], users: [], contexts: [] };
    await writeFile(file, stringify(mine));
    const r = await ws.run(['cluster', 'kubeconfig', 'cluster-k', '--write'], { env: { KUBECONFIG: file } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already has a different cluster named .*--force/s);
    expect(parse(await readFile(file, 'utf8'))).toEqual(mine);
    const unknown = await ws.run(['cluster', 'kubeconfig', 'cluster-nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no EKS cluster named cluster-nope/);
  });
});
