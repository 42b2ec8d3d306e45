/**
 * The operating-system user running curvectl: the default lock owner of both state stores and the
 * journal's actor. os.userInfo() throws where the uid has no passwd entry (a container started with
 * an arbitrary uid), so that reads "unknown" rather than failing a command.
 */
import os from 'node:os';

export function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
