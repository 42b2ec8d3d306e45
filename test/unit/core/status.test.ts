import { describe, expect, it } from 'vitest';
import { collectStatus, type StatusDeps } from '../../../src/core/status.js';
import type { EksClusterInfo, WeightedRecord } from '../../../src/core/ports.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function deps(records: Promise<WeightedRecord[]>, described: string[]): StatusDeps {
  return {
    stacks: { readDesiredWeights: async () => ({ 'cluster-a': 100, 'cluster-b': 0 }), listClusters: async () => ['cluster-a', 'cluster-b'] },
    dns: { recordName: 'api.example.test', readRecords: () => records },
    eks: {
      describeCluster: async (name: string): Promise<EksClusterInfo | undefined> => {
        described.push(name);
        return { name, status: 'ACTIVE', version: '1.35' } as unknown as EksClusterInfo;
      },
    } as unknown as StatusDeps['eks'],
    state: { readLock: async () => null, readJournal: async () => [] } as unknown as StatusDeps['state'],
    ttl: 60,
    currentOperation: async () => null,
  };
}

const record = (setIdentifier: string, weight: number): WeightedRecord => ({ setIdentifier, weight, value: `${setIdentifier}.lb.example.net` }) as WeightedRecord;

describe('collectStatus', () => {
  it('describes the clusters it knows from the workspaces while Route 53 is still answering', async () => {
    const route53 = deferred<WeightedRecord[]>();
    const described: string[] = [];
    const report = collectStatus(deps(route53.promise, described));
    await new Promise((r) => setTimeout(r, 0));
    expect(described.sort()).toEqual(['cluster-a', 'cluster-b']);
    route53.resolve([record('cluster-a', 100), record('cluster-b', 0), record('cluster-x', 0)]);
    const done = await report;
    // A cluster only Route 53 knows is described too, once.
    expect(described.sort()).toEqual(['cluster-a', 'cluster-b', 'cluster-x']);
    expect(done.clusters.map((c) => c.name)).toEqual(['cluster-a', 'cluster-b', 'cluster-x']);
    expect(done.drift).toEqual([{ cluster: 'cluster-x', desired: null, live: 0 }]);
  });

  it('fails with the Route 53 error, not with an unhandled rejection of a describe started early', async () => {
    const route53 = deferred<WeightedRecord[]>();
    const d = deps(route53.promise, []);
    const failing = { ...d, eks: { describeCluster: async () => Promise.reject(new Error('eks down')) } as unknown as StatusDeps['eks'] };
    const report = collectStatus(failing);
    route53.reject(new Error('route53 down'));
    await expect(report).rejects.toThrow('route53 down');
  });
});
