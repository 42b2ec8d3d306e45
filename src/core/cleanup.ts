/**
 * What an operation does on its way out, whether it succeeded or failed: release its lock, journal
 * its failure. Neither may hide the error the operation is leaving with (a `finally` that throws
 * replaces it), and neither may fail silently (a lock left behind blocks the next operator; a
 * failure missing from the journal misleads `history`, `status` and `retire`'s drain clock). So a
 * failure of either is shown as a warning that says what to do, and the operation's own outcome
 * stands.
 */
import { toCurvectlError } from './errors.js';
import type { IoHost } from './io-host.js';
import type { JournalEvent, LockHandle, StateStore } from './ports.js';

/** Releases `lock`; a failure to do so is a warning naming the lock and `curvectl unlock`. */
export async function releaseLock(lock: LockHandle, io: Pick<IoHost, 'notify'>): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    io.notify({
      level: 'warn',
      code: 'lock.release-failed',
      text: `Could not release the ${lock.info.scope} lock: ${toCurvectlError(err).message} Run "curvectl unlock" if it stays.`,
    });
  }
}

/** Journals an event on the way out of a failed operation; a failure to do so is a warning, never silence. */
export async function journalOrWarn(state: Pick<StateStore, 'append'>, io: Pick<IoHost, 'notify'>, event: Omit<JournalEvent, 'at'>): Promise<void> {
  try {
    await state.append(event);
  } catch (err) {
    io.notify({
      level: 'warn',
      code: 'journal.write-failed',
      text: `Could not write "${event.type}" to the journal: ${toCurvectlError(err).message} The history of operation ${event.op} is incomplete.`,
    });
  }
}
