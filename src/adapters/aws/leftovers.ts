/**
 * LeftoversPort over EC2 and Elastic Load Balancing v2: what is tagged for a cluster and not made by
 * its Terraform stack. Tags looked for (EKS user guide, "Route internet traffic with AWS Load
 * Balancer Controller" and "Amazon EBS CSI driver"): kubernetes.io/cluster/<name> (any value) and
 * elbv2.k8s.aws/cluster=<name>. EC2 filters on them directly; Elastic Load Balancing has no tag
 * filter, so load balancers and target groups are listed and their tags read 20 at a time
 * (DescribeTags' limit).
 */
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Leftover, LeftoversPort } from '../../core/ports/leftovers.js';
import { awsCall, mapAwsError } from './errors.js';

export type Ec2Loader = () => Promise<{ sdk: typeof Ec2; client: Ec2.EC2Client }>;
export type LeftoversElbv2Loader = () => Promise<{ sdk: typeof Elbv2; client: Elbv2.ElasticLoadBalancingV2Client }>;

interface Tag {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** Tags that mark something as made by the cluster stack (curvectl/cluster) or by EKS, which deletes it with the cluster. */
const MANAGED_ELSEWHERE = ['curvectl/cluster', 'aws:eks:cluster-name'];

export interface LeftoversAdapterOptions {
  /** How long deleting a security group is retried while AWS still releases the interfaces that use it; default 5 minutes. */
  readonly dependencyTimeoutMs?: number;
  /** Pause between those retries; default 10 s. */
  readonly retryMs?: number;
}

export class LeftoversAdapter implements LeftoversPort {
  constructor(
    private readonly ec2: Ec2Loader,
    private readonly elbv2: LeftoversElbv2Loader,
    private readonly options: LeftoversAdapterOptions = {},
  ) {}

  /** The tag that ties these tags to the cluster, or undefined (none, or managed elsewhere). */
  private static clusterTag(cluster: string, tags: readonly Tag[] | undefined): string | undefined {
    const list = tags ?? [];
    if (list.some((t) => t.Key !== undefined && MANAGED_ELSEWHERE.includes(t.Key))) return undefined;
    const legacy = list.find((t) => t.Key === `kubernetes.io/cluster/${cluster}`);
    if (legacy) return `${legacy.Key}=${legacy.Value ?? ''}`;
    const lbc = list.find((t) => t.Key === 'elbv2.k8s.aws/cluster' && t.Value === cluster);
    return lbc ? `elbv2.k8s.aws/cluster=${cluster}` : undefined;
  }

  private static nameTag(tags: readonly Tag[] | undefined): string | undefined {
    return tags?.find((t) => t.Key === 'Name')?.Value;
  }

  async find(cluster: string, signal?: AbortSignal): Promise<readonly Leftover[]> {
    const [lbs, ec2] = await Promise.all([this.findLoadBalancing(cluster, signal), this.findEc2(cluster, signal)]);
    return [...lbs, ...ec2];
  }

  private async findLoadBalancing(cluster: string, signal?: AbortSignal): Promise<Leftover[]> {
    const { sdk, client } = await this.elbv2();
    const opts = signal ? { abortSignal: signal } : {};
    const lbs: { arn: string; name?: string }[] = [];
    let marker: string | undefined;
    do {
      const out: Elbv2.DescribeLoadBalancersCommandOutput = await awsCall('elasticloadbalancing:DescribeLoadBalancers', () =>
        client.send(new sdk.DescribeLoadBalancersCommand(marker ? { Marker: marker } : {}), opts),
      );
      for (const lb of out.LoadBalancers ?? []) if (lb.LoadBalancerArn) lbs.push({ arn: lb.LoadBalancerArn, ...(lb.LoadBalancerName ? { name: lb.LoadBalancerName } : {}) });
      marker = out.NextMarker;
    } while (marker);
    const tgs: { arn: string; name?: string }[] = [];
    marker = undefined;
    do {
      const out: Elbv2.DescribeTargetGroupsCommandOutput = await awsCall('elasticloadbalancing:DescribeTargetGroups', () =>
        client.send(new sdk.DescribeTargetGroupsCommand(marker ? { Marker: marker } : {}), opts),
      );
      for (const tg of out.TargetGroups ?? []) if (tg.TargetGroupArn) tgs.push({ arn: tg.TargetGroupArn, ...(tg.TargetGroupName ? { name: tg.TargetGroupName } : {}) });
      marker = out.NextMarker;
    } while (marker);

    const tagsOf = new Map<string, Tag[]>();
    const arns = [...lbs, ...tgs].map((r) => r.arn);
    for (let i = 0; i < arns.length; i += 20) {
      const out = await awsCall('elasticloadbalancing:DescribeTags', () => client.send(new sdk.DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }), opts));
      for (const d of out.TagDescriptions ?? []) if (d.ResourceArn) tagsOf.set(d.ResourceArn, d.Tags ?? []);
    }
    const out: Leftover[] = [];
    for (const [kind, list] of [['load-balancer', lbs], ['target-group', tgs]] as const) {
      for (const r of list) {
        const tag = LeftoversAdapter.clusterTag(cluster, tagsOf.get(r.arn));
        if (tag) out.push({ kind, id: r.arn, ...(r.name ? { name: r.name } : {}), tag });
      }
    }
    return out;
  }

  private async findEc2(cluster: string, signal?: AbortSignal): Promise<Leftover[]> {
    const { sdk, client } = await this.ec2();
    const opts = signal ? { abortSignal: signal } : {};
    // One query per tag (EC2 filters AND their names), merged by id.
    const filters: Ec2.Filter[][] = [
      [{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${cluster}`] }],
      [{ Name: 'tag:elbv2.k8s.aws/cluster', Values: [cluster] }],
    ];
    const found = new Map<string, Leftover>();
    const add = (kind: Leftover['kind'], id: string | undefined, tags: readonly Tag[] | undefined) => {
      const tag = id ? LeftoversAdapter.clusterTag(cluster, tags) : undefined;
      const name = LeftoversAdapter.nameTag(tags);
      if (id && tag) found.set(id, { kind, id, ...(name ? { name } : {}), tag });
    };
    for (const Filters of filters) {
      let token: string | undefined;
      do {
        const out: Ec2.DescribeSecurityGroupsCommandOutput = await awsCall('ec2:DescribeSecurityGroups', () =>
          client.send(new sdk.DescribeSecurityGroupsCommand({ Filters, ...(token ? { NextToken: token } : {}) }), opts),
        );
        for (const g of out.SecurityGroups ?? []) add('security-group', g.GroupId, g.Tags);
        token = out.NextToken;
      } while (token);
      do {
        const out: Ec2.DescribeVolumesCommandOutput = await awsCall('ec2:DescribeVolumes', () =>
          client.send(new sdk.DescribeVolumesCommand({ Filters, ...(token ? { NextToken: token } : {}) }), opts),
        );
        for (const v of out.Volumes ?? []) add('volume', v.VolumeId, v.Tags);
        token = out.NextToken;
      } while (token);
      do {
        const out: Ec2.DescribeNetworkInterfacesCommandOutput = await awsCall('ec2:DescribeNetworkInterfaces', () =>
          client.send(new sdk.DescribeNetworkInterfacesCommand({ Filters, ...(token ? { NextToken: token } : {}) }), opts),
        );
        for (const n of out.NetworkInterfaces ?? []) {
          // Attached or service-managed interfaces go with their instance or load balancer.
          if (n.Attachment?.InstanceId || n.RequesterManaged || (n.Status !== undefined && n.Status !== 'available')) continue;
          add('network-interface', n.NetworkInterfaceId, n.TagSet);
        }
        token = out.NextToken;
      } while (token);
    }
    return [...found.values()];
  }

  async delete(leftovers: readonly Leftover[], signal?: AbortSignal): Promise<void> {
    const of = (kind: Leftover['kind']) => leftovers.filter((l) => l.kind === kind).map((l) => l.id);
    const opts = signal ? { abortSignal: signal } : {};
    const lbs = of('load-balancer');
    const tgs = of('target-group');
    if (lbs.length > 0 || tgs.length > 0) {
      const { sdk, client } = await this.elbv2();
      for (const arn of lbs) {
        await awsCall('elasticloadbalancing:DeleteLoadBalancer', () => client.send(new sdk.DeleteLoadBalancerCommand({ LoadBalancerArn: arn }), opts));
      }
      if (lbs.length > 0) {
        // A target group in use by a listener cannot be deleted: wait until the load balancers are gone.
        await awsCall('elasticloadbalancing:DescribeLoadBalancers', () =>
          sdk.waitUntilLoadBalancersDeleted({ client, maxWaitTime: 600, ...(signal ? { abortSignal: signal } : {}) }, { LoadBalancerArns: lbs }),
        );
      }
      for (const arn of tgs) {
        await awsCall('elasticloadbalancing:DeleteTargetGroup', () => client.send(new sdk.DeleteTargetGroupCommand({ TargetGroupArn: arn }), opts));
      }
    }
    const { sdk, client } = await this.ec2();
    for (const id of of('volume')) {
      await awsCall('ec2:DeleteVolume', () => client.send(new sdk.DeleteVolumeCommand({ VolumeId: id }), opts));
    }
    for (const id of of('network-interface')) {
      await awsCall('ec2:DeleteNetworkInterface', () => client.send(new sdk.DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }), opts));
    }
    for (const id of of('security-group')) {
      await this.deleteSecurityGroup(client, sdk, id, signal);
    }
  }

  /** Security groups stay in use until AWS has released the interfaces of deleted load balancers: retried on DependencyViolation. */
  private async deleteSecurityGroup(client: Ec2.EC2Client, sdk: typeof Ec2, id: string, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.options.dependencyTimeoutMs ?? 5 * 60_000);
    for (;;) {
      try {
        await client.send(new sdk.DeleteSecurityGroupCommand({ GroupId: id }), signal ? { abortSignal: signal } : {});
        return;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name !== 'DependencyViolation' || Date.now() >= deadline) {
          throw mapAwsError(err, 'ec2:DeleteSecurityGroup');
        }
        await sleep(this.options.retryMs ?? 10_000, undefined, signal ? { signal } : {});
      }
    }
  }
}
