/** What the three shift commands share: wiring the engine's dependencies and reporting its outcome. */
import { ExitCode, badInput } from '../core/errors.js';
import { shareObserver } from '../core/observed-share.js';
import type { ShiftDeps, ShiftOutcome } from '../core/shift/index.js';
import { formatWeights } from '../core/weights.js';
import type { CommandResult } from './command.js';
import type { Context } from './context.js';

export async function shiftDeps(ctx: Context): Promise<ShiftDeps> {
  const [loaded, stacks, aws, state, clock, gates] = await Promise.all([ctx.config(), ctx.stacks(), ctx.aws(), ctx.state(), ctx.clock(), ctx.gates()]);
  return {
    dns: aws.dns,
    stacks,
    state,
    gates,
    io: ctx.io,
    clock,
    interrupts: ctx.interrupts,
    actor: ctx.actor,
    ttl: loaded.config.dns.ttl,
    observe: shareObserver({
      dns: aws.dns,
      flows: aws.flows,
      now: () => clock.now(),
      windowMs: loaded.config.observed.windowMs,
      basis: loaded.config.observed.basis,
    }),
  };
}

/**
 * How a shift moves: a fixed step (--step, config shift.step) or a schedule (--steps, config
 * shift.steps). A flag beats the configuration; both flags at once is one clear error.
 */
export function stepsFrom(
  options: { readonly step?: number | undefined; readonly steps?: readonly number[] | undefined },
  shift: { readonly step: number; readonly steps?: readonly number[] | undefined },
): { step: number; steps?: readonly number[] } {
  if (options.step !== undefined && options.steps !== undefined) {
    throw badInput('--step and --steps cannot be used together: --step moves a fixed number of points per step, --steps lists the percentages to reach.', 'Pass one of them, for example --steps 1,5,25,50,100 or --step 10.');
  }
  if (options.steps !== undefined) return { step: shift.step, steps: options.steps };
  if (options.step !== undefined) return { step: options.step };
  return shift.steps !== undefined ? { step: shift.step, steps: shift.steps } : { step: shift.step };
}

export function shiftResult(outcome: ShiftOutcome): CommandResult {
  switch (outcome.kind) {
    case 'completed':
      return {
        text: [`Shift ${outcome.op} completed: ${formatWeights(outcome.weights, 'compact')}.`],
        json: { result: 'completed', operation: outcome.op, weights: outcome.weights },
      };
    case 'held':
      return {
        text: [`Shift ${outcome.op} is held at ${formatWeights(outcome.weights, 'compact')}.`, 'Continue it with "curvectl shift resume", or roll it back with "curvectl shift abort".'],
        json: { result: 'held', operation: outcome.op, weights: outcome.weights },
        exitCode: ExitCode.stopped,
      };
    case 'rolled-back': {
      const exitCode = outcome.cause === 'gate' ? ExitCode.gateFailed : outcome.cause === 'apply' ? ExitCode.failed : ExitCode.stopped;
      return {
        text: [`Shift ${outcome.op} was rolled back (${outcome.cause}: ${outcome.reason}); traffic is at ${formatWeights(outcome.weights, 'compact')}.`],
        json: { result: 'rolled-back', operation: outcome.op, cause: outcome.cause, reason: outcome.reason, weights: outcome.weights },
        exitCode,
      };
    }
    case 'dry-run':
      return {
        text: ['Dry run: nothing was changed.'],
        json: {
          result: 'dry-run',
          plan: outcome.plan,
          ...(outcome.firstChange ? { firstChange: outcome.firstChange } : {}),
          ...(outcome.terraform ? { terraform: outcome.terraform } : {}),
        },
      };
    case 'nothing-to-do':
      return {
        text: [`Nothing to do: traffic is already at ${formatWeights(outcome.weights, 'compact')}.`],
        json: { result: 'nothing-to-do', weights: outcome.weights },
      };
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
