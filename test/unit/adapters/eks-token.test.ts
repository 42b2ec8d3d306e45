import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEksToken, eksToken, stsEndpoint } from '../../../src/adapters/aws/eks-token.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const now = new Date('2026-12-01T22:00:00Z');

/** SigV4 for a presigned GET, written out from the AWS spec (an independent check of the SDK's signer). */
function expectedSignature(url: URL, cluster: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = ['GET', '/', query, `host:${url.host}\nx-k8s-aws-id:${cluster}\n`, 'host;x-k8s-aws-id', createHash('sha256').update('').digest('hex')].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = `${date.slice(0, 8)}/eu-west-1/sts/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(date.slice(0, 8)).digest();
  for (const part of ['eu-west-1', 'sts', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('EKS token (as aws eks get-token makes it)', () => {
  it('is k8s-aws-v1. and the base64url (unpadded) presigned GetCallerIdentity URL, bound to the cluster', async () => {
    const token = await eksToken({ cluster: 'green', region: 'eu-west-1', credentials, now });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token.slice('k8s-aws-v1.'.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token)!;
    expect(`${url.origin}${url.pathname}`).toBe('https://sts.eu-west-1.amazonaws.com/');
    const q = Object.fromEntries(url.searchParams.entries());
    expect(q).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261201/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20261201T220000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    });
    expect(q['X-Amz-Signature']).toBe(expectedSignature(url, 'green'));
    // Another cluster, another signature: the token is good for one cluster only.
    const other = decodeEksToken(await eksToken({ cluster: 'blue', region: 'eu-west-1', credentials, now }))!;
    expect(other.searchParams.get('X-Amz-Signature')).not.toBe(q['X-Amz-Signature']);
  });

  it('carries a session token when the credentials are temporary', async () => {
    const url = decodeEksToken(await eksToken({ cluster: 'green', region: 'eu-west-1', credentials: { ...credentials, sessionToken: 'FwoGZX/session+token=' }, now }))!;
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZX/session+token=');
  });

  it('presigns against the configured STS endpoint, like the SDK', () => {
    expect(stsEndpoint('eu-west-1', {})).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toBe('http://127.0.0.1:5000');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' })).toBe('http://b');
  });

  it('decodes only its own tokens', () => {
    expect(decodeEksToken('Bearer x')).toBeUndefined();
    expect(decodeEksToken('k8s-aws-v1.%%%')).toBeUndefined();
  });
});
