/**
 * The DesiredWeightsStore contract (src/core/ports/desired-weights-store.ts): the team's shared
 * desired weights, written only under the traffic lock and never over an update made since this
 * operator read them. Run against FakeDesiredWeights and against the DynamoDB adapter on the emulator.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredWeightsStore } from '../../../src/core/ports/desired-weights-store.js';
import { rejection } from '../rejection.js';

/** One operator: its store, and the traffic lock it takes and gives back. */
export interface WeightsOperator {
  readonly weights: DesiredWeightsStore;
  lock(): Promise<void>;
  unlock(): Promise<void>;
}

export interface DesiredWeightsSubject {
  readonly name: string;
  /** Two operators on one fresh, empty shared store. */
  fresh(): Promise<{ alice: WeightsOperator; bob: WeightsOperator }>;
}

export function desiredWeightsContract(subject: DesiredWeightsSubject): void {
  describe(`DesiredWeightsStore contract: ${subject.name}`, () => {
    it('reads undefined before the first write, then what was written, by every operator', async () => {
      const { alice, bob } = await subject.fresh();
      expect(typeof alice.weights.description).toBe('string');
      expect(await alice.weights.read()).toBeUndefined();
      await alice.lock();
      await alice.weights.write({ 'cluster-a': 100, 'cluster-b': 0 });
      await alice.unlock();
      expect(await bob.weights.read()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
      expect(await alice.weights.read()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    });

    it('refuses to write without holding the traffic lock, and writes nothing', async () => {
      const { alice, bob } = await subject.fresh();
      const refused = await rejection(alice.weights.write({ 'cluster-a': 100 }));
      expect(refused.code).toBe('INTERNAL');
      expect(await bob.weights.read()).toBeUndefined();
    });

    it('never overwrites an update made since this operator read: INCONSISTENT, and a fresh read lets it write', async () => {
      const { alice, bob } = await subject.fresh();
      await alice.lock();
      await alice.weights.write({ 'cluster-a': 100, 'cluster-b': 0 });
      await alice.unlock();
      expect(await alice.weights.read()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
      expect(await bob.weights.read()).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
      await bob.lock();
      await bob.weights.write({ 'cluster-a': 50, 'cluster-b': 50 });
      await bob.unlock();

      await alice.lock();
      expect((await rejection(alice.weights.write({ 'cluster-a': 0, 'cluster-b': 100 }))).code).toBe('INCONSISTENT');
      expect(await bob.weights.read()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
      expect(await alice.weights.read()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
      await alice.weights.write({ 'cluster-a': 0, 'cluster-b': 100 });
      await alice.unlock();
      expect(await bob.weights.read()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    });

    it('the first write of two operators who both read none: the second is INCONSISTENT', async () => {
      const { alice, bob } = await subject.fresh();
      expect(await alice.weights.read()).toBeUndefined();
      expect(await bob.weights.read()).toBeUndefined();
      await alice.lock();
      await alice.weights.write({ 'cluster-a': 100 });
      await alice.unlock();
      await bob.lock();
      expect((await rejection(bob.weights.write({ 'cluster-b': 100 }))).code).toBe('INCONSISTENT');
      await bob.unlock();
      expect(await alice.weights.read()).toEqual({ 'cluster-a': 100 });
    });
  });
}
