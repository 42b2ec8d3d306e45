import { CurvectlError } from '../../core/errors.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';
import { shiftDeps, shiftResult } from '../shift-support.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'shiftAbort'>): Promise<CommandResult> {
  const { abortShift } = await import('../../core/shift/index.js');
  const force = options.force === true;
  if (force) {
    // --force writes over weights someone else set (an incident responder, say): typed, never by accident.
    const ok = await ctx.io.confirmByTyping({
      code: 'shift.abort.force',
      message: 'This puts back the weights the shift started from, overwriting whatever Route 53 holds now, including weights someone else set. Type "overwrite" to go on.',
      expected: 'overwrite',
    });
    if (!ok) throw new CurvectlError('STOPPED', 'The confirmation did not match "overwrite"; nothing was changed.');
  }
  // Exit 5 ("stopped by the operator: held or aborted") as the contract says, once the rollback is verified.
  return shiftResult(await abortShift(await shiftDeps(ctx), force ? { force: true } : {}));
}
