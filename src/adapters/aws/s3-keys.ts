/**
 * ListObjectsV2 over every page, for reading Terraform's S3 workspaces without Terraform
 * (workspace-listing.ts). Needs s3:ListBucket on the state bucket, which Terraform's S3 backend
 * needs anyway (https://developer.hashicorp.com/terraform/language/backend/s3#s3-bucket-permissions).
 */
import type { ListObjectKeys } from '../terraform/workspace-listing.js';
import { perRegion, sdkLoader } from './client-factory.js';
import { awsCall } from './errors.js';

export function s3ObjectKeyLister(): ListObjectKeys {
  const s3 = perRegion((region) => sdkLoader(() => import('@aws-sdk/client-s3'), (sdk, c) => new sdk.S3Client(c), region ? { region } : {}));
  return async ({ bucket, prefix, region }) => {
    const { sdk, client } = await s3(region);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall(`s3:ListBucket on ${bucket}`, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  };
}
