/**
 * curvectl's own adapters end to end, offline: TerraformStacks driving real Terraform (the cluster
 * stub + the real traffic stack, local backend, TF_WORKSPACE per cluster) against the emulator, and
 * the Route 53 / EKS adapters reading what it made. The tool is pointed at the emulator by the
 * standard AWS variables only.
 *
 * What moto cannot show (see shared/design/emulator.md): its change batches are not atomic and a
 * DELETE does not check the weight, so swapWeights' compare-and-swap is covered by unit tests.
 *
 * The tests run in order on one shared state on purpose: the clusters the first creates are the
 * records the second applies and the third swaps (every Route 53 record change costs ~15 s inside
 * the provider). Each port's behaviour on its own, test by test, is in contracts.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts, type AwsPorts } from '../../../src/adapters/aws/clients.js';
import { Terraform } from '../../../src/adapters/terraform/runner.js';
import { TerraformStacks } from '../../../src/adapters/terraform/stacks.js';
import type { TerraformProgress } from '../../../src/core/ports.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { copyStacks, terraformTestEnv, tfOk, type CopiedStacks } from '../../_helpers/terraform-env.js';

const ZONE = 'example.test';
const RECORD = 'api.example.test';

let work: string;
let emulator: Emulator;
let copied: CopiedStacks;
let stacks: TerraformStacks;
let terraform: Terraform;
let tfEnvAll: Record<string, string>;
let aws: AwsPorts;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-adapters-'));
  emulator = await startEmulator();
  await emulator.createHostedZone(ZONE);
  const tfEnv = await terraformTestEnv(work);
  copied = await copyStacks(work, { clusterStub: true });
  // The SDK reads the standard variables from the process environment, as it would for a user.
  for (const [key, value] of Object.entries(emulator.env)) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
  tfEnvAll = { ...tfEnv, ...emulator.env };
  terraform = new Terraform({ env: tfEnvAll });
  stacks = new TerraformStacks({
    terraform,
    stacksDir: join(copied.root, 'stacks'),
    dns: { zone: ZONE, record: RECORD, ttl: 60 },
    backend: { type: 'local' },
    clusterDefaults: { kubernetesVersion: '1.35', variables: {} },
    platformVariables: {},
  });
  aws = createAwsPorts({ region: 'eu-west-1', dns: { zone: ZONE, record: RECORD } });
});

afterAll(async () => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('adapters against real Terraform and the emulator', () => {
  it('creates clusters in their own workspaces and reads their outputs', async () => {
    const a = await stacks.applyCluster({ name: 'cluster-a', kubernetesVersion: '1.35' });
    expect(a).toEqual({ clusterName: 'cluster-a', kubernetesVersion: '1.35', ingressDnsName: expect.stringContaining('cluster-a') });
    const plan = await stacks.planCluster({ name: 'cluster-c', kubernetesVersion: '1.35' });
    // The stub creates no resources (outputs only), so the plan shows no resource change.
    // The run var file does not exist yet: the first line says curvectl writes it, then the workspace.
    expect(plan.commands[0]).toMatch(/^# curvectl writes .*cluster-cluster-c\.tfvars\.json first/);
    expect(plan.commands[1]).toMatch(/^TF_WORKSPACE=cluster-c terraform -chdir=.* workspace new cluster-c$/);
    await stacks.applyCluster({ name: 'cluster-b', kubernetesVersion: '1.35' });
    // The dry-run plan of cluster-c left no workspace behind.
    expect(await stacks.listClusters()).toEqual(['cluster-a', 'cluster-b']);
    expect(await stacks.clusterOutputs('cluster-b')).toMatchObject({ clusterName: 'cluster-b' });
    expect(await stacks.clusterOutputs('cluster-z')).toBeUndefined();
    expect(await stacks.listClusters()).toEqual(['cluster-a', 'cluster-b']);
  });

  it('applies the traffic stack from the weights file, and Route 53 shows the weights', async () => {
    await stacks.writeDesiredWeights({ 'cluster-a': 100, 'cluster-b': 0 });
    const events: TerraformProgress[] = [];
    const summary = await stacks.applyTraffic({ onProgress: (e) => events.push(e) });
    expect(summary.add).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === 'apply_complete' && e.stack === 'traffic')).toBe(true);
    const settings = JSON.parse(await readFile(join(copied.traffic, 'curvectl.auto.tfvars.json'), 'utf8')) as Record<string, unknown>;
    expect(settings).toMatchObject({ zone_name: ZONE, record_name: RECORD, cluster_state_backend: 'local' });

    const records = await aws.dns.readRecords();
    expect(Object.fromEntries(records.map((r) => [r.setIdentifier, r.weight]))).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    expect(records.find((r) => r.setIdentifier === 'cluster-a')?.value).toContain('cluster-a');
    const again = await stacks.planTraffic();
    expect(again.resources).toEqual([]);
    expect(again.changes).toBe(false);
  });

  it('swaps weights in one Route 53 change, waits for INSYNC, and Terraform agrees once the file says the same', async () => {
    const before = await aws.dns.readRecords();
    const changeId = await aws.dns.swapWeights(before, { 'cluster-a': 90, 'cluster-b': 10 });
    await aws.dns.waitInSync(changeId, { timeoutMs: 30_000 });
    const after = await aws.dns.readRecords();
    expect(Object.fromEntries(after.map((r) => [r.setIdentifier, r.weight]))).toEqual({ 'cluster-a': 90, 'cluster-b': 10 });
    await stacks.writeDesiredWeights({ 'cluster-a': 90, 'cluster-b': 10 });
    // Only the state's outputs lag behind the records: no resource change, and applying fixes that.
    const plan = await stacks.planTraffic();
    expect(plan.resources).toEqual([]);
    expect(await stacks.applyTraffic()).toEqual({ add: 0, change: 0, remove: 0 });
    expect((await stacks.planTraffic()).changes).toBe(false);
    expect(plan.changes).toBe(false);
  });

  it("summarises a plan from its own -json stream exactly as `show -json` of the saved plan does (update, replace, destroy)", async () => {
    // What `show -json` of the same saved plan says, counted as Terraform's Plan line counts it.
    const shown = async (planFile: string) => {
      const json = JSON.parse((await tfOk(['show', '-json', '-no-color', planFile], { cwd: copied.traffic, env: tfEnvAll })).stdout) as {
        resource_changes?: { address: string; type: string; change: { actions: string[] } }[];
      };
      const changing = (json.resource_changes ?? []).filter((r) => r.change.actions.some((a) => a === 'create' || a === 'update' || a === 'delete'));
      const count = (action: string) => changing.filter((r) => r.change.actions.includes(action)).length;
      return {
        summary: { add: count('create'), change: count('update'), remove: count('delete') },
        resources: changing.map((r) => r.address).sort(),
        replaced: changing.filter((r) => r.change.actions.includes('create') && r.change.actions.includes('delete')).map((r) => ({ address: r.address, type: r.type })),
      };
    };
    const planned = async (options: { destroy?: boolean }) => {
      const plan = await terraform.plan(copied.traffic, { stack: 'traffic', ...options });
      try {
        return { stream: { summary: plan.summary, resources: [...plan.resources].sort(), replaced: plan.replaced }, show: await shown(plan.planFile) };
      } finally {
        await terraform.discardPlan(copied.traffic, plan.planFile);
      }
    };
    const tainted = 'module.dns.aws_route53_record.cluster["cluster-b"]';
    const weights = await stacks.readDesiredWeights();
    await stacks.writeDesiredWeights({ 'cluster-a': 60, 'cluster-b': 40 });
    await tfOk(['taint', '-no-color', tainted], { cwd: copied.traffic, env: tfEnvAll });
    try {
      const changed = await planned({});
      expect(changed.stream).toEqual(changed.show);
      // The plan really holds an update and a replace (a tainted record), so the comparison means something.
      expect(changed.stream.summary).toEqual({ add: 1, change: 1, remove: 1 });
      expect(changed.stream.replaced).toEqual([{ address: tainted, type: 'aws_route53_record' }]);
      const destroy = await planned({ destroy: true });
      expect(destroy.stream).toEqual(destroy.show);
      expect(destroy.stream.summary.remove).toBeGreaterThanOrEqual(2);
    } finally {
      await tfOk(['untaint', '-no-color', tainted], { cwd: copied.traffic, env: tfEnvAll });
      await stacks.writeDesiredWeights(weights);
    }
    expect((await stacks.planTraffic()).changes).toBe(false);
  });

  it('reads EKS through the same factory (absent cluster -> undefined; moto answers ListNodegroups of an absent cluster with a 500, so not that)', async () => {
    expect(await aws.eks.describeCluster('cluster-a')).toBeUndefined();
  });

  it('says clearly when the zone does not exist', async () => {
    const other = createAwsPorts({ region: 'eu-west-1', dns: { zone: 'missing.test', record: 'api.missing.test' } });
    await expect(other.dns.readRecords()).rejects.toMatchObject({ code: 'BAD_CONFIG', message: 'No hosted zone named missing.test was found in this AWS account.' });
  });
});
