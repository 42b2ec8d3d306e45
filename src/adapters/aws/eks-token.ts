/**
 * An EKS bearer token, made exactly as `aws eks get-token` makes it (awscli
 * customizations/eks/get_token.py; AWS docs "Grant IAM users access to Kubernetes"): a SigV4
 * presigned STS GetCallerIdentity URL, valid 60 s, with the cluster name in the signed header
 * x-k8s-aws-id, base64url-encoded without padding behind "k8s-aws-v1.". The API server's
 * authenticator calls that URL to learn who the caller is; the header binds the token to one cluster.
 */
import { Hash } from '@smithy/hash-node';
import { buildQueryString } from '@smithy/querystring-builder';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const EXPIRES_IN_SECONDS = 60;

export interface EksTokenOptions {
  readonly cluster: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The STS endpoint (https://sts.<region>.amazonaws.com unless configured otherwise). */
  readonly stsEndpoint?: string;
  /** For tests: the signing time. */
  readonly now?: Date;
}

/**
 * The STS endpoint the SDK would use: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL (AWS SDKs and
 * Tools reference guide, "Service-specific endpoints"), else the regional endpoint.
 */
export function stsEndpoint(region: string, env: Readonly<Record<string, string | undefined>>): string {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || `https://sts.${region}.amazonaws.com`;
}

/** The presigned GetCallerIdentity URL. */
export async function presignedCallerIdentityUrl(options: EksTokenOptions): Promise<string> {
  const endpoint = new URL(options.stsEndpoint ?? `https://sts.${options.region}.amazonaws.com`);
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'sts', sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname || '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: options.cluster },
    },
    { expiresIn: EXPIRES_IN_SECONDS, ...(options.now ? { signingDate: options.now } : {}) },
  );
  return `${endpoint.protocol}//${endpoint.host}${signed.path}?${buildQueryString(signed.query ?? {})}`;
}

export async function eksToken(options: EksTokenOptions): Promise<string> {
  return TOKEN_PREFIX + Buffer.from(await presignedCallerIdentityUrl(options), 'utf8').toString('base64url');
}

/** The URL inside a token (what the API server's authenticator does first). Undefined when it is not one. */
export function decodeEksToken(token: string): URL | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
