/**
 * The client fleet on its own, against moto (no Terraform, no curvectl): load balancers and weighted
 * records made through the SDK. Proves the harness can see what the traffic suites rely on: the DNS
 * answers follow Route 53's weights, a weight change reaches TTL-honouring clients within TTL plus
 * connection age, a deleted load balancer fails the requests of clients that still use it (the
 * negative control of the harness itself), and the flow metrics land in CloudWatch under the names
 * and dimensions AWS uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, DeleteLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { Resolver } from 'node:dns/promises';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { startFleet, type Fleet } from '../../../scripts/fleet/index.js';

let emulator: Emulator;
let zoneId: string;
let fleet: Fleet | undefined;
const lbs: Record<string, { arn: string; dnsName: string }> = {};

function config() {
  return { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

async function setWeights(weights: Record<string, number>, ttl = 5): Promise<void> {
  const route53 = new Route53Client({ ...config(), region: 'us-east-1' });
  try {
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: Object.entries(weights).map(([cluster, weight]) => ({
            Action: 'UPSERT',
            ResourceRecordSet: { Name: 'api.example.test', Type: 'CNAME', SetIdentifier: cluster, Weight: weight, TTL: ttl, ResourceRecords: [{ Value: lbs[cluster]!.dnsName }] },
          })),
        },
      }),
    );
  } finally {
    route53.destroy();
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
  zoneId = await emulator.createHostedZone('example.test');
  const ec2 = new EC2Client(config());
  const elb = new ElasticLoadBalancingV2Client(config());
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1a' }));
  for (const cluster of ['cluster-a', 'cluster-b', 'cluster-c']) {
    const out = await elb.send(new CreateLoadBalancerCommand({ Name: `${cluster}-ingress`, Type: 'network', Scheme: 'internet-facing', Subnets: [subnet.Subnet!.SubnetId!] }));
    const lb = out.LoadBalancers![0]!;
    lbs[cluster] = { arn: lb.LoadBalancerArn!, dnsName: lb.DNSName! };
  }
  ec2.destroy();
  elb.destroy();
  await setWeights({ 'cluster-a': 100, 'cluster-b': 0, 'cluster-c': 0 });
});

afterAll(async () => {
  await fleet?.stop();
  await emulator?.stop();
});

describe('the client fleet', () => {
  it('answers DNS with Route 53 weighted choice, the record TTL and a loopback address per load balancer', async () => {
    await setWeights({ 'cluster-a': 70, 'cluster-b': 30, 'cluster-c': 0 });
    fleet = await startFleet({ aws: { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }, zone: 'example.test', hostname: 'api.example.test', clients: 0 });
    const byAddress = Object.fromEntries(fleet.loadBalancers().map((lb) => [lb.address, lb.cluster]));
    expect(Object.values(byAddress).sort()).toEqual(['cluster-a', 'cluster-b', 'cluster-c']);
    const resolver = new Resolver();
    resolver.setServers([`127.0.0.1:${fleet.dnsPort}`]);
    const seen: Record<string, number> = {};
    const draws = 400;
    for (let i = 0; i < draws; i += 1) {
      const [answer] = await resolver.resolve4('api.example.test', { ttl: true });
      expect(answer!.ttl).toBe(5); // the CNAME's TTL bounds the chain (the ELB A record has 60)
      const cluster = byAddress[answer!.address]!;
      seen[cluster] = (seen[cluster] ?? 0) + 1;
    }
    expect(seen['cluster-c']).toBeUndefined(); // weight 0 is never answered while others have weight
    // 70/30 within 4 standard deviations (sd of a 400-draw binomial at 0.3 is 2.3 %).
    expect(Math.abs((seen['cluster-a'] ?? 0) / draws - 0.7)).toBeLessThan(0.092);
    expect((await resolver.resolveCname('api.example.test'))[0]).toMatch(/^cluster-[ab]-ingress/);
    await expect(resolver.resolve4('nothing.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await fleet.stop();
    fleet = undefined;
  });

  it('moves TTL-honouring clients within TTL + connection age; a deleted load balancer fails the clients still on it', async () => {
    await setWeights({ 'cluster-a': 100, 'cluster-b': 0, 'cluster-c': 0 }, 2);
    fleet = await startFleet({
      aws: { endpoint: emulator.endpoint, region: emulator.env.AWS_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
      zone: 'example.test',
      hostname: 'api.example.test',
      clients: 8,
      ignoreTtlFraction: 0.25,
      ignoreTtlForMs: 60_000,
      pool: { idleMs: 1000, maxAgeMs: 2000 },
      publishMs: 1000,
    });
    await fleet.until(() => (fleet!.totals().served['cluster-a'] ?? 0) > 40, 'traffic on cluster-a', 20_000);
    expect(fleet.totals().failed).toBe(0);

    await setWeights({ 'cluster-a': 0, 'cluster-b': 100, 'cluster-c': 0 }, 2);
    const moved = Date.now();
    // Within TTL (2 s) + connection age (2 s) + the fleet's poll (0.5 s) every TTL-honouring client is
    // on b: waited for as that (each one's latest request served by cluster-b), not as a sleep.
    await fleet.until(
      () => fleet!.clients.every((c) => !c.options.honoursTtl || c.lastServedBy === 'cluster-b'),
      'every TTL-honouring client served by cluster-b',
      30_000,
    );
    const window = fleet.tally.servedBetween(Date.now() - 1000, Date.now() + 1);
    const honouring = fleet.clients.filter((c) => c.options.honoursTtl).length;
    expect(honouring).toBe(6);
    expect(window['cluster-b']).toBeGreaterThan(0);
    // The two TTL-ignoring clients still hold cluster-a's answer (60 s).
    const stillOnA = fleet.clients.filter((c) => !c.options.honoursTtl && fleet!.loadBalancers().find((lb) => lb.address === c.cachedAddress)?.cluster === 'cluster-a');
    expect(stillOnA.length).toBe(2);
    expect(window['cluster-a']).toBeGreaterThan(0);
    expect(fleet.totals().failed).toBe(0);

    // Delete cluster-a's load balancer: the fleet closes its listener and resets its connections.
    const elb = new ElasticLoadBalancingV2Client(config());
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbs['cluster-a']!.arn }));
    elb.destroy();
    await fleet.until(() => !fleet!.loadBalancers().some((lb) => lb.cluster === 'cluster-a'), 'cluster-a to be gone', 10_000);
    await fleet.until(() => fleet!.totals().failed >= 4, 'failed requests', 10_000);
    const failures = fleet.tally.failuresSince(moved);
    expect(failures.every((f) => !f.honoursTtl)).toBe(true); // only the clients that ignored the TTL
    expect(new Set(failures.map((f) => f.failure!.reason))).toEqual(expect.any(Set));
    expect(failures.some((f) => f.failure!.reason === 'refused' || f.failure!.reason === 'reset')).toBe(true);
    expect(failures.every((f) => f.cluster === 'cluster-a')).toBe(true);

    // The flow metrics: AWS/NetworkELB, LoadBalancer = net/<name>/<id>, as on AWS.
    const cloudwatch = new CloudWatchClient(config());
    const dimension = lbs['cluster-b']!.arn.split(':loadbalancer/')[1]!;
    // On AWS a network load balancer's ARN ends in loadbalancer/net/<name>/<id>; moto 5.2 writes
    // app/ there even for Type network (README, emulator notes). The dimension is the ARN's suffix
    // either way, which is what curvectl reads from the ARN too.
    expect(dimension).toMatch(/^(net|app)\/cluster-b-ingress\/[0-9a-f]+$/);
    expect(fleet.loadBalancers().find((lb) => lb.cluster === 'cluster-b')?.dimension).toBe(dimension);
    const stats = async (metric: string, statistic: 'Sum' | 'Maximum') => {
      const out = await cloudwatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/NetworkELB',
          MetricName: metric,
          Dimensions: [{ Name: 'LoadBalancer', Value: dimension }],
          StartTime: new Date(moved - 60_000),
          EndTime: new Date(Date.now() + 1000),
          Period: 60,
          Statistics: [statistic],
        }),
      );
      return (out.Datapoints ?? []).reduce((acc, p) => (statistic === 'Sum' ? acc + (p.Sum ?? 0) : Math.max(acc, p.Maximum ?? 0)), 0);
    };
    expect(await stats('NewFlowCount', 'Sum')).toBeGreaterThan(0);
    expect(await stats('ActiveFlowCount', 'Maximum')).toBeGreaterThan(0);
    expect(await stats('ProcessedBytes', 'Sum')).toBeGreaterThan(0);
    cloudwatch.destroy();
    const totals = await fleet.stop();
    fleet = undefined;
    console.log(`[traffic/fleet.test] ${totals.requests} requests, ${totals.failed} failed (${JSON.stringify(totals.failures)}), served ${JSON.stringify(totals.served)}`);
  });
});
