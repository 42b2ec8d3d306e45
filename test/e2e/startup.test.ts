/**
 * Start-up stays lean: --help and --version answer without commander, and no command's help loads
 * the AWS SDK or the prompt library. Timing is measured by `npm run bench`, never asserted here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { binPath } from '../_helpers/cli.js';
import { repoRoot } from '../_helpers/terraform-env.js';

const trace = path.join(repoRoot, 'test', '_helpers', 'module-trace.mjs');

function loadedModules(args: string[]): { urls: string[]; stdout: string; status: number | null } {
  const result = spawnSync(process.execPath, ['--import', trace, binPath, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const urls = JSON.parse((result.output[3] as string).trim().split('\n').pop() ?? '[]') as string[];
  return { urls, stdout: result.stdout, status: result.status };
}

describe('start-up', () => {
  it('serves --help from the build, identical to what commander renders', () => {
    const { stdout, status, urls } = loadedModules(['--help']);
    expect(status).toBe(0);
    expect(stdout).toBe(buildProgram().helpInformation());
    expect(urls.filter((u) => u.includes('node_modules'))).toEqual([]);
  });

  it('answers --version from package.json without loading any package', () => {
    const { stdout, status, urls } = loadedModules(['--version']);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
    expect(urls.filter((u) => u.includes('node_modules'))).toEqual([]);
  });

  it.each([['shift', '--help'], ['cluster', 'create', '--help'], ['status', '--help']])('%s %s loads neither the AWS SDK nor the prompts', (...args) => {
    const { status, urls } = loadedModules(args);
    expect(status).toBe(0);
    expect(urls.some((u) => u.includes('/commander/'))).toBe(true);
    expect(urls.filter((u) => /@aws-sdk|@smithy|@inquirer|\/ora\//.test(u))).toEqual([]);
  });
});
