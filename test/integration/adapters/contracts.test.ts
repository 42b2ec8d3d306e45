/**
 * The port contracts (test/_helpers/contracts) against the real AWS adapters on the emulator: the
 * same bodies test/unit/contracts/fakes.test.ts runs against the fakes, so a fake cannot drift from
 * its adapter unnoticed. One emulator for the file; every test seeds its own resources under names
 * of its own (a record name, a table, a cluster, a load balancer), so no test depends on another's
 * state or order. The stacks' contract runs real Terraform on the cluster stub (no provider, no
 * resources: seconds), each test in a copy of the stacks of its own; what it leaves out, and where
 * that is covered, is said in test/_helpers/contracts/stacks.ts. The flow metrics are fed to the
 * emulator's CloudWatch with PutMetricData, as Elastic Load Balancing would publish them. The ports
 * that wait on a process or a local server are in io-contracts.test.ts (no emulator).
 */
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createAwsPorts } from '../../../src/adapters/aws/clients.js';
import { DynamoDbStateStore } from '../../../src/adapters/state/dynamodb.js';
import { Terraform } from '../../../src/adapters/terraform/runner.js';
import { TerraformStacks } from '../../../src/adapters/terraform/stacks.js';
import { cloudWatchContract, eksContract, elbv2Contract } from '../../_helpers/contracts/aws-reads.js';
import { desiredWeightsContract } from '../../_helpers/contracts/desired-weights-store.js';
import { flowMetricsContract } from '../../_helpers/contracts/flow-metrics.js';
import { leftoversContract, type SeedResource } from '../../_helpers/contracts/leftovers.js';
import { stacksContract } from '../../_helpers/contracts/stacks.js';
import { stateStoreContract } from '../../_helpers/contracts/state-store.js';
import { trafficDnsContract } from '../../_helpers/contracts/traffic-dns.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { createNlbs, putFlowMetrics } from '../../_helpers/flow-metrics.js';
import { copyStacks, terraformTestEnv } from '../../_helpers/terraform-env.js';

const ZONE = 'contract.test';
const LEASE_MS = 60_000;

let emulator: Emulator;
let work: string;
let tfEnv: Record<string, string>;
let zoneId: string;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;
const savedEnv: Record<string, string | undefined> = {};
const clients: { destroy(): void }[] = [];
function client<T extends { destroy(): void }>(make: () => T): T {
  const c = make();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-contracts-'));
  tfEnv = { ...(await terraformTestEnv(work)) };
  emulator = await startEmulator();
  zoneId = await emulator.createHostedZone(ZONE);
  // The adapters read the standard variables from the process environment, as they would for a user.
  for (const [key, value] of Object.entries(emulator.env)) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const ports = (record = `api.${ZONE}`) => createAwsPorts({ region: 'eu-west-1', dns: { zone: ZONE, record } });

// -----------------------------------------------------------------------------------------------
// Route 53

function recordSet(record: string, cluster: string, weight: number) {
  return {
    Name: record,
    Type: 'CNAME' as const,
    SetIdentifier: cluster,
    Weight: weight,
    TTL: 60,
    ResourceRecords: [{ Value: `${cluster}-ingress-0123456789.elb.eu-west-1.amazonaws.com` }],
  };
}

trafficDnsContract({
  name: 'Route53TrafficDns on the emulator',
  // moto applies a batch change by change and does not check a DELETE's weight (shared/design/emulator.md).
  enforcesCompareAndSwap: false,
  async fresh(weights) {
    const record = `${unique('api')}.${ZONE}`;
    const entries = Object.entries(weights);
    if (entries.length > 0) {
      const r53 = client(() => new Route53Client({}));
      await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: entries.map(([cluster, weight]) => ({ Action: 'CREATE', ResourceRecordSet: recordSet(record, cluster, weight) })) },
        }),
      );
    }
    return ports(record).dns;
  },
  async setBehindTheBack(dns, cluster, weight) {
    const r53 = client(() => new Route53Client({}));
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: recordSet(dns.recordName, cluster, weight) }] },
      }),
    );
  },
});

// -----------------------------------------------------------------------------------------------
// DynamoDB: the lock, the journal and the shared desired weights

/** A fresh table with the key schema `state bootstrap` creates (pk, sk: strings). */
async function freshTable(): Promise<string> {
  const table = unique('curvectl-contract');
  const ddb = client(() => new DynamoDBClient({}));
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  return table;
}

stateStoreContract({
  name: 'DynamoDbStateStore on the emulator',
  async fresh() {
    const table = await freshTable();
    // The second operator's clock: moved past the first's lease, its holdings have run out (stale).
    let ahead = 0;
    const warnings: string[] = [];
    const store = new DynamoDbStateStore({ table, region: 'eu-west-1', owner: 'alice', host: 'host-a', pid: 1001, leaseMs: LEASE_MS });
    const other = new DynamoDbStateStore({
      table,
      region: 'eu-west-1',
      owner: 'bob',
      host: 'host-b',
      pid: 1002,
      leaseMs: LEASE_MS,
      now: () => new Date(Date.now() + ahead),
      onWarning: (w) => warnings.push(w.text),
    });
    return {
      store,
      other,
      makeFirstGone: () => {
        ahead = LEASE_MS + 60_000;
      },
      otherWarnings: () => warnings,
    };
  },
});

desiredWeightsContract({
  name: 'DynamoDbDesiredWeights on the emulator',
  async fresh() {
    const table = await freshTable();
    const operator = (owner: string, pid: number) => {
      const store = new DynamoDbStateStore({ table, region: 'eu-west-1', owner, host: `host-${owner}`, pid, leaseMs: LEASE_MS });
      let handle: Awaited<ReturnType<DynamoDbStateStore['acquireLock']>> | undefined;
      return {
        weights: store.desiredWeights(),
        lock: async () => {
          handle = await store.acquireLock('traffic', 'contract');
        },
        unlock: async () => {
          await handle?.release();
          handle = undefined;
        },
      };
    };
    return { alice: operator('alice', 1001), bob: operator('bob', 1002) };
  },
});

// -----------------------------------------------------------------------------------------------
// EKS, ELBv2, CloudWatch

eksContract({
  name: 'EksAdapter on the emulator',
  // moto answers ListNodegroups of a cluster that does not exist with an HTTP 500 (an HTML page),
  // where EKS answers ResourceNotFoundException, which the adapter reads as [] (unit-tested with a mocked SDK).
  listsNodegroupsOfAbsentCluster: false,
  async withCluster(name, version, nodegroups) {
    const eks = client(() => new EKSClient({}));
    await eks.send(
      new CreateClusterCommand({ name, version, roleArn: 'arn:aws:iam::123456789012:role/contract-cluster', resourcesVpcConfig: { subnetIds: [] } }),
    );
    for (const nodegroupName of nodegroups) {
      await eks.send(
        new CreateNodegroupCommand({ clusterName: name, nodegroupName, nodeRole: 'arn:aws:iam::123456789012:role/contract-node', subnets: ['subnet-contract'] }),
      );
    }
    return ports().eks;
  },
});

elbv2Contract({
  name: 'Elbv2Adapter on the emulator',
  async withHealthyLoadBalancer() {
    const ec2 = client(() => new EC2Client({}));
    const elb = client(() => new ElasticLoadBalancingV2Client({}));
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId;
    const subnets = await Promise.all(
      ['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `eu-west-1${az}` }))).Subnet?.SubnetId ?? ''),
    );
    const name = unique('contract-nlb');
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name, Type: 'network', Scheme: 'internet-facing', Subnets: subnets }))).LoadBalancers?.[0];
    const group = (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'TCP', Port: 80, VpcId: vpc, TargetType: 'ip' }))).TargetGroups?.[0];
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'TCP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: group?.TargetGroupArn }] }));
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: group?.TargetGroupArn, Targets: [{ Id: '10.0.0.10', Port: 80 }, { Id: '10.0.1.10', Port: 80 }] }));
    return { elbv2: ports().elbv2, dnsName: lb?.DNSName ?? '', targets: 2 };
  },
});

cloudWatchContract({
  name: 'CloudWatchAdapter on the emulator',
  async withAlarms(alarms) {
    const cw = client(() => new CloudWatchClient({}));
    for (const alarm of alarms) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: alarm.name,
          Namespace: 'Contract/Test',
          MetricName: `${alarm.name}-metric`,
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
      await cw.send(new SetAlarmStateCommand({ AlarmName: alarm.name, StateValue: alarm.state, StateReason: alarm.reason }));
    }
    return ports().cloudwatch;
  },
  async withMetric(metric) {
    const cw = client(() => new CloudWatchClient({}));
    await cw.send(
      new PutMetricDataCommand({
        Namespace: metric.namespace,
        MetricData: metric.values.map((value) => ({
          MetricName: metric.metricName,
          Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Timestamp: metric.at,
          Value: value,
          Unit: 'Count',
        })),
      }),
    );
    return ports().cloudwatch;
  },
});

// -----------------------------------------------------------------------------------------------
// Flow metrics (ELBv2 and CloudWatch) and leftovers (ELBv2 and EC2)

flowMetricsContract({
  name: 'FlowMetricsAdapter on the emulator',
  // moto makes every load balancer's ARN loadbalancer/app/..., a network one's too.
  networkArns: false,
  async withLoadBalancers(lbs) {
    const made = await createNlbs(emulator, lbs.map((lb) => unique(`contract-${lb.name}`)));
    for (const [i, lb] of lbs.entries()) {
      for (const point of lb.points) await putFlowMetrics(emulator, made[i]!.dimension, point, point.at);
    }
    return { flows: ports().flows, loadBalancers: made.map(({ name, dnsName, dimension }) => ({ name, dnsName, dimension })) };
  },
});

/** Makes the contract's resources in a VPC of their own: what each depends on first (a listener needs its load balancer). */
async function makeResources(seed: readonly SeedResource[]): Promise<Record<string, string>> {
  const ec2 = client(() => new EC2Client({}));
  const elb = client(() => new ElasticLoadBalancingV2Client({}));
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId;
  const subnets = await Promise.all(
    ['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.60.${i}.0/24`, AvailabilityZone: `eu-west-1${az}` }))).Subnet?.SubnetId ?? ''),
  );
  const ids: Record<string, string> = {};
  const elbTags = (r: SeedResource) => Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value }));
  // EC2 resources are named by their Name tag.
  const ec2Tags = (r: SeedResource) => Object.entries({ ...r.tags, ...(r.name ? { Name: r.name } : {}) }).map(([Key, Value]) => ({ Key, Value }));
  const of = (kind: SeedResource['kind']) => seed.filter((r) => r.kind === kind);
  for (const r of of('load-balancer')) {
    const lb = await elb.send(new CreateLoadBalancerCommand({ Name: r.name ?? unique('contract-lb'), Type: 'network', Subnets: subnets, Tags: elbTags(r) }));
    ids[r.key] = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  }
  for (const r of of('target-group')) {
    const tg = await elb.send(new CreateTargetGroupCommand({ Name: r.name ?? unique('contract-tg'), Protocol: 'TCP', Port: 8080, VpcId: vpcId, TargetType: 'ip', Tags: elbTags(r) }));
    ids[r.key] = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
    if (r.forwardedBy) {
      await elb.send(
        new CreateListenerCommand({ LoadBalancerArn: ids[r.forwardedBy], Protocol: 'TCP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: ids[r.key] }] }),
      );
    }
  }
  for (const r of of('security-group')) {
    const sg = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: unique('contract-sg'), Description: 'contract', VpcId: vpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags: ec2Tags(r) }] }),
    );
    ids[r.key] = sg.GroupId ?? '';
  }
  for (const r of of('volume')) {
    const volume = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 1, TagSpecifications: [{ ResourceType: 'volume', Tags: ec2Tags(r) }] }));
    ids[r.key] = volume.VolumeId ?? '';
  }
  for (const r of of('network-interface')) {
    const eni = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: subnets[0],
        ...(r.securityGroup ? { Groups: [ids[r.securityGroup]!] } : {}),
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: ec2Tags(r) }],
      }),
    );
    ids[r.key] = eni.NetworkInterface?.NetworkInterfaceId ?? '';
    if (r.attached) {
      // The emulator checks no AMI: any id starts an instance.
      const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnets[0] }));
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: ids[r.key], InstanceId: run.Instances?.[0]?.InstanceId, DeviceIndex: 1 }));
    }
  }
  return ids;
}

async function exists(kind: SeedResource['kind'], id: string): Promise<boolean> {
  const ec2 = client(() => new EC2Client({}));
  const elb = client(() => new ElasticLoadBalancingV2Client({}));
  switch (kind) {
    case 'load-balancer':
      return ((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).some((lb) => lb.LoadBalancerArn === id);
    case 'target-group':
      return ((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).some((tg) => tg.TargetGroupArn === id);
    case 'security-group':
      return ((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }))).SecurityGroups ?? []).length > 0;
    case 'volume':
      return ((await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: [id] }] }))).Volumes ?? []).length > 0;
    case 'network-interface':
      return ((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [id] }] }))).NetworkInterfaces ?? []).length > 0;
  }
}

leftoversContract({
  name: 'LeftoversAdapter on the emulator',
  async withResources(seed) {
    return { leftovers: ports().leftovers, ids: await makeResources(seed), exists };
  },
});

// -----------------------------------------------------------------------------------------------
// Terraform: the cluster stacks and the traffic stack's desired weights, on the cluster stub

stacksContract({
  name: 'TerraformStacks on the cluster stub',
  async fresh() {
    const copied = await copyStacks(join(work, unique('stacks')), { clusterStub: true });
    return new TerraformStacks({
      terraform: new Terraform({ env: { ...tfEnv, ...emulator.env } }),
      stacksDir: join(copied.root, 'stacks'),
      dns: { zone: ZONE, record: `api.${ZONE}`, ttl: 60 },
      backend: { type: 'local' },
      clusterDefaults: { kubernetesVersion: '1.35', variables: {} },
      platformVariables: {},
    });
  },
});
