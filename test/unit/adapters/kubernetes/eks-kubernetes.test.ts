import { describe, expect, it } from 'vitest';
import { EksKubernetes } from '../../../../src/adapters/kubernetes/eks-kubernetes.js';
import type { EksPort } from '../../../../src/core/ports.js';

// DescribeCluster that never answers: the abort is what ends the call, and nothing reaches a network.
const silentEks: EksPort = {
  describeCluster: () => new Promise(() => undefined),
  listNodegroups: () => Promise.resolve([]),
};
const kubernetes = new EksKubernetes({ eks: silentEks, region: 'eu-west-1', env: {} });
const list = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('EksKubernetes: an abort', () => {
  it('rejects with the abort reason when it is an Error', async () => {
    const controller = new AbortController();
    const reason = Object.assign(new Error('Interrupted twice.'), { name: 'AbortError' });
    const call = rejectionOf(kubernetes.listObjects('b', [list], { timeoutMs: 60_000, signal: controller.signal }));
    controller.abort(reason);
    expect(await call).toBe(reason);
  });

  it('wraps any other reason in an AbortError that keeps it as its cause', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const err = await rejectionOf(kubernetes.listObjects('b', [list], { timeoutMs: 60_000, signal: controller.signal }));
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'AbortError', message: 'The operation was aborted.', cause: 'stop' });
  });
});
