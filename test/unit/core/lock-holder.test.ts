import { describe, expect, it } from 'vitest';
import { holderText, leaseLeftText, livenessText, lockedByText } from '../../../src/core/lock-holder.js';

const holder = { scope: 'traffic', owner: 'bob', host: 'desk', pid: 7, operation: 'shift --to b', startedAt: '2026-11-26T10:00:00.000Z' };
const now = new Date('2026-11-26T10:00:00.000Z');

describe('lock holder text', () => {
  it('names the holder the one way every message uses', () => {
    expect(holderText(holder)).toBe('bob@desk (pid 7) running "shift --to b" since 2026-11-26T10:00:00.000Z');
    expect(lockedByText('traffic', holder)).toBe('traffic is locked by bob@desk (pid 7) running "shift --to b" since 2026-11-26T10:00:00.000Z');
  });

  it('says how long a lease has left, never a negative time, and admits an unreadable expiry', () => {
    expect(leaseLeftText({ expiresAt: '2026-11-26T10:00:45.000Z' }, now)).toBe('45s');
    expect(leaseLeftText({ expiresAt: '2026-11-26T09:59:00.000Z' }, now)).toBe('0s');
    expect(leaseLeftText({ expiresAt: 'soon' }, now)).toBe('an unknown time');
    expect(leaseLeftText({}, now)).toBe('an unknown time');
  });

  it('liveness: local locks speak only when stale, leased ones always', () => {
    expect(livenessText({ stale: false }, now)).toBeUndefined();
    expect(livenessText({ stale: true }, now)).toBe('stale: its process is gone');
    expect(livenessText({ stale: true, expiresAt: '2026-11-26T09:59:40.000Z' }, now)).toBe('stale: its lease expired at 2026-11-26T09:59:40.000Z');
    expect(livenessText({ stale: false, expiresAt: '2026-11-26T10:01:00.000Z' }, now)).toBe('lease expires in 1m');
  });
});
