import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/_helpers/heavy-first-sequencer.js';

// Three tiers (test/unit, test/integration, test/e2e). Integration and e2e files spend most of their
// time waiting on Terraform and the emulator, not on the CPU, so they run several at once even on
// two cores; each file starts its own emulator on a free port, so files never share AWS state.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: 6,
    // The longest files first, also on a fresh clone with no cached durations (CI).
    sequence: { sequencer: HeavyFirstSequencer },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/chaos/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
