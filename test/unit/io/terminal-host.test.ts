/** The real host's answers under --yes and with nobody to ask, as the README documents them. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import { plain } from '../../../src/io/render.js';
import { TerminalHost } from '../../../src/io/terminal-host.js';

function host(assumeYes: boolean): TerminalHost {
  return new TerminalHost({ stderr: new PassThrough(), stdin: new PassThrough(), paint: plain, assumeYes, verbose: false });
}

describe('TerminalHost', () => {
  it('--yes: every yes/no question is yes (default-no ones too), typed confirmations pass, choices take their default', async () => {
    const h = host(true);
    expect(h.assumeYes).toBe(true);
    expect(h.interactive).toBe(false);
    expect(await h.confirm({ code: 'shift.start', message: 'Start?', default: false })).toBe(true);
    expect(await h.confirm({ code: 'cycle.shift', message: 'Shift?', default: true })).toBe(true);
    expect(await h.confirmByTyping({ code: 'retire.confirm', message: 'Destroy?', expected: 'cluster-a' })).toBe(true);
    expect(await h.choose({ code: 'shift.step.next', message: 'Next?', choices: [{ value: 'hold', label: 'Hold' }, { value: 'continue', label: 'Continue' }], default: 'continue' })).toBe('continue');
  });

  it('no terminal and no --yes: every question is refused with BAD_INPUT (exit 2)', async () => {
    const h = host(false);
    expect(h.interactive).toBe(false);
    for (const ask of [
      () => h.confirm({ code: 'shift.start', message: 'Start?', default: false }),
      () => h.confirmByTyping({ code: 'retire.confirm', message: 'Destroy?', expected: 'cluster-a' }),
      () => h.choose({ code: 'x', message: 'x', choices: [{ value: 'a', label: 'a' }], default: 'a' }),
    ]) {
      const err = await ask().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CurvectlError);
      expect((err as CurvectlError).code).toBe('BAD_INPUT');
      expect((err as CurvectlError).exitCode).toBe(2);
    }
  });
});
