/**
 * Cluster names from local files only, for shell completion: it runs on every TAB, so it must be
 * instant and must never reach AWS (or start Terraform). Two sources:
 * - the cluster stack's local workspaces: `<stacks>/cluster/terraform.tfstate.d/<name>/` is where
 *   Terraform's local backend keeps each non-default workspace;
 * - the traffic var file (cluster_weighting.auto.tfvars.json), which a team's checkout also has
 *   (a copy of the shared desired weights), so S3-backed installations complete too.
 * Only valid cluster names are returned; anything unreadable counts as no names.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isValidClusterName } from '../../core/names.js';
import { WEIGHTS_FILE } from './stacks.js';

export async function offlineClusterNames(stacksDir: string): Promise<string[]> {
  const [workspaces, weighted] = await Promise.all([
    readdir(path.join(stacksDir, 'cluster', 'terraform.tfstate.d'), { withFileTypes: true })
      .then((entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name))
      .catch(() => [] as string[]),
    readFile(path.join(stacksDir, 'traffic', WEIGHTS_FILE), 'utf8')
      .then((text) => Object.keys((JSON.parse(text) as { cluster_weighting?: Record<string, unknown> }).cluster_weighting ?? {}))
      .catch(() => [] as string[]),
  ]);
  return [...new Set([...workspaces, ...weighted])].filter(isValidClusterName).sort();
}
