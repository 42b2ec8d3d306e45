/**
 * retire's teardown check, through the real binary against moto: a load balancer (with its target
 * group and security group) and an EBS volume tagged for the cluster but made outside Terraform,
 * as a LoadBalancer Service or a PersistentVolume would leave them, stop the retire before anything
 * is destroyed, named in the message; with --delete-leftovers they are deleted and the retire
 * completes, leaving nothing of the cluster. The clusters are the contract stub (the check is about
 * what Terraform does not know, so the stub's empty state is the point).
 */
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVolumeCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusters, createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { snapshot, terraformWorkspaces } from '../../_helpers/lifecycle.js';
import { clientConfig } from './aws.js';

let emulator: Emulator;
let ws: Workspace;
let ec2: EC2Client;
let elb: ElasticLoadBalancingV2Client;
const made: { lbArn: string; lbName: string; tgArn: string; volumeId: string; sgId: string; otherVolumeId: string; ownVolumeId: string } = {
  lbArn: '',
  lbName: 'k8s-apps-web-0123456789',
  tgArn: '',
  volumeId: '',
  sgId: '',
  otherVolumeId: '',
  ownVolumeId: '',
};

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  // retire.requireFlowData false: the cluster stub's record names no real load balancer, and this
  // file is about what Terraform does not know, not about the flow-verified drain.
  ws = await createWorkspace({ emulator, config: [[['retire', 'requireFlowData'], false]] });
  await createClusters(ws, ['cluster-a', 'cluster-b']);
  ec2 = new EC2Client(clientConfig(emulator.env));
  elb = new ElasticLoadBalancingV2Client(clientConfig(emulator.env));

  // What the AWS Load Balancer Controller and the EBS CSI driver would leave for cluster-b.
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.90.0.0/16' }));
  const subnets = await Promise.all(
    ['a', 'b'].map((az, i) => ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: `10.90.${i}.0/24`, AvailabilityZone: `eu-west-1${az}` }))),
  );
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'k8s-apps-web',
      Description: 'made by the load balancer controller',
      VpcId: Vpc!.VpcId!,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'elbv2.k8s.aws/cluster', Value: 'cluster-b' }] }],
    }),
  );
  made.sgId = sg.GroupId!;
  const lb = await elb.send(
    new CreateLoadBalancerCommand({
      Name: made.lbName,
      Type: 'network',
      Subnets: subnets.map((s) => s.Subnet!.SubnetId!),
      Tags: [{ Key: 'elbv2.k8s.aws/cluster', Value: 'cluster-b' }, { Key: 'service.k8s.aws/stack', Value: 'apps/web' }],
    }),
  );
  made.lbArn = lb.LoadBalancers![0]!.LoadBalancerArn!;
  const tg = await elb.send(
    new CreateTargetGroupCommand({ Name: 'k8s-apps-web-tg', Protocol: 'TCP', Port: 8080, VpcId: Vpc!.VpcId!, TargetType: 'ip', Tags: [{ Key: 'elbv2.k8s.aws/cluster', Value: 'cluster-b' }] }),
  );
  made.tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  const volume = (tags: { Key: string; Value: string }[]) =>
    ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'eu-west-1a', Size: 10, TagSpecifications: [{ ResourceType: 'volume', Tags: tags }] }));
  made.volumeId = (await volume([{ Key: 'kubernetes.io/cluster/cluster-b', Value: 'owned' }, { Key: 'kubernetes.io/created-for/pvc/name', Value: 'data-db-0' }])).VolumeId!;
  // Negative controls: cluster-a's volume, and one the cluster stack manages (tagged curvectl/cluster too).
  made.otherVolumeId = (await volume([{ Key: 'kubernetes.io/cluster/cluster-a', Value: 'owned' }])).VolumeId!;
  made.ownVolumeId = (await volume([{ Key: 'kubernetes.io/cluster/cluster-b', Value: 'shared' }, { Key: 'curvectl/cluster', Value: 'cluster-b' }])).VolumeId!;
});

afterAll(async () => {
  ec2?.destroy();
  elb?.destroy();
  await ws?.cleanup();
  await emulator?.stop();
});

async function volumeIds(): Promise<string[]> {
  return ((await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).map((v) => v.VolumeId!).sort();
}

describe('retire and what Terraform does not know', () => {
  it('stops before destroying anything, naming the load balancer and the volume and what to do', async () => {
    const before = await snapshot(ws);
    const result = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--yes']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('cluster-b has 4 AWS resources tagged for it that Terraform does not manage');
    expect(result.stderr).toContain(`load-balancer ${made.lbName} (${made.lbArn})`);
    expect(result.stderr).toContain(`volume ${made.volumeId} [kubernetes.io/cluster/cluster-b=owned]`);
    expect(result.stderr).toContain(made.tgArn);
    expect(result.stderr).toContain(made.sgId);
    expect(result.stderr).toContain('Nothing was destroyed');
    expect(result.stderr).toContain('curvectl retire cluster-b --delete-leftovers');
    // The negative controls are not named.
    expect(result.stderr).not.toContain(made.otherVolumeId);
    expect(result.stderr).not.toContain(made.ownVolumeId);
    // Nothing changed: record, workspaces, var file; the leftovers are still there.
    const after = await snapshot(ws);
    expect(after.live).toEqual(before.live);
    expect(after.desired).toEqual(before.desired);
    expect(after.clusterWorkspaces).toEqual(before.clusterWorkspaces);
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'cluster-b', 'default']);
    expect(await volumeIds()).toEqual([made.volumeId, made.otherVolumeId, made.ownVolumeId].sort());
  });

  it('without --yes and no terminal, the leftovers refuse it first: nobody is asked to type the name only to be refused', async () => {
    const result = await ws.run(['retire', 'cluster-b', '--drain', '0s']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('cluster-b has 4 AWS resources tagged for it that Terraform does not manage');
    expect(result.stderr).not.toContain('there is no terminal to ask');
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'cluster-b', 'default']);
  });

  it('with --delete-leftovers deletes them, then retires, leaving nothing of the cluster', async () => {
    const result = await ws.run(['retire', 'cluster-b', '--drain', '0s', '--yes', '--delete-leftovers']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Deleting volume ${made.volumeId}`);
    expect(result.stderr).toContain('Deleted 4 leftover resources of cluster-b');
    const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({}));
    expect(LoadBalancers ?? []).toEqual([]);
    const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({}));
    expect(TargetGroups ?? []).toEqual([]);
    const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['elbv2.k8s.aws/cluster'] }] }));
    expect(SecurityGroups ?? []).toEqual([]);
    // Only the negative controls are left.
    expect(await volumeIds()).toEqual([made.otherVolumeId, made.ownVolumeId].sort());
    expect(await terraformWorkspaces(ws, 'cluster')).toEqual(['cluster-a', 'default']);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 100 });
    expect((await ws.journal()).at(-1)).toMatchObject({ type: 'retire.completed', data: { cluster: 'cluster-b' } });
  });
});
