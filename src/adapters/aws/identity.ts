/**
 * Who the credentials belong to (STS GetCallerIdentity, which needs no permission), for scoping an
 * IAM policy to the account and partition.
 */
import { lazy, packageVersion } from './clients.js';
import { awsCall } from './errors.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** aws, aws-cn, aws-us-gov: from the caller's ARN. */
  readonly partition: string;
}

export function callerIdentityReader(region?: string): () => Promise<CallerIdentity> {
  const load = lazy(async () => {
    const sdk = await import('@aws-sdk/client-sts');
    return { sdk, client: new sdk.STSClient({ ...(region ? { region } : {}), maxAttempts: 5, retryMode: 'adaptive', customUserAgent: `curvectl/${packageVersion()}` }) };
  });
  return async () => {
    const { sdk, client } = await load();
    const out = await awsCall('sts:GetCallerIdentity', () => client.send(new sdk.GetCallerIdentityCommand({})));
    const arn = out.Arn ?? '';
    return { account: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
  };
}
