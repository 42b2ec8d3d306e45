/**
 * The IAM policy holds exactly what curvectl calls. Every command of a full cycle (create, status,
 * list, cycle = create + shift + drain, stopped before its retire by leftovers tagged for the old
 * cluster, then retire --delete-leftovers, history, kubeconfig, iam-policy) runs against the
 * emulator through the recording proxy with every gate type that talks to AWS configured and
 * passing; each request is turned into its IAM action (the SigV4 signing service plus the
 * operation), and curvectl's own (user agent curvectl/...) must equal the operator policy's actions
 * for this configuration, EXCEPTIONS aside. Terraform's requests (its own user agent) must all be
 * in the Terraform policy. A request the harness cannot name fails the test (so it cannot pass by
 * ignoring calls); a negative control shows that an action missing from the list is caught.
 */
import { CreateClusterCommand, CreateNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVolumeCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsFor, curvectlPolicy, EXCEPTIONS, terraformPolicy } from '../../../src/core/iam-policy.js';
import { startAwsProxy, type AwsProxy, type RecordedRequest } from '../../_helpers/aws-proxy.js';
import { createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';

let emulator: Emulator;
let proxy: AwsProxy;
let ws: Workspace;
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const ran: { args: string[]; code: number; stderr: string }[] = [];

/** The IAM action of one recorded SDK request, or undefined when the harness cannot tell. */
export function iamActions(r: RecordedRequest): string[] | undefined {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(r.headers.authorization ?? ''))?.[1];
  if (!scope) return undefined;
  const prefix = scope === 'monitoring' ? 'cloudwatch' : scope;
  const target = String(r.headers['x-amz-target'] ?? '');
  const [pathOnly, query = ''] = r.path.split('?');
  let op: string | undefined;
  if (target) op = target.split('.').pop();
  else if (/\/operation\/[A-Za-z]+$/.test(pathOnly!)) op = pathOnly!.split('/').pop();
  else if (/(^|&)Action=/.test(r.body)) op = new URLSearchParams(r.body).get('Action') ?? undefined;
  else if (prefix === 'route53') {
    if (/^\/2013-04-01\/hostedzonesbyname/.test(pathOnly!)) op = 'ListHostedZonesByName';
    else if (/^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/.test(pathOnly!)) op = r.method === 'POST' ? 'ChangeResourceRecordSets' : 'ListResourceRecordSets';
    else if (/^\/2013-04-01\/change\//.test(pathOnly!)) op = 'GetChange';
    else if (/^\/2013-04-01\/hostedzone\/[^/]+$/.test(pathOnly!) && r.method === 'GET') op = 'GetHostedZone';
    else if (/^\/2013-04-01\/hostedzone\/?$/.test(pathOnly!) && r.method === 'GET') op = 'ListHostedZones';
    else if (/^\/2013-04-01\/tags\//.test(pathOnly!)) op = r.method === 'GET' ? 'ListTagsForResource' : 'ChangeTagsForResource';
  } else if (prefix === 'eks') {
    if (/^\/clusters\/[^/]+$/.test(pathOnly!) && r.method === 'GET') op = 'DescribeCluster';
    else if (/^\/clusters\/[^/]+\/node-groups$/.test(pathOnly!) && r.method === 'GET') op = 'ListNodegroups';
    else if (/^\/clusters\/[^/]+\/node-groups\/[^/]+$/.test(pathOnly!) && r.method === 'GET') op = 'DescribeNodegroup';
  } else if (prefix === 's3') {
    if (r.method === 'HEAD' || /(^|&)list-type=2/.test(query)) op = 'ListBucket';
  }
  if (!op) return undefined;
  if (prefix === 'dynamodb' && op === 'TransactWriteItems') {
    // IAM has no TransactWriteItems action: each item needs its own (DynamoDB developer guide, "IAM with transactions").
    const items = (JSON.parse(r.body) as { TransactItems: Record<string, unknown>[] }).TransactItems;
    const map: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
    return [...new Set(items.flatMap((i) => Object.keys(i).map((k) => `dynamodb:${map[k] ?? k}`)))];
  }
  return [`${prefix}:${op}`];
}

async function cli(args: string[]) {
  const r = await ws.run(args);
  ran.push({ args, code: r.code, stderr: r.stderr });
  return r;
}

beforeAll(async () => {
  emulator = await startEmulator();
  proxy = await startAwsProxy({ target: emulator.endpoint });
  await emulator.createHostedZone('example.test');
  const at = { endpoint: emulator.endpoint, region: 'eu-west-1', credentials: creds };
  const ec2 = new EC2Client(at);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
  const subnets = [
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'eu-west-1a' }))).Subnet!.SubnetId!,
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.9.2.0/24', AvailabilityZone: 'eu-west-1b' }))).Subnet!.SubnetId!,
  ];
  const elb = new ElasticLoadBalancingV2Client(at);
  const eks = new EKSClient(at);
  const cw = new CloudWatchClient(at);
  const ingress: Record<string, string> = {};
  for (const name of ['cluster-a', 'cluster-b']) {
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: `${name}-ingress`, Type: 'network', Subnets: subnets }))).LoadBalancers![0]!;
    const tg = (await elb.send(new CreateTargetGroupCommand({ Name: `${name}-tg`, Protocol: 'TCP', Port: 443, VpcId: vpc, TargetType: 'ip' }))).TargetGroups![0]!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn!, Targets: [{ Id: '10.9.1.10', Port: 443 }] }));
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn!, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn! }] }));
    ingress[name] = lb.DNSName!;
    await eks.send(new CreateClusterCommand({ name, version: '1.35', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: subnets } }));
    await eks.send(new CreateNodegroupCommand({ clusterName: name, nodegroupName: 'default', nodeRole: 'arn:aws:iam::123456789012:role/node', subnets }));
    await cw.send(new PutMetricAlarmCommand({ AlarmName: `${name}-5xx`, MetricName: `${name}-5xx`, Namespace: 'IamTest', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: `${name}-5xx`, StateValue: 'OK', StateReason: 'test' }));
    await cw.send(new PutMetricDataCommand({ Namespace: 'IamTest', MetricData: [{ MetricName: `iam-total-${name}`, Value: 100, Unit: 'Count' }] }));
  }
  // What a LoadBalancer Service and a PersistentVolume of cluster-a would leave outside Terraform,
  // one of each kind the leftovers check finds, in both tag forms: the cycle stops before retiring
  // it, and retire --delete-leftovers calls every delete action of the operator policy.
  const k8sTag = [{ Key: 'kubernetes.io/cluster/cluster-a', Value: 'owned' }];
  const elbv2Tag = [{ Key: 'elbv2.k8s.aws/cluster', Value: 'cluster-a' }];
  await elb.send(new CreateLoadBalancerCommand({ Name: 'k8s-apps-web', Type: 'network', Subnets: subnets, Tags: elbv2Tag }));
  await elb.send(new CreateTargetGroupCommand({ Name: 'k8s-apps-web-tg', Protocol: 'TCP', Port: 8080, VpcId: vpc, TargetType: 'ip', Tags: elbv2Tag }));
  await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'k8s-apps-web', Description: 'load balancer controller', VpcId: vpc, TagSpecifications: [{ ResourceType: 'security-group', Tags: elbv2Tag }] }));
  await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 10, TagSpecifications: [{ ResourceType: 'volume', Tags: k8sTag }] }));
  await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnets[0]!, TagSpecifications: [{ ResourceType: 'network-interface', Tags: k8sTag }] }));
  for (const c of [ec2, elb, eks, cw]) c.destroy();

  ws = await createWorkspace({
    emulator,
    gates: [
      { type: 'eks' },
      { type: 'nodegroups' },
      { type: 'target-health' },
      { type: 'alarm', alarms: ['{cluster}-5xx'] },
      { type: 'metric', namespace: 'IamTest', errors: { metricName: 'iam-errors-{cluster}' }, total: { metricName: 'iam-total-{cluster}' }, maxRatio: 0.5, window: '10m' },
    ],
    config: [
      [['cluster', 'variables'], { ingress_dns_name: ingress['cluster-a'] }],
      // The stub clusters have no load balancer publishing flows: the flow check still reads
      // CloudWatch (its actions are in the policy) but warns instead of refusing.
      [['retire', 'requireFlowData'], false],
    ],
  });
  // Everything (curvectl and Terraform) through the proxy; they are told apart by user agent.
  ws.env.AWS_ENDPOINT_URL = proxy.url;

  expect((await cli(['cluster', 'create', 'cluster-a', '--yes'])).code, ran.at(-1)!.stderr).toBe(0);
  expect((await cli(['status'])).code).toBe(0);
  expect((await cli(['cluster', 'list'])).code).toBe(0);
  await ws.configure([[['cluster', 'variables'], { ingress_dns_name: ingress['cluster-b'] }]]);
  const cycle = await cli(['cycle', '--from', 'cluster-a', '--to', 'cluster-b', '--step', '50', '--bake', '0s', '--allow-short-bake', '--drain', '0s', '--skip-platform', '--yes']);
  expect(cycle.code, cycle.stderr).toBe(2);
  expect(cycle.stderr).toContain('All traffic is on cluster-b; cluster-a was not retired: cluster-a has 5 AWS resources tagged for it');
  const retire = await cli(['retire', 'cluster-a', '--drain', '0s', '--delete-leftovers', '--yes']);
  expect(retire.code, retire.stderr).toBe(0);
  expect(retire.stderr).toContain('Deleted 5 leftover resources of cluster-a');
  expect((await cli(['history'])).code).toBe(0);
  expect((await cli(['cluster', 'kubeconfig', 'cluster-b'])).code, ran.at(-1)!.stderr).toBe(0);
  expect((await cli(['iam-policy'])).code, ran.at(-1)!.stderr).toBe(0);
}, 900_000);

afterAll(async () => {
  await ws?.cleanup();
  await proxy?.close();
  await emulator?.stop();
});

const isCurvectl = (r: RecordedRequest) => String(r.headers['user-agent'] ?? '').includes('curvectl/') || String(r.headers['x-amz-user-agent'] ?? '').includes('curvectl/');

function called(filter: (r: RecordedRequest) => boolean): { actions: Set<string>; unknown: string[] } {
  const actions = new Set<string>();
  const unknown: string[] = [];
  for (const r of proxy.requests.filter(filter)) {
    const a = iamActions(r);
    if (a) for (const x of a) actions.add(x);
    else unknown.push(`${r.method} ${r.path}`);
  }
  return { actions, unknown };
}

describe('iam-policy against a full cycle', () => {
  it('every action curvectl called is in the operator policy, and the policy has nothing it did not call', () => {
    const { actions, unknown } = called(isCurvectl);
    expect(unknown).toEqual([]);
    expect(actions.size).toBeGreaterThan(5);
    const listed = new Set(actionsFor('operator', { dynamodbState: false, s3Backend: false }));
    const exceptions = new Set(EXCEPTIONS.map((e) => e.action));
    expect([...actions].filter((a) => !listed.has(a)).sort()).toEqual([]);
    expect([...listed].filter((a) => !actions.has(a) && !exceptions.has(a)).sort()).toEqual([]);
  });

  it('catches an action missing from the list (negative control)', () => {
    const { actions } = called(isCurvectl);
    const listed = new Set(actionsFor('operator', { dynamodbState: false, s3Backend: false }));
    listed.delete('route53:ChangeResourceRecordSets');
    expect([...actions].filter((a) => !listed.has(a))).toEqual(['route53:ChangeResourceRecordSets']);
  });

  it("Terraform's calls for the stacks are all in the Terraform policy", () => {
    const tfRequests = (r: RecordedRequest) => !isCurvectl(r) && /Terraform/i.test(String(r.headers['user-agent'] ?? ''));
    const { actions, unknown } = called(tfRequests);
    expect(unknown).toEqual([]);
    const doc = terraformPolicy('operator', { partition: 'aws', region: 'eu-west-1', account: '123456789012', zoneId: 'Z', clusters: ['cluster-a'] });
    const patterns = doc.Statement.flatMap((s) => s.Action).map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
    // The provider also calls sts:GetCallerIdentity, which needs no permission (EXCEPTIONS).
    const exceptions = new Set(EXCEPTIONS.map((e) => e.action));
    expect([...actions].filter((a) => !exceptions.has(a) && !patterns.some((p) => p.test(a))).sort()).toEqual([]);
  });

  it('iam-policy scopes the statements to the zone, the clusters and their node groups', async () => {
    const r = await ws.run(['iam-policy', '-o', 'json', '--cluster', 'cluster-*']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { curvectl: ReturnType<typeof curvectlPolicy>; scope: { zoneId: string; account: string } };
    const byAction = (a: string) => out.curvectl.Statement.find((s) => s.Action.includes(a))!.Resource;
    expect(byAction('route53:ChangeResourceRecordSets')).toBe(`arn:aws:route53:::hostedzone/${out.scope.zoneId}`);
    expect(byAction('eks:DescribeCluster')).toContain(`arn:aws:eks:eu-west-1:${out.scope.account}:cluster/cluster-*`);
    expect(byAction('eks:DescribeNodegroup')).toContain(`arn:aws:eks:eu-west-1:${out.scope.account}:nodegroup/cluster-b/*/*`);
    expect(byAction('route53:GetChange')).toBe('arn:aws:route53:::change/*');
  });
});
