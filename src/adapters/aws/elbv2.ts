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
    // The SDK's paginators follow NextMarker; the search stops at the first page that has it.
    const arn = await awsCall('elasticloadbalancing:DescribeLoadBalancers', async () => {
      for await (const page of sdk.paginateDescribeLoadBalancers({ client }, {}, { abortSignal: signal })) {
        const found = page.LoadBalancers?.find((lb) => lb.DNSName !== undefined && normaliseDnsName(lb.DNSName) === wanted);
        if (found?.LoadBalancerArn) return found.LoadBalancerArn;
      }
      return undefined;
    });
    if (!arn) {
      throw new CurvectlError('INCONSISTENT', `No load balancer has the DNS name ${dnsName}.`, {
        hint: "Check the cluster stack's ingress_dns_name output and the AWS region.",
      });
    }

    const groups = await awsCall('elasticloadbalancing:DescribeTargetGroups', async () => {
      const arns: string[] = [];
      for await (const page of sdk.paginateDescribeTargetGroups({ client }, { LoadBalancerArn: arn }, { abortSignal: signal })) {
        arns.push(...(page.TargetGroups ?? []).flatMap((g) => (g.TargetGroupArn ? [g.TargetGroupArn] : [])));
      }
      return arns;
    });

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
