/**
 * Terraform offline, for the demo and the tests: find a local filesystem mirror holding the
 * hashicorp/aws provider and write a Terraform CLI configuration that installs from it. Outside
 * test/ because the demo needs it too.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MIRROR_MARKER = join('registry.terraform.io', 'hashicorp', 'aws');
const MAX_DEPTH = 4;
const MAX_DIRS_PER_ROOT = 20_000;
const SKIP = new Set(['node_modules', '.git', 'proc', 'sys', 'dev', '__pycache__']);

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Breadth-first, at most MAX_DEPTH levels below root and a bounded number of directories. */
async function searchMirror(root: string): Promise<string | undefined> {
  let level = [root];
  let seen = 0;
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth += 1) {
    const next: string[] = [];
    for (const dir of level) {
      if (await isDir(join(dir, MIRROR_MARKER))) return dir;
      if (depth === MAX_DEPTH) continue;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
        next.push(join(dir, entry.name));
        seen += 1;
        if (seen > MAX_DIRS_PER_ROOT) return undefined;
      }
    }
    level = next;
  }
  return undefined;
}

let mirrorCache: Promise<string | undefined> | undefined;

/**
 * The offline provider mirror: a directory holding registry.terraform.io/hashicorp/aws/...
 * CURVECTL_TF_PROVIDER_MIRROR wins; otherwise a bounded search of the usual places.
 */
export function findProviderMirror(): Promise<string | undefined> {
  mirrorCache ??= (async () => {
    const fromEnv = process.env.CURVECTL_TF_PROVIDER_MIRROR;
    if (fromEnv) return (await isDir(join(fromEnv, MIRROR_MARKER))) ? fromEnv : undefined;
    const home = homedir();
    const roots = ['/opt', '/usr/local/share', '/usr/share', join(home, '.terraform.d'), join(home, '.local', 'share', 'terraform')];
    for (const root of roots) {
      if (!(await isDir(root))) continue;
      const found = await searchMirror(root);
      if (found) return found;
    }
    return undefined;
  })();
  return mirrorCache;
}

export interface TerraformTestEnv {
  TF_CLI_CONFIG_FILE: string;
  TF_IN_AUTOMATION: string;
  CHECKPOINT_DISABLE: string;
  [key: string]: string;
}

/**
 * Writes a Terraform CLI configuration into dir (hashicorp providers from the mirror, the rest
 * direct) and returns the variables that make Terraform use it.
 */
export async function terraformTestEnv(dir: string): Promise<TerraformTestEnv> {
  const mirror = await findProviderMirror();
  if (!mirror) {
    throw new Error(
      'No offline Terraform provider mirror found (a directory holding registry.terraform.io/hashicorp/aws). ' +
        'Set CURVECTL_TF_PROVIDER_MIRROR to it.',
    );
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'terraform.rc');
  await writeFile(
    file,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { TF_CLI_CONFIG_FILE: file, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
}
