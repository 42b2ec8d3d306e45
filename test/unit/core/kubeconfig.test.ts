import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import { kubeconfigDocument, kubeconfigEntry, mergeKubeconfig } from '../../../src/core/kubeconfig.js';

const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/cluster-b';
const entry = kubeconfigEntry({ clusterName: 'cluster-b', arn, endpoint: 'https://B.gr7.eu-west-1.eks.amazonaws.com', certificateAuthorityData: 'Q0E=', region: 'eu-west-1' });

describe('kubeconfig entries', () => {
  it('are what aws eks update-kubeconfig writes: ARN names, endpoint, CA, exec aws eks get-token', () => {
    const doc = kubeconfigDocument(entry);
    expect(doc).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': arn,
      clusters: [{ name: arn, cluster: { server: 'https://B.gr7.eu-west-1.eks.amazonaws.com', 'certificate-authority-data': 'Q0E=' } }],
      contexts: [{ name: arn, context: { cluster: arn, user: arn } }],
      users: [{ name: arn, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['--region', 'eu-west-1', 'eks', 'get-token', '--cluster-name', 'cluster-b', '--output', 'json'] } } }],
    });
    expect(JSON.stringify(doc)).not.toContain('AWS_PROFILE');
  });

  it('pass the AWS profile in use to the exec plugin', () => {
    const withProfile = kubeconfigEntry({ clusterName: 'c', arn, endpoint: 'https://x', certificateAuthorityData: 'Q0E=', region: 'eu-west-1', profile: 'platform' });
    expect((withProfile.user.user as { exec: { env: unknown } }).exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'platform' }]);
  });
});

describe('mergeKubeconfig', () => {
  const other = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kind-dev', cluster: { server: 'https://127.0.0.1:6443' } }],
    users: [{ name: 'kind-dev', user: { token: 'x' } }],
    contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kind-dev' } }],
    'current-context': 'kind-dev',
    preferences: { colors: true },
  };

  it('keeps every existing entry and makes the new context current', () => {
    const { document, changed } = mergeKubeconfig(other, entry, { force: false, file: 'k' });
    expect(changed).toBe(true);
    expect((document.contexts as { name: string }[]).map((c) => c.name)).toEqual(['kind-dev', arn]);
    expect((document.users as { name: string }[]).map((c) => c.name)).toEqual(['kind-dev', arn]);
    expect(document['current-context']).toBe(arn);
    expect(document.preferences).toEqual({ colors: true });
  });

  it('changes nothing the second time', () => {
    const once = mergeKubeconfig(other, entry, { force: false, file: 'k' }).document;
    expect(mergeKubeconfig(once, entry, { force: false, file: 'k' }).changed).toBe(false);
  });

  it('starts a new file from nothing', () => {
    const { document } = mergeKubeconfig(undefined, entry, { force: false, file: 'k' });
    expect(document).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': arn });
  });

  it('refuses to replace a different entry of the same name without force', () => {
    const once = mergeKubeconfig(undefined, entry, { force: false, file: 'k' }).document;
    const moved = kubeconfigEntry({ clusterName: 'cluster-b', arn, endpoint: 'https://NEW', certificateAuthorityData: 'Q0E=', region: 'eu-west-1' });
    expect(() => mergeKubeconfig(once, moved, { force: false, file: 'k' })).toThrow(CurvectlError);
    const forced = mergeKubeconfig(once, moved, { force: true, file: 'k' }).document;
    expect((forced.clusters as { cluster: { server: string } }[])[0]!.cluster.server).toBe('https://NEW');
  });

  it('refuses a file that is not a kubeconfig', () => {
    expect(() => mergeKubeconfig(['a'], entry, { force: false, file: 'k' })).toThrow(/not a kubeconfig/);
    expect(() => mergeKubeconfig({ clusters: 'x' }, entry, { force: false, file: 'k' })).toThrow(/not a list/);
  });
});
