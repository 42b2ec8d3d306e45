/**
 * Switching every stack to the S3 backend needs no module edit: curvectl drops curvectl_override.tf
 * (terraform { backend "s3" {} }) beside backend.tf and passes -backend-config values; the traffic
 * stack's remote-state reads follow cluster_state_backend / cluster_state_config.
 * The cluster stub keeps this quick; the emulator serves S3.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { copyStacks, exists, terraformTestEnv, tf, tfOk, writeVarFile, type CopiedStacks } from '../../_helpers/terraform-env.js';
import { weightedRecords } from './aws.js';

const BUCKET = 'curvectl-state';
const PREFIX = 'curvectl';
const ZONE = 'example.test';
const RECORD = 'api-origin.example.test';

let work: string;
let emulator: Emulator;
let env: Record<string, string>;
let stacks: CopiedStacks;
let zoneId: string;
const started = Date.now();

function backendConfig(stack: string): string[] {
  return [
    `bucket=${BUCKET}`,
    `key=${PREFIX}/${stack}.tfstate`,
    `workspace_key_prefix=${PREFIX}/env:`,
    `region=${emulator.env.AWS_REGION}`,
    'use_path_style=true',
    'use_lockfile=true',
  ].map((kv) => `-backend-config=${kv}`);
}

async function useS3(dir: string, stack: string): Promise<void> {
  await writeFile(join(dir, 'curvectl_override.tf'), 'terraform {\n  backend "s3" {}\n}\n');
  await tfOk(['init', '-input=false', '-no-color', ...backendConfig(stack)], { cwd: dir, env });
}

/** The state as the backend sees it (moto refuses unsigned S3 reads, so ask Terraform). */
async function pulledState(dir: string): Promise<{ outputs?: Record<string, { value: unknown }> }> {
  return JSON.parse((await tfOk(['state', 'pull'], { cwd: dir, env })).stdout) as { outputs?: Record<string, { value: unknown }> };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-s3-'));
  emulator = await startEmulator();
  // The S3 backend and the AWS provider both honour the standard endpoint variables.
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work, { clusterStub: true });
  zoneId = await emulator.createHostedZone(ZONE);
  const created = await fetch(`${emulator.endpoint}/${BUCKET}`, {
    method: 'PUT',
    body: `<CreateBucketConfiguration><LocationConstraint>${emulator.env.AWS_REGION}</LocationConstraint></CreateBucketConfiguration>`,
  });
  await created.arrayBuffer();
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`[s3-backend.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('S3 backend through curvectl_override.tf', () => {
  it('cluster states live in S3 per workspace', async () => {
    await useS3(stacks.cluster, 'cluster');
    for (const name of ['cluster-a', 'cluster-b']) {
      await tfOk(['workspace', 'new', name, '-no-color'], { cwd: stacks.cluster, env });
      await tfOk(['apply', '-auto-approve', '-input=false', '-no-color', '-var', `cluster_name=${name}`, '-var', 'kubernetes_version=1.35'], {
        cwd: stacks.cluster,
        env,
      });
      expect((await pulledState(stacks.cluster)).outputs?.cluster_name?.value).toBe(name);
    }
    const workspaces = await tfOk(['workspace', 'list', '-no-color'], { cwd: stacks.cluster, env });
    expect(workspaces.stdout).toMatch(/cluster-a/);
    expect(workspaces.stdout).toMatch(/cluster-b/);
    expect(await exists(join(stacks.cluster, 'terraform.tfstate.d'))).toBe(false);
  });

  it('the traffic stack keeps its state in S3 and reads the cluster states from S3', async () => {
    await useS3(stacks.traffic, 'traffic');
    await writeVarFile(stacks.traffic, 'curvectl.auto.tfvars.json', {
      zone_name: ZONE,
      record_name: RECORD,
      ttl: 60,
      cluster_state_backend: 's3',
      cluster_state_config: {
        bucket: BUCKET,
        key: `${PREFIX}/cluster.tfstate`,
        workspace_key_prefix: `${PREFIX}/env:`,
        region: emulator.env.AWS_REGION,
        use_path_style: 'true',
      },
    });
    await writeVarFile(stacks.traffic, 'cluster_weighting.auto.tfvars.json', { cluster_weighting: { 'cluster-a': 70, 'cluster-b': 30 } });
    await tfOk(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: stacks.traffic, env });

    const live = await weightedRecords(emulator.env, zoneId, RECORD);
    expect(Object.fromEntries(Object.entries(live).map(([k, r]) => [k, [r.weight, r.values]]))).toEqual({
      'cluster-a': [70, ['cluster-a-ingress-0123456789.elb.eu-west-1.amazonaws.com']],
      'cluster-b': [30, ['cluster-b-ingress-0123456789.elb.eu-west-1.amazonaws.com']],
    });
    expect(Object.keys((await pulledState(stacks.traffic)).outputs ?? {})).toEqual(expect.arrayContaining(['records', 'record_fqdn']));
    expect(await exists(join(stacks.traffic, 'terraform.tfstate'))).toBe(false);

    const again = await tf(['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: stacks.traffic, env });
    expect(again.exitCode).toBe(0);
  });
});
