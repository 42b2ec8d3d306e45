import { parseDuration } from '../../core/duration.js';
import { badInput } from '../../core/errors.js';
import { cycleClusters } from '../../core/lifecycle/cycle.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';
import { shiftDeps, shiftResult, stepsFrom } from '../shift-support.js';
import { scheduleProblems } from '../../core/weights.js';

export const needsConfig = true;
export const mutates = true;

export async function run(ctx: Context, options: OptionsOf<'cycle'>): Promise<CommandResult> {
  const loaded = await ctx.config();
  const c = loaded.config;
  const request = {
    from: options.from,
    to: options.to,
    kubernetesVersion: options.kubernetesVersion ?? c.cluster.kubernetesVersion,
    platform: c.platform.enabled && options.skipPlatform !== true,
    ...stepsFrom(options, c.shift),
    bakeMs: options.bake ?? c.shift.bakeMs,
    allowShortBake: options.allowShortBake === true,
    gateIntervalMs: c.shift.gateIntervalMs,
    gateTimeoutMs: parseDuration('20m'),
    drainMs: options.drain ?? c.retire.drainMs ?? 2 * c.dns.ttl * 1000,
    flowCheck: { maxFlows: c.retire.maxFlows, windowMs: c.retire.flowWindowMs, requireData: c.retire.requireFlowData },
    flowTimeoutMs: c.retire.flowTimeoutMs,
    dryRun: ctx.globals.dryRun,
  };
  // A cycle moves everything: a schedule must end at 100, checked before the new cluster is built.
  const problems = request.steps === undefined ? [] : scheduleProblems(request.steps, 100);
  if (request.steps !== undefined && problems.length > 0) {
    throw badInput(`The step schedule ${request.steps.join(',')} is not valid for a cycle: ${problems.join('; ')}.`, 'A cycle moves all traffic: end the schedule at 100, for example --steps 1,5,25,50,100.');
  }
  const [base, aws] = await Promise.all([shiftDeps(ctx), ctx.aws()]);
  const outcome = await cycleClusters({ ...base, eks: aws.eks, flows: aws.flows, leftovers: aws.leftovers, signal: ctx.interrupts.signal }, request);
  switch (outcome.kind) {
    case 'completed':
      return {
        text: [`Cycle done: all traffic is on ${request.to} and ${request.from} is retired.`],
        json: { result: 'completed', from: request.from, to: request.to, shift: shiftResult(outcome.shift).json },
      };
    case 'shift-stopped': {
      const shift = shiftResult(outcome.shift);
      return {
        text: [...shift.text, `${request.from} was kept: the cycle stops when the shift does not reach 100%.`],
        json: { result: 'shift-stopped', from: request.from, to: request.to, shift: shift.json },
        ...(shift.exitCode === undefined ? {} : { exitCode: shift.exitCode }),
      };
    }
    case 'dry-run':
      return { text: [], json: { result: 'dry-run', phases: outcome.phases, plan: outcome.plan, plans: outcome.plans, commands: outcome.commands } };
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
