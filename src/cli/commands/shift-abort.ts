import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import { shiftDeps, shiftResult } from '../shift-support.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context): Promise<CommandResult> {
  const { abortShift } = await import('../../core/shift/index.js');
  // Exit 5 ("stopped by the operator: held or aborted") as the contract says, once the rollback is verified.
  return shiftResult(await abortShift(await shiftDeps(ctx)));
}
