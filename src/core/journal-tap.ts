/**
 * A StateStore that tells a listener about every journal event once it is written. The composition
 * root uses it to feed notifications from the journal, so neither the shift engine nor the
 * lifecycle workflows know notifications exist. A listener's failure never reaches the writer.
 */
import type { JournalEvent, LockHandle, LockStatus, StateStore } from './ports.js';

export function tapJournal(store: StateStore, listener: (event: JournalEvent) => void): StateStore {
  return {
    acquireLock: (scope: string, operation: string): Promise<LockHandle> => store.acquireLock(scope, operation),
    readLock: (scope: string): Promise<LockStatus | null> => store.readLock(scope),
    clearLock: (scope: string, options?: { force?: boolean }): Promise<LockStatus | null> => store.clearLock(scope, options),
    readJournal: (filter?: { op?: string; typePrefix?: string }): Promise<JournalEvent[]> => store.readJournal(filter),
    append: async (event) => {
      const written = await store.append(event);
      try {
        listener(written);
      } catch {
        // Telling someone about an event must never undo or fail writing it.
      }
      return written;
    },
  };
}
