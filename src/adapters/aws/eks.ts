/** EksPort: DescribeCluster, ListNodegroups + DescribeNodegroup. */
import type * as Eks from '@aws-sdk/client-eks';
import type { EksClusterInfo, EksNodegroupInfo, EksPort } from '../../core/ports.js';
import { awsCall, awsErrorName, mapAwsError } from './errors.js';

export type EksLoader = () => Promise<{ sdk: typeof Eks; client: Eks.EKSClient }>;

function issues(list: Array<{ code?: string; message?: string }> | undefined): string[] {
  return (list ?? []).map((i) => `${i.code ?? 'Unknown'}: ${i.message ?? ''}`.trim());
}

export class EksAdapter implements EksPort {
  constructor(private readonly load: EksLoader) {}

  async describeCluster(name: string, signal?: AbortSignal): Promise<EksClusterInfo | undefined> {
    const { sdk, client } = await this.load();
    let out: Eks.DescribeClusterCommandOutput;
    try {
      out = await client.send(new sdk.DescribeClusterCommand({ name }), { abortSignal: signal });
    } catch (err) {
      if (awsErrorName(err) === 'ResourceNotFoundException') return undefined;
      throw mapAwsError(err, 'eks:DescribeCluster');
    }
    const c = out.cluster;
    if (!c) return undefined;
    return {
      name: c.name ?? name,
      status: c.status ?? 'UNKNOWN',
      version: c.version ?? '',
      ...(c.endpoint ? { endpoint: c.endpoint } : {}),
      ...(c.arn ? { arn: c.arn } : {}),
      ...(c.certificateAuthority?.data ? { certificateAuthority: c.certificateAuthority.data } : {}),
      healthIssues: issues(c.health?.issues),
    };
  }

  /** Every managed node group of the cluster; [] when the cluster does not exist. */
  async listNodegroups(clusterName: string, signal?: AbortSignal): Promise<EksNodegroupInfo[]> {
    const { sdk, client } = await this.load();
    const names: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const out: Eks.ListNodegroupsCommandOutput = await client.send(
          new sdk.ListNodegroupsCommand({ clusterName, ...(nextToken ? { nextToken } : {}) }),
          { abortSignal: signal },
        );
        names.push(...(out.nodegroups ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
    } catch (err) {
      if (awsErrorName(err) === 'ResourceNotFoundException') return [];
      throw mapAwsError(err, 'eks:ListNodegroups');
    }
    return Promise.all(
      names.map(async (nodegroupName): Promise<EksNodegroupInfo> => {
        const out = await awsCall('eks:DescribeNodegroup', () =>
          client.send(new sdk.DescribeNodegroupCommand({ clusterName, nodegroupName }), { abortSignal: signal }),
        );
        const g = out.nodegroup;
        return {
          name: g?.nodegroupName ?? nodegroupName,
          status: g?.status ?? 'UNKNOWN',
          ...(g?.version ? { version: g.version } : {}),
          healthIssues: issues(g?.health?.issues),
        };
      }),
    );
  }
}
