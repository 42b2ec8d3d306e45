/**
 * Who the credentials belong to (STS GetCallerIdentity, which needs no permission), for scoping an
 * IAM policy to the account and partition.
 */
import { sdkLoader } from './client-factory.js';
import { awsCall } from './errors.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** aws, aws-cn, aws-us-gov: from the caller's ARN. */
  readonly partition: string;
}

export function callerIdentityReader(region?: string): () => Promise<CallerIdentity> {
  const sts = sdkLoader(() => import('@aws-sdk/client-sts'), (sdk, c) => new sdk.STSClient(c), region ? { region } : {});
  return async () => {
    const { sdk, client } = await sts();
    const out = await awsCall('sts:GetCallerIdentity', () => client.send(new sdk.GetCallerIdentityCommand({})));
    const arn = out.Arn ?? '';
    return { account: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
  };
}
