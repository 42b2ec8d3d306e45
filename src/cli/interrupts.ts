/**
 * Ctrl-C as the operator expects it during a traffic shift: the first one asks the core to stop at
 * the next safe point (after the running terraform apply, never in the middle of it) and ask what to
 * do; the second aborts at once, leaving the journal for `curvectl shift resume`.
 *
 * Terraform runs in its own process group (see adapters/process.ts) so the terminal's SIGINT reaches
 * only curvectl, which decides what terraform gets.
 */
import type { Interrupts } from '../core/ports.js';

export class SignalInterrupts implements Interrupts {
  private pending = false;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<() => void>();
  private installed: (() => void) | undefined;

  constructor(private readonly onFirst: () => void = () => undefined) {}

  get requested(): boolean {
    return this.pending;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  acknowledge(): void {
    this.pending = false;
  }

  onRequest(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Simulates or forwards one Ctrl-C. A press while an earlier one is still unanswered is the
   * "second" press; once the operator has answered, the next press asks again.
   */
  press(): void {
    if (!this.pending && !this.controller.signal.aborted) {
      this.pending = true;
      this.onFirst();
      for (const l of this.listeners) l();
      return;
    }
    this.controller.abort(Object.assign(new Error('Interrupted twice.'), { name: 'AbortError' }));
  }

  install(proc: NodeJS.Process = process): void {
    const handler = () => this.press();
    proc.on('SIGINT', handler);
    proc.on('SIGTERM', handler);
    this.installed = () => {
      proc.off('SIGINT', handler);
      proc.off('SIGTERM', handler);
    };
  }

  uninstall(): void {
    this.installed?.();
    this.installed = undefined;
  }
}
