/** The real clock. Tests use a fake Clock so bakes run instantly. */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../core/ports.js';

export const systemClock: Clock = {
  now: () => new Date(),
  /** Rejects with an AbortError (name "AbortError") when the signal fires. */
  sleep: async (ms: number, signal?: AbortSignal): Promise<void> => {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};
