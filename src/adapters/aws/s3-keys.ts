/**
 * ListObjectsV2 over every page, for reading Terraform's S3 workspaces without Terraform
 * (workspace-listing.ts). Needs s3:ListBucket on the state bucket, which Terraform's S3 backend
 * needs anyway (https://developer.hashicorp.com/terraform/language/backend/s3#s3-bucket-permissions).
 */
import type { ListObjectKeys } from '../terraform/workspace-listing.js';
import { lazy, packageVersion } from './clients.js';
import { awsCall } from './errors.js';

export function s3ObjectKeyLister(): ListObjectKeys {
  const clients = new Map<string, () => Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: import('@aws-sdk/client-s3').S3Client }>>();
  const clientFor = (region: string | undefined) => {
    const key = region ?? '';
    let get = clients.get(key);
    if (!get) {
      get = lazy(async () => {
        const sdk = await import('@aws-sdk/client-s3');
        return {
          sdk,
          client: new sdk.S3Client({
            ...(region ? { region } : {}),
            maxAttempts: 5,
            retryMode: 'adaptive',
            customUserAgent: `curvectl/${packageVersion()}`,
          }),
        };
      });
      clients.set(key, get);
    }
    return get();
  };
  return async ({ bucket, prefix, region }) => {
    const { sdk, client } = await clientFor(region);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall(`S3 ListObjectsV2 on ${bucket}`, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  };
}
