import { describe, expect, it } from 'vitest';
import { clusterKubeconfig } from '../../../src/core/cluster-kubeconfig.js';
import type { KubeconfigFilePort } from '../../../src/core/ports/kubeconfig-file.js';
import { FakeEks } from '../../_helpers/fakes.js';
import { rejection } from '../../_helpers/rejection.js';

/** The kubeconfig file in memory: what was read and every write. */
class MemoryKubeconfig implements KubeconfigFilePort {
  readonly file = '/home/alice/.kube/config';
  readonly writes: Record<string, unknown>[] = [];
  constructor(public document: unknown = undefined) {}
  async read(): Promise<unknown> {
    return this.document;
  }
  async write(document: Record<string, unknown>): Promise<void> {
    this.writes.push(document);
    this.document = document;
  }
}

const arn = 'arn:aws:eks:eu-central-1:123456789012:cluster/cluster-b';
const eks = () => new FakeEks().addCluster('cluster-b', { arn, endpoint: 'https://B.eks.example', certificateAuthority: 'Q0E=' });
const print = { write: false, force: false, dryRun: false };
const write = { write: true, force: false, dryRun: false };

describe('cluster kubeconfig', () => {
  it("returns the document, taking the region from the cluster's ARN over the configured one", async () => {
    const result = await clusterKubeconfig({ eks: eks(), region: 'eu-west-1' }, 'cluster-b', print);
    expect(result.kind).toBe('document');
    expect(JSON.stringify(result.kind === 'document' ? result.document : null)).toContain('"--region","eu-central-1"');
  });

  it('writes the merged file once; the second time changes nothing; a dry run writes nothing', async () => {
    const file = new MemoryKubeconfig();
    expect(await clusterKubeconfig({ eks: eks(), region: undefined, file }, 'cluster-b', { ...write, dryRun: true })).toMatchObject({ kind: 'would-write', file: file.file });
    expect(file.writes).toHaveLength(0);
    expect(await clusterKubeconfig({ eks: eks(), region: undefined, file }, 'cluster-b', write)).toMatchObject({ kind: 'written', file: file.file });
    expect(file.writes).toHaveLength(1);
    expect(file.writes[0]).toMatchObject({ 'current-context': arn });
    expect(await clusterKubeconfig({ eks: eks(), region: undefined, file }, 'cluster-b', write)).toMatchObject({ kind: 'unchanged' });
    expect(file.writes).toHaveLength(1);
  });

  it('refuses an unknown cluster and one without an endpoint yet, reading and writing nothing', async () => {
    const file = new MemoryKubeconfig();
    const unknown = await rejection(clusterKubeconfig({ eks: eks(), region: 'eu-west-1', file }, 'cluster-z', write));
    expect(unknown).toMatchObject({ code: 'REFUSED', message: 'There is no EKS cluster named cluster-z.' });
    expect(unknown.hint).toMatch(/eu-west-1/);
    const creating = new FakeEks().addCluster('cluster-c', { status: 'CREATING' });
    expect(await rejection(clusterKubeconfig({ eks: creating, region: undefined, file }, 'cluster-c', write))).toMatchObject({
      code: 'REFUSED',
      message: 'The EKS cluster cluster-c has no API endpoint or CA yet (status CREATING).',
    });
    expect(file.writes).toHaveLength(0);
  });
});
