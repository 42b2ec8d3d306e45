/**
 * The Clock contract (src/core/ports/clock.ts): run against FakeClock and the system clock (timers
 * only: no process, no socket, so both run in the unit tier). Lower bounds only: a loaded machine
 * makes a real sleep longer, never shorter.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/ports.js';

export function clockContract(name: string, make: () => Clock): void {
  describe(`Clock contract: ${name}`, () => {
    it('now() is a Date, and a sleep moves it forward by about as long as it slept (Node timers may round 1 ms early)', async () => {
      const clock = make();
      const before = clock.now();
      expect(before).toBeInstanceOf(Date);
      await clock.sleep(25);
      expect(clock.now().getTime() - before.getTime()).toBeGreaterThanOrEqual(24);
      await clock.sleep(0);
    });

    it('a sleep rejects with an AbortError when its signal fires, or has fired', async () => {
      const clock = make();
      const controller = new AbortController();
      // Far longer than any test: only the abort can end it.
      const sleeping = clock.sleep(3_600_000, controller.signal);
      controller.abort();
      await expect(sleeping).rejects.toMatchObject({ name: 'AbortError' });
      await expect(clock.sleep(3_600_000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
}
