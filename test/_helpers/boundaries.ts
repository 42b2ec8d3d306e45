/**
 * Runs the layer rules of .dependency-cruiser.cjs in this process (no child process: the unit tier
 * starts none), over a directory whose `src/` is laid out like curvectl's.
 */
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { repoRoot } from './repo-root.js';

export { repoRoot };

export interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

export async function boundaryViolations(baseDir: string): Promise<Violation[]> {
  const options = await extractDepcruiseOptions(path.join(repoRoot, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(path.join(repoRoot, 'tsconfig.json'));
  // Paths (and so the rules' `^src/...` patterns) are relative to baseDir.
  const { output } = await cruise(['src'], { ...options, baseDir, validate: true, outputType: 'json' }, undefined, { tsConfig });
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return result.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}
