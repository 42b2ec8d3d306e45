/**
 * StateStore on the local disk, under one directory (default `<config dir>/.curvectl`):
 *
 * - locks/<scope>.lock: one file per scope, created with the exclusive flag (`wx`), so exactly one
 *   process can hold it. It holds JSON {scope, owner, host, pid, operation, startedAt, token}.
 *   The scope is percent-encoded into the file name ("cluster:a" -> "cluster%3Aa.lock").
 *   A lock is stale when it was taken on this host by a pid that no longer runs; a lock from another
 *   host cannot be judged, so it is never stale. A provably stale lock is taken over by the next
 *   acquire, never silently: `onWarning` names the holder it replaced (after a crash or kill -9,
 *   `shift resume` must just work, as the DynamoDB store does once a lease expires). The takeover
 *   runs under a guard file (`<lock>.takeover`, also `wx`) so two processes cannot both take it.
 * - journal.jsonl: one JSON event per line, appended with a single write and fsync'd. A crash can
 *   leave a torn last line; reading skips lines that do not parse, and the next append starts on
 *   a fresh line so a torn line never swallows a good event.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CurvectlError } from '../../core/errors.js';
import { lockedByText } from '../../core/lock-holder.js';
import { sameLock } from '../../core/lock-scope.js';
import type { JournalEvent, LockHandle, LockIdentity, LockInfo, LockStatus, StateStore } from '../../core/ports.js';
import { osUserName } from '../os-user.js';

export interface LocalStateStoreOptions {
  /** The directory holding locks/ and journal.jsonl; created when needed. */
  readonly dir: string;
  /** Who holds locks taken here; default os.userInfo().username. */
  readonly owner?: string;
  /** Default os.hostname(). */
  readonly host?: string;
  /** Default process.pid. */
  readonly pid?: number;
  /** Whether a pid on this host is running; default process.kill(pid, 0). For tests. */
  readonly isAlive?: (pid: number) => boolean;
  /** Default () => new Date(). */
  readonly now?: () => Date;
  /** Told when a stale lock is taken over (the CLI prints it). */
  readonly onWarning?: (message: string) => void;
}

interface LockFileContent extends LockInfo {
  /** Identifies this acquisition, so release never deletes a lock someone else took since. */
  readonly token?: string;
}

export function lockFileName(scope: string): string {
  return `${scope.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}.lock`;
}

/** process.kill(pid, 0): ESRCH means gone; EPERM means it exists but is not ours. */
export function pidIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LocalStateStore implements StateStore {
  readonly dir: string;
  private readonly owner: string;
  private readonly host: string;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => Date;
  private appendQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalStateStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.owner = options.owner ?? osUserName();
    this.host = options.host ?? os.hostname();
    this.pid = options.pid ?? process.pid;
    this.isAlive = options.isAlive ?? pidIsAlive;
    this.now = options.now ?? (() => new Date());
  }

  get journalFile(): string {
    return path.join(this.dir, 'journal.jsonl');
  }

  lockFile(scope: string): string {
    return path.join(this.dir, 'locks', lockFileName(scope));
  }

  // ---------------------------------------------------------------------------------------------
  // locks

  async acquireLock(scope: string, operation: string): Promise<LockHandle> {
    const file = this.lockFile(scope);
    await mkdir(path.dirname(file), { recursive: true });
    const content: LockFileContent = {
      scope,
      owner: this.owner,
      host: this.host,
      pid: this.pid,
      operation,
      startedAt: this.now().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    let handle;
    try {
      handle = await open(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`Cannot create the lock file ${file}`, err);
      const holder = await this.readLock(scope);
      if (!holder?.stale || !(await this.removeStale(file, holder))) throw lockedError(scope, holder);
      try {
        handle = await open(file, 'wx', 0o644);
      } catch (again) {
        // Someone else acquired it between our removal and our create: they won, fairly.
        if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`Cannot create the lock file ${file}`, again);
        throw lockedError(scope, await this.readLock(scope));
      }
      this.options.onWarning?.(
        `Took over the ${scope} lock left by ${holder.owner}@${holder.host} (pid ${holder.pid}, "${holder.operation}" since ${holder.startedAt}): that process is gone.`,
      );
    }
    try {
      // One write, so a reader sees all of it or (briefly) an empty file.
      await handle.writeFile(`${JSON.stringify(content)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { token, ...info } = content;
    let released = false;
    return {
      info,
      release: async () => {
        if (released) return;
        released = true;
        const current = await this.readLockFile(file);
        if (current?.token === token) await rm(file, { force: true });
      },
    };
  }

  async readLock(scope: string): Promise<LockStatus | null> {
    const file = this.lockFile(scope);
    const content = await this.readLockFile(file);
    if (content === undefined) return null;
    const { token: _token, ...info } = content;
    return { ...info, stale: this.isStale(info) };
  }

  async clearLock(scope: string, options: { force?: boolean; expected?: LockIdentity } = {}): Promise<LockStatus | null> {
    const status = await this.readLock(scope);
    if (!status) return null;
    // Only the lock the caller read: someone may have taken the scope while it asked for a confirmation.
    if (options.expected && !sameLock(status, options.expected)) return null;
    if (!status.stale && !options.force) {
      throw new CurvectlError('LOCKED', `${lockedByText(scope, status)}. That process is still running, so the lock is not stale.`, {
        hint: status.host === this.host
          ? 'Wait for it to finish, or stop it first.'
          : `It was taken on another host (${status.host}), which curvectl cannot check; if you are sure that process is gone, clear it with --force.`,
        details: { lock: status },
      });
    }
    await rm(this.lockFile(scope), { force: true });
    return status;
  }

  /**
   * Removes a stale lock file if it is still the one we judged stale. The guard file makes the
   * check-and-remove exclusive: without it, two takers could each remove the other's fresh lock.
   */
  private async removeStale(file: string, judged: LockStatus): Promise<boolean> {
    const guard = `${file}.takeover`;
    let handle;
    try {
      handle = await open(guard, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`Cannot create ${guard}`, err);
      // Another process is taking it over right now, or crashed doing so (then its guard is stale too).
      const other = Number((await readFile(guard, 'utf8').catch(() => '')).trim());
      if (other > 0 && !this.isAlive(other)) await rm(guard, { force: true });
      return false;
    }
    try {
      await handle.writeFile(`${this.pid}\n`, 'utf8');
      await handle.close();
      const current = await this.readLockFile(file);
      if (!current || current.pid !== judged.pid || current.startedAt !== judged.startedAt) return false;
      await rm(file, { force: true });
      return true;
    } finally {
      await rm(guard, { force: true });
    }
  }

  private isStale(info: LockInfo): boolean {
    if (info.host !== this.host) return false;
    return !this.isAlive(info.pid);
  }

  /** undefined when there is no lock file. A file being written (empty or partial) is retried briefly. */
  private async readLockFile(file: string): Promise<LockFileContent | undefined> {
    for (let attempt = 0; ; attempt++) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw ioError(`Cannot read the lock file ${file}`, err);
      }
      const parsed = parseLock(text);
      if (parsed) return parsed;
      if (attempt >= 4) {
        // Unreadable for good (e.g. a crash between create and write): report an unknown holder.
        return { scope: path.basename(file, '.lock'), owner: 'unknown', host: 'unknown', pid: 0, operation: 'unknown', startedAt: 'unknown' };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // journal

  append(event: Omit<JournalEvent, 'at'> & { at?: string }): Promise<JournalEvent> {
    const full: JournalEvent = { ...event, at: event.at ?? this.now().toISOString() };
    const line = `${JSON.stringify(full)}\n`;
    const run = this.appendQueue.then(() => this.appendLine(line));
    this.appendQueue = run.catch(() => undefined);
    return run.then(() => full);
  }

  private async appendLine(line: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const handle = await open(this.journalFile, 'a+', 0o644);
    try {
      // After a crash mid-write the file may not end with a newline: start a fresh line.
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.write(prefix + line);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async readJournal(filter: { op?: string; typePrefix?: string } = {}): Promise<JournalEvent[]> {
    let text: string;
    try {
      text = await readFile(this.journalFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError(`Cannot read the journal ${this.journalFile}`, err);
    }
    const events: JournalEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // a line torn by a crash mid-write
      }
      if (!isEvent(value)) continue;
      if (filter.op !== undefined && value.op !== filter.op) continue;
      if (filter.typePrefix !== undefined && !value.type.startsWith(filter.typePrefix)) continue;
      events.push(value);
    }
    return events;
  }
}

function parseLock(text: string): LockFileContent | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockFileContent>;
    if (typeof v.scope === 'string' && typeof v.pid === 'number' && typeof v.host === 'string') {
      return {
        scope: v.scope,
        owner: String(v.owner ?? 'unknown'),
        host: v.host,
        pid: v.pid,
        operation: String(v.operation ?? 'unknown'),
        startedAt: String(v.startedAt ?? 'unknown'),
        ...(typeof v.expiresAt === 'string' ? { expiresAt: v.expiresAt } : {}),
        ...(typeof v.token === 'string' ? { token: v.token } : {}),
      };
    }
  } catch {
    // partial
  }
  return undefined;
}

function isEvent(value: unknown): value is JournalEvent {
  const v = value as Partial<JournalEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.at === 'string' && typeof v.op === 'string' && typeof v.type === 'string';
}

function lockedError(scope: string, holder: LockStatus | null): CurvectlError {
  if (!holder) {
    // Released between our create attempt and our read: say so rather than guess.
    return new CurvectlError('LOCKED', `${scope} was locked a moment ago.`, { hint: 'Run the command again.' });
  }
  return new CurvectlError('LOCKED', `${lockedByText(scope, holder)}.`, {
    hint: holder.stale
      ? `The lock is stale: process ${holder.pid} is no longer running on ${holder.host}. Run curvectl unlock to clear it.`
      : 'Wait for it to finish; if that process is gone, run curvectl unlock.',
    details: { lock: holder },
  });
}

function ioError(what: string, err: unknown): CurvectlError {
  return new CurvectlError('ENVIRONMENT', `${what}: ${(err as Error).message}`, { cause: err });
}
