/**
 * The traffic stack against the emulator, with the cluster stub standing in for real clusters (its
 * per-workspace local state is exactly what the real cluster stack leaves; cluster-stack.test.ts
 * proves the traffic stack against a real cluster state once). Every Route 53 record change costs
 * ~15 s inside the provider, so the tests run in order on one shared state.
 */
import { GetHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { copyStacks, terraformTestEnv, tf, tfOk, tfOutputs, writeVarFile, type CopiedStacks } from '../../_helpers/terraform-env.js';
import { clientConfig, weightedRecords } from './aws.js';

const ZONE = 'example.test';
const RECORD = 'api-origin.example.test';
const ingressOf = (cluster: string) => `${cluster}-ingress-0123456789.elb.eu-west-1.amazonaws.com`;

let work: string;
let emulator: Emulator;
let env: Record<string, string>;
let stacks: CopiedStacks;
let zoneId: string;
const timings: Record<string, number> = {};
const started = Date.now();

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await run();
  } finally {
    timings[label] = (Date.now() - t0) / 1000;
  }
}

// Terraform wraps diagnostics at the terminal width.
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

async function applyStubCluster(name: string): Promise<void> {
  const cwd = stacks.cluster;
  await tfOk(['workspace', 'select', '-or-create', name, '-no-color'], { cwd, env });
  await tfOk(['apply', '-auto-approve', '-input=false', '-no-color', '-var', `cluster_name=${name}`, '-var', 'kubernetes_version=1.35'], {
    cwd,
    env,
  });
}

async function setWeights(weights: Record<string, number>): Promise<void> {
  await writeVarFile(stacks.traffic, 'cluster_weighting.auto.tfvars.json', { cluster_weighting: weights });
}

async function apply(label: string, extra: string[] = []) {
  return timed(label, () => tfOk(['apply', '-auto-approve', '-input=false', '-no-color', ...extra], { cwd: stacks.traffic, env }));
}

async function live() {
  return weightedRecords(emulator.env, zoneId, RECORD);
}

function expected(weights: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(weights).map(([name, weight]) => [
      name,
      { setIdentifier: name, weight, ttl: 60, values: [ingressOf(name)], healthCheckId: undefined },
    ]),
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-traffic-'));
  emulator = await startEmulator();
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work, { clusterStub: true });
  zoneId = await emulator.createHostedZone(ZONE);
  await tfOk(['init', '-input=false', '-no-color'], { cwd: stacks.cluster, env });
  await applyStubCluster('cluster-a');
  await applyStubCluster('cluster-b');
  await tfOk(['init', '-input=false', '-no-color'], { cwd: stacks.traffic, env });
  await writeVarFile(stacks.traffic, 'curvectl.auto.tfvars.json', {
    zone_name: ZONE,
    record_name: RECORD,
    ttl: 60,
    cluster_state_backend: 'local',
    cluster_state_config: { path: '../cluster/terraform.tfstate', workspace_dir: '../cluster/terraform.tfstate.d' },
  });
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  const parts = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
  console.log(`[traffic-stack.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s (${parts.join(', ')})`);
});

describe('traffic stack', () => {
  it('{cluster-a = 90, cluster-b = 10} gives exactly two weighted CNAMEs pointing at each ingress', async () => {
    await setWeights({ 'cluster-a': 90, 'cluster-b': 10 });
    await apply('apply 90/10 (create)');
    expect(await live()).toEqual(expected({ 'cluster-a': 90, 'cluster-b': 10 }));
    const outputs = await tfOutputs({ cwd: stacks.traffic, env });
    expect(outputs.record_fqdn).toBe(RECORD);
    expect(outputs.records).toEqual({
      'cluster-a': { weight: 90, value: ingressOf('cluster-a'), set_identifier: 'cluster-a', health_check_id: null },
      'cluster-b': { weight: 10, value: ingressOf('cluster-b'), set_identifier: 'cluster-b', health_check_id: null },
    });
  });

  it('a second plan is a no-op', async () => {
    const result = await timed('plan (no-op)', () => tf(['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd: stacks.traffic, env }));
    expect(result.stdout).toContain('No changes.');
    expect(result.exitCode).toBe(0);
  });

  it('{50, 50} updates both records in place', async () => {
    await setWeights({ 'cluster-a': 50, 'cluster-b': 50 });
    const result = await apply('apply 50/50 (update)');
    expect(result.stdout).toContain('0 added, 2 changed, 0 destroyed');
    expect(await live()).toEqual(expected({ 'cluster-a': 50, 'cluster-b': 50 }));
  });

  describe('bad weights fail at plan time with a clear message and change nothing', () => {
    const cases: Array<[string, Record<string, number>, string]> = [
      ['all zero', { 'cluster-a': 0, 'cluster-b': 0 }, 'At least one weight in cluster_weighting must be above 0'],
      ['a weight of 256', { 'cluster-a': 256, 'cluster-b': 10 }, 'Every weight in cluster_weighting must be a whole number from 0 to 255'],
      ['a fractional weight', { 'cluster-a': 50.5, 'cluster-b': 10 }, 'Every weight in cluster_weighting must be a whole number from 0 to 255'],
      ['a negative weight', { 'cluster-a': -1, 'cluster-b': 10 }, 'Every weight in cluster_weighting must be a whole number from 0 to 255'],
      ['an invalid cluster name', { Cluster_A: 50, 'cluster-b': 50 }, 'Every key of cluster_weighting must be a cluster name'],
    ];
    it.each(cases)('%s', async (_label, weights, message) => {
      const stateBefore = await readFile(join(stacks.traffic, 'terraform.tfstate'), 'utf8');
      await setWeights(weights);
      try {
        // apply, not just plan: even an apply must stop at planning.
        const result = await tf(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: stacks.traffic, env });
        expect(result.exitCode).toBe(1);
        expect(oneLine(result.stderr)).toContain(message);
        expect(oneLine(result.stderr)).toContain('Invalid value for variable');
        expect(await live()).toEqual(expected({ 'cluster-a': 50, 'cluster-b': 50 }));
        expect(await readFile(join(stacks.traffic, 'terraform.tfstate'), 'utf8')).toBe(stateBefore);
      } finally {
        await setWeights({ 'cluster-a': 50, 'cluster-b': 50 });
      }
    });

    it('a cluster with no cluster-stack state is refused before any change', async () => {
      await setWeights({ 'cluster-a': 50, 'cluster-b': 50, 'cluster-zz': 0 });
      try {
        const result = await tf(['plan', '-input=false', '-no-color'], { cwd: stacks.traffic, env });
        expect(result.exitCode).toBe(1);
        expect(oneLine(result.stderr)).toMatch(/cluster-zz|No stored state was found for the given workspace/);
        expect(await live()).toEqual(expected({ 'cluster-a': 50, 'cluster-b': 50 }));
      } finally {
        await setWeights({ 'cluster-a': 50, 'cluster-b': 50 });
      }
    });

    it('a bad ttl is refused', async () => {
      const result = await tf(['plan', '-input=false', '-no-color', '-var', 'ttl=-5'], { cwd: stacks.traffic, env });
      expect(result.exitCode).toBe(1);
      expect(oneLine(result.stderr)).toContain('ttl must be a whole number of seconds from 0 to 86400');
    });
  });

  it('dropping cluster-b removes its record and only its record', async () => {
    await setWeights({ 'cluster-a': 50 });
    const result = await apply('apply drop cluster-b');
    expect(result.stdout).toContain('0 added, 0 changed, 1 destroyed');
    expect(await live()).toEqual(expected({ 'cluster-a': 50 }));
  });

  it('a weight of 0 keeps the record (registered, no traffic), and re-adding a dropped cluster works', async () => {
    await setWeights({ 'cluster-a': 100, 'cluster-b': 0 });
    await apply('apply re-add cluster-b at 0');
    expect(await live()).toEqual(expected({ 'cluster-a': 100, 'cluster-b': 0 }));
  });

  it('health checks and the CloudFront edge apply and then plan clean', async () => {
    const extra = ['-var', 'health_checks=true', '-var', 'edge_enabled=true', '-var', 'edge_wait_for_deployment=false'];
    await apply('apply health checks + edge', extra);
    const records = await live();
    expect(Object.keys(records).sort()).toEqual(['cluster-a', 'cluster-b']);
    const r53 = new Route53Client(clientConfig(emulator.env));
    try {
      for (const [name, record] of Object.entries(records)) {
        expect(record.healthCheckId, name).toBeTruthy();
        const { HealthCheck } = await r53.send(new GetHealthCheckCommand({ HealthCheckId: record.healthCheckId }));
        expect(HealthCheck?.HealthCheckConfig?.FullyQualifiedDomainName).toBe(ingressOf(name));
      }
    } finally {
      r53.destroy();
    }
    const outputs = await tfOutputs({ cwd: stacks.traffic, env });
    expect(outputs.edge_domain_name).toMatch(/\.cloudfront\.net$/);

    const again = await timed('plan with health checks + edge (no-op)', () =>
      tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', ...extra], { cwd: stacks.traffic, env }),
    );
    expect(again.stdout).toContain('No changes.');
    expect(again.exitCode).toBe(0);
  });

  it('turning health checks off detaches them from the records before deleting them', async () => {
    // Real Route 53 refuses to delete a health check a record still uses (HealthCheckInUse); moto
    // does not, so check the order Terraform takes.
    const result = await apply('apply health checks off', ['-var', 'edge_enabled=true', '-var', 'edge_wait_for_deployment=false']);
    const lines = result.stdout.split('\n');
    const lastRecordUpdate = Math.max(...lines.map((l, i) => (/aws_route53_record\.cluster\[.*Modifications complete/.test(l) ? i : -1)));
    const firstCheckDelete = lines.findIndex((l) => /aws_route53_health_check\.cluster\[.*Destroying/.test(l));
    expect(lastRecordUpdate).toBeGreaterThan(-1);
    expect(firstCheckDelete).toBeGreaterThan(lastRecordUpdate);
    const records = await live();
    expect(Object.values(records).map((r) => r.healthCheckId)).toEqual([undefined, undefined]);
  });
});
