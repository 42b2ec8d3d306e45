/**
 * `curvectl init`: a working directory with curvectl.yaml and a private copy of the Terraform
 * stacks and modules, so a team can version, review and change them like any Terraform code.
 */
import { cp, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CurvectlError } from '../core/errors.js';
import { configJsonSchemaText, SCHEMA_FILE_NAME } from './json-schema.js';

/** The terraform/ directory shipped with curvectl (next to dist/ in the package). */
export function packagedTerraformDir(): string {
  return fileURLToPath(new URL('../../terraform', import.meta.url));
}

/** Runtime files that must never be copied from one working directory to another. */
function isRuntimeFile(source: string): boolean {
  const base = path.basename(source);
  return (
    base === '.terraform' ||
    base === 'terraform.tfstate.d' ||
    base.endsWith('.tfstate') ||
    base.endsWith('.tfstate.backup') ||
    base.endsWith('.auto.tfvars.json') ||
    base === '.terraform.lock.hcl' ||
    base.endsWith('.tfplan') ||
    base.startsWith('.curvectl')
  );
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export interface ScaffoldResult {
  readonly configPath: string;
  readonly terraformDir: string;
  readonly schemaPath: string;
  readonly written: readonly string[];
}

export async function scaffold(options: {
  dir: string;
  configText: string;
  force: boolean;
  sourceTerraformDir?: string;
}): Promise<ScaffoldResult> {
  const dir = path.resolve(options.dir);
  const configPath = path.join(dir, 'curvectl.yaml');
  const terraformDir = path.join(dir, 'terraform');
  if (!options.force) {
    for (const p of [configPath, terraformDir, path.join(dir, SCHEMA_FILE_NAME)]) {
      if (await exists(p)) {
        throw new CurvectlError('REFUSED', `${p} already exists; init changed nothing.`, {
          hint: 'Choose an empty directory, or pass --force to overwrite curvectl.yaml and the stacks (state files are kept).',
        });
      }
    }
  }
  const source = options.sourceTerraformDir ?? packagedTerraformDir();
  await mkdir(dir, { recursive: true });
  for (const part of ['modules', 'stacks']) {
    await cp(path.join(source, part), path.join(terraformDir, part), {
      recursive: true,
      force: true,
      filter: (src) => !isRuntimeFile(src),
    });
  }
  const readme = path.join(source, 'README.md');
  if (await exists(readme)) await cp(readme, path.join(terraformDir, 'README.md'), { force: true });
  await writeFile(configPath, options.configText, { mode: 0o644 });
  // The schema the file's first line points editors at; "curvectl config schema" regenerates it.
  const schemaPath = path.join(dir, SCHEMA_FILE_NAME);
  await writeFile(schemaPath, configJsonSchemaText(), { mode: 0o644 });
  return { configPath, terraformDir, schemaPath, written: [configPath, schemaPath, path.join(terraformDir, 'modules'), path.join(terraformDir, 'stacks')] };
}
