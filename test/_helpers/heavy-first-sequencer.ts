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
 * workers), as CI printed them at e75e63b; the three files whose emulator no longer loads AWS's
 * managed IAM policies are scaled by their local speed-up. Only the order matters; refresh it when
 * a file's cost changes a lot (vitest prints each file's duration).
 */
export const COST_S: Readonly<Record<string, number>> = {
  'test/chaos/bad-invocations.test.ts': 570,
  'test/integration/lifecycle/create-retire.test.ts': 482,
  'test/integration/traffic/cycle-under-load.test.ts': 462,
  'test/integration/lifecycle/create-failure.test.ts': 452,
  'test/integration/traffic/drain-negative-control.test.ts': 444,
  'test/chaos/kill-9.test.ts': 444,
  'test/integration/stacks/traffic-stack.test.ts': 407,
  'test/integration/stacks/cluster-stack.test.ts': 362,
  'test/chaos/kill-9-recovery.test.ts': 313,
  'test/integration/lifecycle/retire-resume.test.ts': 298,
  'test/chaos/terraform-failure.test.ts': 289,
  'test/chaos/faulty-aws.test.ts': 246,
  'test/integration/teams/shared-state.test.ts': 244,
  'test/integration/shift/shift-crash.test.ts': 215,
  'test/integration/shift/shift-pty.test.ts': 213,
  'test/chaos/answer-lost.test.ts': 208,
  'test/integration/iam/iam-policy.test.ts': 205,
  'test/integration/shift/shift-notify.test.ts': 204,
  'test/chaos/out-of-band.test.ts': 195,
  'test/integration/traffic/observed-flows.test.ts': 191,
  'test/integration/lifecycle/lifecycle-bad-input.test.ts': 180,
  'test/integration/shift/shift-resume.test.ts': 173,
  'test/integration/teams/lease-takeover.test.ts': 172,
  'test/integration/shift/shift-rollback.test.ts': 168,
  'test/integration/traffic/rollback-under-load.test.ts': 154,
  'test/integration/shift/shift-happy.test.ts': 149,
  'test/integration/stacks/retire-leftovers.test.ts': 135,
  'test/integration/shift/shift-bad-input.test.ts': 127,
  'test/integration/adapters/aws-emulator.test.ts': 126,
  'test/integration/shift/shift-schedule.test.ts': 123,
  'test/integration/shift/shift-fail-closed.test.ts': 120,
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
