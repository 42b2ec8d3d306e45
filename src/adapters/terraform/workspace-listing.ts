/**
 * A stack's workspaces read from where its backend keeps them, without starting Terraform (two
 * Terraform processes, `version` and `workspace list`, were most of `status`'s time). The rules are
 * Terraform's own:
 * - local backend (default workspace_dir): a workspace other than "default" is a directory
 *   `terraform.tfstate.d/<name>/` beside the configuration (internal/backend/local/backend.go,
 *   Workspaces: the directories of the workspace dir).
 * - s3 backend: a workspace other than "default" is an object `<workspace_key_prefix>/<name>/<key>`
 *   (internal/backend/remote-state/s3/backend_state.go, Workspaces/keyEnv: objects listed under the
 *   prefix whose remainder after the name is exactly the key; lock files and other stacks' keys do
 *   not count).
 * "default" always exists, as in `terraform workspace list`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export const LOCAL_WORKSPACE_DIR = 'terraform.tfstate.d';

/** Workspaces of a stack on the local backend. */
export async function localWorkspaces(stackDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(stackDir, LOCAL_WORKSPACE_DIR), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ['default'];
    throw err;
  }
  const names = entries.filter((e) => e.isDirectory() && e.name !== 'default').map((e) => e.name);
  return ['default', ...names.sort()];
}

/** Workspace names from the object keys listed under `<workspaceKeyPrefix>/` (Terraform's keyEnv). */
export function s3WorkspacesFromKeys(keys: readonly string[], layout: { readonly key: string; readonly workspaceKeyPrefix: string }): string[] {
  const names = new Set<string>();
  for (const objectKey of keys) {
    let rest: string;
    if (layout.workspaceKeyPrefix === '') {
      rest = objectKey;
    } else {
      const prefix = `${layout.workspaceKeyPrefix}/`;
      if (!objectKey.startsWith(prefix)) continue;
      rest = objectKey.slice(prefix.length);
    }
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    if (rest.slice(slash + 1) !== layout.key) continue;
    const name = rest.slice(0, slash);
    if (name !== 'default') names.add(name);
  }
  return ['default', ...[...names].sort()];
}

/** Lists every object key under a prefix (all pages). */
export type ListObjectKeys = (request: { readonly bucket: string; readonly prefix: string; readonly region?: string }) => Promise<string[]>;
