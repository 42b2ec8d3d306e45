// The layer rules (.dependency-cruiser.cjs, also run by `npm run lint:deps` in `npm test`): curvectl's
// src/ keeps them, and a fixture that crosses each of them once shows that every rule can fail.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, repoRoot } from '../../_helpers/boundaries.js';

// Parsing every source file takes a second or two, far longer on a loaded machine: no tight timeout.
describe('layer boundaries', { timeout: 120_000 }, () => {
  it('src/ crosses no layer and has no import circle', async () => {
    expect(await boundaryViolations(repoRoot)).toEqual([]);
  });

  it('negative control: each rule fails on a deliberate violation', async () => {
    const found = await boundaryViolations(path.join(repoRoot, 'test/fixtures/boundaries'));
    const summary = found.map((v) => `${v.rule}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`).sort();
    expect(summary).toEqual(
      [
        'adapters-do-not-import-cli-or-io: src/adapters/uses-cli.ts -> src/cli/command.ts',
        'core-imports-only-core: src/core/uses-config.ts -> src/config/settings.ts',
        'core-imports-only-core: src/core/uses-node.ts -> fs',
        'io-does-not-import-adapters: src/io/uses-adapter.ts -> src/adapters/process.ts',
        'no-circular: src/core/circle-a.ts -> src/core/circle-b.ts',
        'only-process-module-runs-processes: src/adapters/spawns.ts -> child_process',
        'only-process-module-runs-processes: src/adapters/spawns.ts -> node_modules/execa/index.d.ts',
      ].sort(),
    );
    // The process module itself may use them.
    expect(found.filter((v) => v.from === 'src/adapters/process.ts')).toEqual([]);
  });
});
