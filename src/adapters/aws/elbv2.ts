/** Elbv2Port: the load balancer by DNS name, its target groups, their targets' health. */
import type * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { CurvectlError } from '../../core/errors.js';
import { normaliseDnsName } from '../../core/names.js';
import type { Elbv2Port, TargetHealth } from '../../core/ports.js';
import { awsCall } from './errors.js';

export type Elbv2Loader = () => Promise<{ sdk: typeof Elbv2; client: Elbv2.ElasticLoadBalancingV2Client }>;

export class Elbv2Adapter implements Elbv2Port {
  constructor(private readonly load: Elbv2Loader) {}

  async targetHealthForLoadBalancer(dnsName: string, signal?: AbortSignal): Promise<TargetHealth[]> {
    const { sdk, client } = await this.load();
    const wanted = normaliseDnsName(dnsName).replace(/^dualstack\./, '');
    let arn: string | undefined;
    let marker: string | undefined;
    do {
      const out: Elbv2.DescribeLoadBalancersCommandOutput = await awsCall('elasticloadbalancing:DescribeLoadBalancers', () =>
        client.send(new sdk.DescribeLoadBalancersCommand({ ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal }),
      );
      arn = out.LoadBalancers?.find((lb) => lb.DNSName !== undefined && normaliseDnsName(lb.DNSName) === wanted)?.LoadBalancerArn;
      marker = out.NextMarker;
    } while (!arn && marker);
    if (!arn) {
      throw new CurvectlError('INCONSISTENT', `No load balancer has the DNS name ${dnsName}.`, {
        hint: "Check the cluster stack's ingress_dns_name output and the AWS region.",
      });
    }

    const groups: string[] = [];
    marker = undefined;
    do {
      const out: Elbv2.DescribeTargetGroupsCommandOutput = await awsCall('elasticloadbalancing:DescribeTargetGroups', () =>
        client.send(new sdk.DescribeTargetGroupsCommand({ LoadBalancerArn: arn, ...(marker ? { Marker: marker } : {}) }), {
          abortSignal: signal,
        }),
      );
      groups.push(...(out.TargetGroups ?? []).flatMap((g) => (g.TargetGroupArn ? [g.TargetGroupArn] : [])));
      marker = out.NextMarker;
    } while (marker);

    const perGroup = await Promise.all(
      groups.map(async (targetGroupArn) => {
        const out = await awsCall('elasticloadbalancing:DescribeTargetHealth', () =>
          client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), { abortSignal: signal }),
        );
        return (out.TargetHealthDescriptions ?? []).map(
          (d): TargetHealth => ({
            targetGroupArn,
            targetId: `${d.Target?.Id ?? 'unknown'}${d.Target?.Port ? `:${d.Target.Port}` : ''}`,
            state: d.TargetHealth?.State ?? 'unavailable',
            ...(d.TargetHealth?.Reason || d.TargetHealth?.Description
              ? { reason: [d.TargetHealth.Reason, d.TargetHealth.Description].filter(Boolean).join(': ') }
              : {}),
          }),
        );
      }),
    );
    return perGroup.flat();
  }
}
