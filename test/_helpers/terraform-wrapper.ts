/**
 * A stand-in for the terraform binary (set as terraform.binary in curvectl.yaml) that records every
 * call and can change one call: it runs the real terraform, except when a one-shot rule for that
 * stack and subcommand is armed, in which case the rule (a shell snippet) runs first. A rule can fail
 * the call (`echo ... >&2; exit 1`) or change the real call's environment (`export ...`).
 *
 * Calls are logged as "<cwd>\t<TF_WORKSPACE>\t<args>" lines, so a test can prove what curvectl ran
 * (or did not run: no apply, no destroy).
 */
import { access, constants, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface TerraformCall {
  /** cluster, platform, traffic, or the directory's base name. */
  readonly stack: string;
  readonly workspace: string;
  /** The subcommand (plan, apply, destroy, workspace, output, init, version, show). */
  readonly command: string;
  readonly args: readonly string[];
}

export interface TerraformWrapper {
  /** Absolute path of the wrapper script: the value for terraform.binary. */
  readonly binary: string;
  /** The real terraform the wrapper runs. */
  readonly real: string;
  /** Every call so far, oldest first. */
  calls(): Promise<TerraformCall[]>;
  /**
   * Arms a rule for the next `terraform <command>` in `stack` (the stack directory's name): `snippet`
   * is sourced by /bin/sh before the real terraform runs, once (the file is moved away atomically,
   * so two concurrent calls never both take it).
   */
  once(stack: string, command: string, snippet: string): Promise<void>;
  /** Whether an armed rule has been used. */
  used(stack: string, command: string): Promise<boolean>;
}

/** The absolute path of `program` on PATH, or undefined. */
export async function whichProgram(program: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export async function createTerraformWrapper(dir: string): Promise<TerraformWrapper> {
  const real = await whichProgram('terraform');
  if (!real) throw new Error('terraform is not on PATH');
  await mkdir(path.join(dir, 'rules'), { recursive: true });
  const log = path.join(dir, 'calls.log');
  await writeFile(log, '');
  const binary = path.join(dir, 'terraform');
  await writeFile(
    binary,
    [
      '#!/bin/sh',
      '# Written by test/_helpers/terraform-wrapper.ts: logs the call, runs an armed one-shot rule, then the real terraform.',
      `dir=${shellQuote(dir)}`,
      `printf '%s\\t%s\\t%s\\n' "$PWD" "\${TF_WORKSPACE-}" "$*" >> "$dir/calls.log"`,
      'stack=$(basename "$PWD")',
      'rule="$dir/rules/$stack-$1"',
      'if [ -f "$rule" ] && mv "$rule" "$rule.used" 2>/dev/null; then',
      '  . "$rule.used"',
      'fi',
      `exec ${shellQuote(real)} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    binary,
    real,
    calls: async () =>
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter((l) => l !== '')
        .map((line) => {
          const [cwd = '', workspace = '', argText = ''] = line.split('\t');
          const args = argText.split(' ').filter((a) => a !== '');
          return { stack: path.basename(cwd), workspace, command: args[0] ?? '', args };
        }),
    once: async (stack, command, snippet) => {
      await writeFile(path.join(dir, 'rules', `${stack}-${command}.tmp`), `${snippet}\n`);
      await rename(path.join(dir, 'rules', `${stack}-${command}.tmp`), path.join(dir, 'rules', `${stack}-${command}`));
    },
    used: async (stack, command) => {
      try {
        await access(path.join(dir, 'rules', `${stack}-${command}.used`));
        return true;
      } catch {
        return false;
      }
    },
  };
}
