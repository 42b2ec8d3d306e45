/**
 * Runs the longest test files first, so the suite's wall time is close to its work divided by the
 * workers rather than a long file started last (CI's tail).
 *
 * Vitest already orders by the durations it cached from the previous run, but CI runs a fresh clone
 * with no cache, where vitest falls back to "larger files first": the traffic suites are short files
 * that run for minutes (real cluster stacks, the fleet), so they started last and CI's Node 24 phase
 * ended with one of them running alone for minutes. Here a file vitest has a cached duration for keeps
 * that duration; a file it has none for takes its cost from COST_S, and one in neither from its size,
 * as vitest does.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * About how many seconds each long file takes in a fresh-clone CI run (Node 24 phase, 2 CPUs, 6
 * workers): the traffic suites, answer-lost and shift-happy as CI printed them at b755603, the rest
 * ranked from a local run. Only the order matters; refresh it when a file's cost changes a lot
 * (vitest prints each file's duration).
 */
export const COST_S: Readonly<Record<string, number>> = {
  'test/integration/traffic/cycle-under-load.test.ts': 405,
  'test/integration/traffic/drain-negative-control.test.ts': 353,
  'test/chaos/kill-9-recovery.test.ts': 320,
  'test/chaos/faulty-aws.test.ts': 300,
  'test/integration/lifecycle/lifecycle-bad-input.test.ts': 250,
  'test/chaos/out-of-band.test.ts': 200,
  'test/integration/lifecycle/create-retire.test.ts': 280,
  'test/integration/lifecycle/create-failure.test.ts': 270,
  'test/chaos/answer-lost.test.ts': 234,
  'test/integration/teams/shared-state.test.ts': 230,
  'test/integration/iam/iam-policy.test.ts': 200,
  'test/chaos/kill-9.test.ts': 180,
  'test/integration/stacks/cluster-policy.test.ts': 160,
  'test/integration/shift/shift-happy.test.ts': 154,
  'test/integration/stacks/cluster-stack.test.ts': 150,
  'test/chaos/terraform-failure.test.ts': 140,
  'test/integration/stacks/traffic-stack.test.ts': 130,
  'test/integration/traffic/rollback-under-load.test.ts': 120,
};

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const cost = (spec: TestSpecification): number => {
      const file = path.relative(root, spec.moduleId).split(path.sep).join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      if (cached) return cached.duration / 1000;
      return COST_S[file] ?? 0;
    };
    // Stable over vitest's own order, inside each project (vitest runs projects one after another).
    return sorted
      .map((spec, index) => ({ spec, index, cost: cost(spec) }))
      .sort((a, b) => (a.spec.project.name === b.spec.project.name ? b.cost - a.cost : 0) || a.index - b.index)
      .map((entry) => entry.spec);
  }
}
