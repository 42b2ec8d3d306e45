// Lock and journal: local files, or DynamoDB for a team.

export interface LockInfo {
  /** "traffic" for shifts, "cluster:<name>" for lifecycle. */
  readonly scope: string;
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly operation: string;
  /** ISO 8601 */
  readonly startedAt: string;
  /** ISO 8601; only for leased locks (DynamoDB). */
  readonly expiresAt?: string;
}

/** What tells one holding of a lock from the next: same scope, host, pid and start. */
export type LockIdentity = Pick<LockInfo, 'scope' | 'host' | 'pid' | 'startedAt'>;

export interface LockStatus extends LockInfo {
  /** The holder is gone (local: pid not running on this host; DynamoDB: lease expired). */
  readonly stale: boolean;
}

export interface LockHandle {
  readonly info: LockInfo;
  release(): Promise<void>;
  /**
   * Whether the lock is still this process's. Only leased locks (DynamoDB) can be lost while held:
   * a lease that ran out before it was renewed may be taken over by another operator. Absent means
   * the lock cannot be lost (local lock files, fakes).
   */
  stillHeld?(): boolean;
}

export interface JournalEvent {
  /** ISO 8601, set by the store if absent. */
  readonly at: string;
  /** Operation id: every event of one shift / create / retire shares it. */
  readonly op: string;
  /** e.g. "shift.planned", "shift.step.intent", "shift.step.done", "shift.completed". */
  readonly type: string;
  readonly actor?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface StateStore {
  /** Takes the lock or throws CurvectlError LOCKED naming the holder. A stale lock is not taken over silently. */
  acquireLock(scope: string, operation: string): Promise<LockHandle>;
  readLock(scope: string): Promise<LockStatus | null>;
  /**
   * Removes a lock only if it is stale (or `force`); returns what was removed. With `expected` (the
   * lock as the caller read it, e.g. before asking for a confirmation) it removes only that lock:
   * if another holder has taken the scope since, nothing is removed and null is returned.
   */
  clearLock(scope: string, options?: { force?: boolean; expected?: LockIdentity }): Promise<LockStatus | null>;
  append(event: Omit<JournalEvent, 'at'> & { at?: string }): Promise<JournalEvent>;
  readJournal(filter?: { op?: string; typePrefix?: string }): Promise<JournalEvent[]>;
}
