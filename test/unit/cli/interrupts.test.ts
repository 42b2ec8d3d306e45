import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { SignalInterrupts } from '../../../src/cli/interrupts.js';

describe('Ctrl-C handling', () => {
  it('turns the first press into a request and the second into an abort', () => {
    const onFirst = vi.fn();
    const interrupts = new SignalInterrupts(onFirst);
    const listener = vi.fn();
    interrupts.onRequest(listener);
    interrupts.press();
    expect(interrupts.requested).toBe(true);
    expect(onFirst).toHaveBeenCalledOnce();
    expect(listener).toHaveBeenCalledOnce();
    expect(interrupts.signal.aborted).toBe(false);
    interrupts.press();
    expect(interrupts.signal.aborted).toBe(true);
  });
  it('asks again after the operator answered the first press', () => {
    const interrupts = new SignalInterrupts();
    interrupts.press();
    interrupts.acknowledge();
    interrupts.press();
    expect(interrupts.requested).toBe(true);
    expect(interrupts.signal.aborted).toBe(false);
  });
  it('listens to SIGINT on the process it is installed on, and stops listening when uninstalled', () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    const interrupts = new SignalInterrupts();
    interrupts.install(proc);
    proc.emit('SIGINT');
    expect(interrupts.requested).toBe(true);
    interrupts.uninstall();
    proc.emit('SIGINT');
    expect(interrupts.signal.aborted).toBe(false);
  });
});
