/**
 * The contract of the cluster side of the stacks (src/core/ports/cluster-stacks.ts) and of the
 * traffic stack's desired weights (src/core/ports/traffic-stack.ts), run against FakeStacks and
 * against TerraformStacks driving real Terraform on the cluster stub (test/fixtures/stacks/cluster-stub:
 * the cluster stack's variables, outputs and one workspace per cluster, no resources, no provider).
 *
 * Not here: the traffic stack's plan and apply. Every Route 53 record change waits ~15 s inside the
 * AWS provider (shared/design/emulator.md), which would take this file past its 60 s budget; they
 * are covered by test/integration/adapters/aws-emulator.test.ts and test/integration/stacks/traffic-stack.test.ts,
 * and FakeStacks' plan/apply are checked against the lifecycle and shift suites' real runs. The
 * platform stack needs a real cluster (test/integration/stacks/platform-stack.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterStacks } from '../../../src/core/ports/cluster-stacks.js';
import type { TrafficStack } from '../../../src/core/ports/traffic-stack.js';
import { rejection } from '../rejection.js';

export interface StacksSubject {
  readonly name: string;
  /** Stacks with no cluster and no desired weights yet. */
  fresh(): Promise<ClusterStacks & Pick<TrafficStack, 'readDesiredWeights' | 'writeDesiredWeights'>>;
}

export function stacksContract(subject: StacksSubject): void {
  describe(`ClusterStacks contract: ${subject.name}`, () => {
    it('creates each cluster in its own workspace, lists it and reads its outputs; a plan leaves nothing behind; an unknown cluster has none', async () => {
      const stacks = await subject.fresh();
      expect(await stacks.listClusters()).toEqual([]);
      const a = await stacks.applyCluster({ name: 'contract-a', kubernetesVersion: '1.35' });
      expect(a).toEqual({ clusterName: 'contract-a', kubernetesVersion: '1.35', ingressDnsName: expect.stringContaining('contract-a') });
      await stacks.applyCluster({ name: 'contract-b', kubernetesVersion: '1.35' });
      const plan = await stacks.planCluster({ name: 'contract-c', kubernetesVersion: '1.35' });
      expect(plan.commands.length).toBeGreaterThan(0);
      expect([...(await stacks.listClusters())].sort()).toEqual(['contract-a', 'contract-b']);
      expect(await stacks.clusterOutputs('contract-a')).toEqual(a);
      expect(await stacks.clusterOutputs('contract-z')).toBeUndefined();
    });

    it('destroy removes the outputs and keeps the workspace; deleting the workspaces removes the cluster from the list', async () => {
      const stacks = await subject.fresh();
      await stacks.applyCluster({ name: 'contract-d', kubernetesVersion: '1.35' });
      await stacks.destroyCluster('contract-d');
      expect(await stacks.clusterOutputs('contract-d')).toBeUndefined();
      expect(await stacks.listClusters()).toEqual(['contract-d']);
      await stacks.deleteWorkspaces('contract-d', { platform: false });
      expect(await stacks.listClusters()).toEqual([]);
    });
  });

  describe(`TrafficStack desired weights contract: ${subject.name}`, () => {
    it('reads {} before any write, then what was written; refuses a weight Route 53 cannot take with INTERNAL and keeps the last', async () => {
      const stacks = await subject.fresh();
      expect(await stacks.readDesiredWeights()).toEqual({});
      await stacks.writeDesiredWeights({ 'contract-a': 90, 'contract-b': 10 });
      expect(await stacks.readDesiredWeights()).toEqual({ 'contract-a': 90, 'contract-b': 10 });
      expect((await rejection(stacks.writeDesiredWeights({ 'contract-a': -1 }))).code).toBe('INTERNAL');
      expect((await rejection(stacks.writeDesiredWeights({ 'contract-a': 2.5 }))).code).toBe('INTERNAL');
      expect((await rejection(stacks.writeDesiredWeights({ 'contract-a': 256 }))).code).toBe('INTERNAL');
      expect(await stacks.readDesiredWeights()).toEqual({ 'contract-a': 90, 'contract-b': 10 });
    });
  });
}
