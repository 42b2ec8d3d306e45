/**
 * The hidden `curvectl __complete -- <words>`: prints the completion candidates for the last word,
 * one a line, and never fails loudly (a TAB must not print errors into the command line). Cluster
 * names come from the configuration's stacks directory, read offline (no AWS, no Terraform).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { complete } from './completion.js';

export async function runCompletion(program: Command, words: readonly string[]): Promise<void> {
  const clusterNames = async (): Promise<string[]> => {
    try {
      const [{ loadConfig }, { offlineClusterNames }] = await Promise.all([
        import('../config/load.js'),
        import('../adapters/terraform/offline-cluster-names.js'),
      ]);
      const loaded = await loadConfig({ path: configFlag(words), env: process.env, cwd: process.cwd() });
      return await offlineClusterNames(path.resolve(loaded.dir, loaded.config.terraform.stacksDir));
    } catch {
      return [];
    }
  };
  try {
    const candidates = await complete(program, words, clusterNames);
    if (candidates.length > 0) process.stdout.write(`${candidates.join('\n')}\n`);
  } catch {
    // nothing to offer
  }
  process.exitCode = 0;
}

/** -c / --config on the command line being completed, so names come from the file it names. */
function configFlag(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length - 1; i += 1) {
    const w = words[i];
    if (w === '-c' || w === '--config') return words[i + 1];
    if (w?.startsWith('--config=')) return w.slice('--config='.length);
  }
  return undefined;
}
