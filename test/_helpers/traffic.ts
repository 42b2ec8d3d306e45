/**
 * For the traffic suites (test/integration/traffic): the client fleet pointed at a test's emulator,
 * network load balancers made straight through the SDK (for stub clusters that need one), and the
 * one-line summaries the suites print.
 */
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Emulator } from './emulator.js';
import type { Workspace } from './cli.js';
import { createRealWorkspace, sideloadClusterStack } from './lifecycle.js';
import { startFleet, type Fleet, type FleetOptions, type Totals } from '../../scripts/fleet/index.js';

export type { Fleet };

/** The load every traffic suite runs: 24 clients, keep-alive, a quarter ignoring the TTL for 30 s. */
export const SUITE_LOAD = {
  clients: 24,
  ignoreTtlFraction: 0.25,
  ignoreTtlForMs: 30_000,
  pool: { idleMs: 4000, maxAgeMs: 5000 },
  thinkMs: 200,
  publishMs: 2000,
} as const;

export function fleetFor(emulator: Emulator, options: Partial<FleetOptions> = {}): Promise<Fleet> {
  return startFleet({
    aws: { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: emulator.env.AWS_ACCESS_KEY_ID, secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY } },
    zone: 'example.test',
    hostname: 'api.example.test',
    ...SUITE_LOAD,
    ...options,
  });
}

/** Network load balancers named "<cluster>-ingress", made through the SDK in a VPC of their own. */
export async function createIngressNlbs(emulator: Emulator, clusters: readonly string[]): Promise<Record<string, { arn: string; dnsName: string }>> {
  const config = { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: emulator.env.AWS_ACCESS_KEY_ID, secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY } };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.77.1.0/24', AvailabilityZone: `${config.region}a` }));
    const out: Record<string, { arn: string; dnsName: string }> = {};
    for (const cluster of clusters) {
      const created = await elb.send(new CreateLoadBalancerCommand({ Name: `${cluster}-ingress`, Type: 'network', Scheme: 'internet-facing', Subnets: [subnet.Subnet!.SubnetId!] }));
      const lb = created.LoadBalancers![0]!;
      out[cluster] = { arn: lb.LoadBalancerArn!, dnsName: lb.DNSName! };
    }
    return out;
  } finally {
    ec2.destroy();
    elb.destroy();
  }
}

/** "18,420 requests, 0 failed" and the detail. */
export function describeTotals(totals: Totals): string {
  const failures = Object.entries(totals.failures)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const served = Object.entries(totals.served)
    .map(([cluster, n]) => `${cluster} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return `${totals.requests.toLocaleString('en-US')} requests, ${totals.failed.toLocaleString('en-US')} failed${failures ? ` (${failures})` : ''}; served: ${served}`;
}

/**
 * A workspace on the real cluster stack (TTL 5 s) with cluster-a created by curvectl (at 100) and
 * cluster-b's stack applied beside it with plain Terraform (its NLB takes ~63 s in moto either
 * way): a `cycle --from cluster-a --to cluster-b` then registers cluster-b without waiting for it.
 */
export async function realPair(emulator: Emulator, config: readonly [readonly (string | number)[], unknown][] = []): Promise<Workspace> {
  const ws = await createRealWorkspace({ emulator, ttl: 5, config });
  const list = await ws.run(['cluster', 'list']);
  if (list.code !== 0) throw new Error(`curvectl cluster list failed (${list.code}): ${list.stderr}`);
  const [created] = await Promise.all([ws.run(['cluster', 'create', 'cluster-a', '--yes']), sideloadClusterStack(ws, 'cluster-b')]);
  if (created.code !== 0) throw new Error(`curvectl cluster create cluster-a failed (${created.code}): ${created.stderr}`);
  return ws;
}

/** The weights each step of the last shift planned, with when its bake ended (from the journal). */
export async function bakes(ws: Workspace, since = 0): Promise<{ index: number; weights: Record<string, number>; bakedAt: number; data: Record<string, unknown> }[]> {
  const journal = (await ws.journal()).slice(since);
  const out: { index: number; weights: Record<string, number>; bakedAt: number; data: Record<string, unknown> }[] = [];
  for (const baked of journal.filter((e) => e.type === 'shift.step.baked')) {
    const index = baked.data?.index as number;
    out.push({ index, weights: (baked.data?.weights ?? {}) as Record<string, number>, bakedAt: Date.parse(baked.at), data: baked.data ?? {} });
  }
  return out;
}
