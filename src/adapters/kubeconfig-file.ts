/** The kubeconfig file (core/ports/kubeconfig-file.ts): kubectl's path rule, YAML, an owner-only atomic write. */
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { CurvectlError } from '../core/errors.js';
import type { KubeconfigFilePort } from '../core/ports/kubeconfig-file.js';
import { writeFileAtomic } from './fs-atomic.js';

/** kubectl's rule: the first file of KUBECONFIG (path-list) is the one written; else ~/.kube/config. */
export function kubeconfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p.trim() !== '');
  return first ? path.resolve(first) : path.join(env.HOME || os.homedir(), '.kube', 'config');
}

export class KubeconfigFile implements KubeconfigFilePort {
  readonly file: string;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.file = kubeconfigPath(env);
  }

  async read(): Promise<unknown> {
    try {
      return YAML.parse(await readFile(this.file, 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CurvectlError('REFUSED', `Cannot read ${this.file} as a kubeconfig: ${(err as Error).message.split('\n')[0]}; nothing was written.`, {
        hint: 'Fix that file, or point KUBECONFIG at another one.',
        cause: err,
      });
    }
  }

  async write(document: Record<string, unknown>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Owner-only, like kubectl and the AWS CLI: the file says how to reach and authenticate to clusters.
    await writeFileAtomic(this.file, YAML.stringify(document), { mode: 0o600 });
  }
}
