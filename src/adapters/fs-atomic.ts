/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target (atomic on POSIX within one filesystem). A reader sees the old content or the new,
 * never a torn file. The temp name ends in ".tmp" so Terraform never loads it as *.auto.tfvars.json.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, content: string, options: { mode?: number } = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // Make the rename itself durable; not every platform lets a directory be opened: best effort.
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // ignore
  }
}
