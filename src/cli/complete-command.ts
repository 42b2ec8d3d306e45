/**
 * The hidden `curvectl __complete -- <words>`: prints the completion candidates for the last word,
 * one a line, and never fails loudly (a TAB must not print errors into the command line). Cluster
 * names come from the configuration's stacks directory, read offline (no AWS, no Terraform).
 */
import path from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { complete } from './completion.js';

export async function runCompletion(program: CommandUnknownOpts, words: readonly string[]): Promise<void> {
  const clusterNames = async (): Promise<string[]> => {
    try {
      const [{ loadConfig }, { offlineClusterNames }] = await Promise.all([
        import('../config/load.js'),
        import('../adapters/terraform/offline-cluster-names.js'),
      ]);
      const loaded = await loadConfig({ path: configFlag(program, words), env: process.env, cwd: process.cwd() });
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

/**
 * -c / --config on the command line being completed, so names come from the file it names. The
 * root's own parser reads it (commander reads the root's options anywhere on the line and leaves
 * the rest for the subcommands, which are not parsed here, nor are actions run).
 */
function configFlag(program: CommandUnknownOpts, words: readonly string[]): string | undefined {
  try {
    program.parseOptions(words.slice(0, -1));
    const config = program.opts().config;
    return typeof config === 'string' ? config : undefined;
  } catch {
    // A line commander refuses (-o yaml, -c without its value): the default configuration.
    return undefined;
  }
}
