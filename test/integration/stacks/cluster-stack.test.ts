/**
 * The real cluster stack against the emulator: apply in workspace cluster-a, check what AWS has,
 * prove a second plan is empty, let the traffic stack read this real state, then destroy and check
 * nothing of the cluster is left. One apply (~70 s, most of it the NLB) is shared by the suite.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListClustersCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { EMULATOR_CLUSTER_VARIABLES } from '../../_helpers/lifecycle.js';
import { copyStacks, exists, terraformTestEnv, tf, tfOk, tfOutputs, writeVarFile, type CopiedStacks } from '../../_helpers/terraform-env.js';
import { clientConfig, weightedRecords } from './aws.js';

const CLUSTER = 'cluster-a';
// moto has node groups without real Auto Scaling groups and EKS clusters without a cluster security
// group, no add-on or access-entry API, and keeps neither access_config, upgrade_policy nor
// update_config: the emulator variables turn those parts off (see terraform/README.md). They go in a
// var file because some are null, which -var cannot say.
const VAR_FILE = 'emulator.tfvars.json';
const CLUSTER_VARS = ['-var', `cluster_name=${CLUSTER}`, '-var', 'kubernetes_version=1.35', `-var-file=${VAR_FILE}`];

let work: string;
let emulator: Emulator;
let env: Record<string, string>;
let stacks: CopiedStacks;
let outputs: Record<string, unknown>;
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

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-cluster-'));
  emulator = await startEmulator();
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work);
  const cwd = stacks.cluster;
  await writeVarFile(cwd, VAR_FILE, EMULATOR_CLUSTER_VARIABLES);
  await tfOk(['init', '-input=false', '-no-color'], { cwd, env });
  await tfOk(['workspace', 'new', CLUSTER, '-no-color'], { cwd, env });
  await timed('cluster apply', () => tfOk(['apply', '-auto-approve', '-input=false', '-no-color', ...CLUSTER_VARS], { cwd, env }));
  outputs = await tfOutputs({ cwd, env });
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  const parts = Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
  console.log(`[cluster-stack.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s (${parts.join(', ')})`);
});

describe('cluster stack applied in workspace cluster-a', () => {
  it('outputs the contract values', () => {
    expect(outputs.cluster_name).toBe(CLUSTER);
    expect(outputs.kubernetes_version).toBe('1.35');
    expect(outputs.ingress_dns_name).toMatch(/^cluster-a-ingress-.+\.elb\.amazonaws\.com$/);
  });

  it('keeps its state in the workspace the traffic stack reads', async () => {
    expect(await exists(join(stacks.cluster, 'terraform.tfstate.d', CLUSTER, 'terraform.tfstate'))).toBe(true);
  });

  it('has an ACTIVE EKS cluster with the requested version and an ACTIVE node group', async () => {
    const eks = new EKSClient(clientConfig(emulator.env));
    try {
      const { cluster } = await eks.send(new DescribeClusterCommand({ name: CLUSTER }));
      expect(cluster?.status).toBe('ACTIVE');
      expect(cluster?.version).toBe('1.35');
      expect(cluster?.endpoint).toBe(outputs.cluster_endpoint);
      const { nodegroups } = await eks.send(new ListNodegroupsCommand({ clusterName: CLUSTER }));
      expect(nodegroups).toEqual([outputs.node_group_name]);
      const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName: CLUSTER, nodegroupName: String(outputs.node_group_name) }));
      expect(nodegroup?.status).toBe('ACTIVE');
      expect(nodegroup?.scalingConfig).toMatchObject({ minSize: 2, maxSize: 4, desiredSize: 2 });
      expect(nodegroup?.subnets?.length).toBeGreaterThanOrEqual(2);
    } finally {
      eks.destroy();
    }
  });

  it('has a network load balancer whose DNS name is ingress_dns_name, with listeners on 80 and 443', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.env));
    try {
      const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({ Names: [`${CLUSTER}-ingress`] }));
      expect(LoadBalancers).toHaveLength(1);
      const lb = LoadBalancers![0]!;
      expect(lb.Type).toBe('network');
      expect(lb.DNSName).toBe(outputs.ingress_dns_name);
      expect(lb.LoadBalancerArn).toBe(outputs.ingress_lb_arn);
      expect(lb.VpcId).toBe(outputs.vpc_id);
      expect(new Set(lb.AvailabilityZones?.map((z) => z.ZoneName)).size).toBeGreaterThanOrEqual(2);
      const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      expect(Listeners?.map((l) => l.Port).sort()).toEqual([443, 80]);
      const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
      expect(TargetGroups?.map((t) => [t.TargetGroupName, t.Port, t.Protocol]).sort()).toEqual([
        ['cluster-a-http', 30080, 'TCP'],
        ['cluster-a-https', 30443, 'TCP'],
      ]);
    } finally {
      elb.destroy();
    }
  });

  it('a second plan shows no changes', async () => {
    const result = await timed('cluster plan (no-op)', () =>
      tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', ...CLUSTER_VARS], { cwd: stacks.cluster, env }),
    );
    expect(result.stdout).toContain('No changes.');
    expect(result.exitCode).toBe(0);
  });

  it('the traffic stack reads this real state and points the weighted record at the load balancer', async () => {
    const zoneId = await emulator.createHostedZone('example.test');
    const cwd = stacks.traffic;
    // The var files curvectl writes; cluster_state_config is left to its default (the local layout).
    await writeVarFile(cwd, 'curvectl.auto.tfvars.json', {
      zone_name: 'example.test',
      record_name: 'api-origin.example.test',
      ttl: 60,
      cluster_state_backend: 'local',
    });
    await writeVarFile(cwd, 'cluster_weighting.auto.tfvars.json', { cluster_weighting: { [CLUSTER]: 100 } });
    await tfOk(['init', '-input=false', '-no-color'], { cwd, env });
    await timed('traffic apply', () => tfOk(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd, env }));

    const live = await weightedRecords(emulator.env, zoneId, 'api-origin.example.test');
    expect(live).toEqual({
      [CLUSTER]: { setIdentifier: CLUSTER, weight: 100, ttl: 60, values: [outputs.ingress_dns_name], healthCheckId: undefined },
    });
    const trafficOutputs = await tfOutputs({ cwd, env });
    expect(trafficOutputs.records).toMatchObject({ [CLUSTER]: { weight: 100, value: outputs.ingress_dns_name } });

    const again = await tf(['plan', '-detailed-exitcode', '-input=false', '-no-color'], { cwd, env });
    expect(again.exitCode).toBe(0);

    await timed('traffic destroy', () => tfOk(['destroy', '-auto-approve', '-input=false', '-no-color'], { cwd, env }));
    expect(await weightedRecords(emulator.env, zoneId, 'api-origin.example.test')).toEqual({});
  });

  it('destroy leaves no cluster, node group, load balancer or VPC of it', async () => {
    await timed('cluster destroy', () =>
      tfOk(['destroy', '-auto-approve', '-input=false', '-no-color', ...CLUSTER_VARS], { cwd: stacks.cluster, env }),
    );
    const eks = new EKSClient(clientConfig(emulator.env));
    const elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.env));
    const ec2 = new EC2Client(clientConfig(emulator.env));
    try {
      await expect(eks.send(new DescribeClusterCommand({ name: CLUSTER }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      // Node groups live under their cluster: with no cluster left there is none. (moto answers
      // ListNodegroups for a missing cluster with an HTML 500, not ResourceNotFoundException.)
      expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual([]);
      await expect(eks.send(new ListNodegroupsCommand({ clusterName: CLUSTER }))).rejects.toThrow();
      const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({}));
      expect(LoadBalancers?.map((l) => l.LoadBalancerName) ?? []).not.toContain(`${CLUSTER}-ingress`);
      const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({}));
      expect(TargetGroups ?? []).toEqual([]);
      const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:curvectl/cluster', Values: [CLUSTER] }] }));
      expect(Vpcs).toEqual([]);
      const all = await ec2.send(new DescribeVpcsCommand({}));
      expect(all.Vpcs?.map((v) => v.VpcId)).not.toContain(outputs.vpc_id);
    } finally {
      eks.destroy();
      elb.destroy();
      ec2.destroy();
    }
  });
});
