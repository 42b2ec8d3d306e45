import { formatDuration } from '../../core/duration.js';
import { badInput } from '../../core/errors.js';
import { collectStatus, type StatusDeps, type StatusReport } from '../../core/status.js';
import { renderStatus } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';

export const needsConfig = true;

/** --watch reads every 5 s unless --interval says otherwise (the help says so). */
const DEFAULT_INTERVAL_MS = 5000;

async function statusDeps(ctx: Context): Promise<StatusDeps> {
  // The shift module loads alongside the ports, not after them (status should be quick).
  const [config, stacks, aws, state, { readCurrentOperation }] = await Promise.all([
    ctx.config(),
    ctx.stacks(),
    ctx.aws(),
    ctx.state(),
    import('../../core/shift/index.js'),
  ]);
  return {
    stacks,
    dns: aws.dns,
    eks: aws.eks,
    state,
    ttl: config.config.dns.ttl,
    currentOperation: readCurrentOperation,
    observed: {
      flows: aws.flows,
      now: () => new Date(),
      windowMs: config.config.observed.windowMs,
      basis: config.config.observed.basis,
    },
  };
}

export async function run(ctx: Context, options: OptionsOf<'status'>): Promise<CommandResult> {
  if (options.watch) return watch(ctx, options);
  if (options.interval !== undefined) throw badInput('--interval only applies to status --watch.', 'Add --watch, or drop --interval.');
  const report = await collectStatus(await statusDeps(ctx));
  return { text: renderStatus(report, ctx.paint), json: report };
}

/**
 * --watch: the status, then again each time it changes, until Ctrl-C. Text: the whole table under a
 * time stamp. -o jsonl: one `{"type":"status",...}` line per change, the result last.
 */
async function watch(ctx: Context, options: OptionsOf<'status'>): Promise<CommandResult> {
  if (ctx.globals.output === 'json') {
    throw badInput('status --watch prints one document per change, which -o json (exactly one document) cannot hold.', 'Use -o jsonl: one JSON object per line for each change.');
  }
  const intervalMs = options.interval ?? DEFAULT_INTERVAL_MS;
  const [deps, clock, { watchStatus }] = await Promise.all([statusDeps(ctx), ctx.clock(), import('../../core/status-watch.js')]);
  const stop = new AbortController();
  // Ctrl-C is how a watch ends: stop cleanly (exit 0, the result line last). Once only: a second one exits at once.
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let changes = 0;
  const print = (report: StatusReport): void => {
    changes += 1;
    if (ctx.globals.output === 'jsonl') {
      ctx.emitRecord({ type: 'status', status: report });
      return;
    }
    const stamp = ctx.paint.dim(`-- ${clock.now().toISOString()} --`);
    process.stdout.write(`${changes > 1 ? '\n' : ''}${stamp}\n${renderStatus(report, ctx.paint).join('\n')}\n`);
  };
  try {
    await watchStatus((signal) => collectStatus(deps, signal), clock, {
      intervalMs,
      signal: stop.signal,
      onChange: print,
      onError: (err) =>
        ctx.io.notify({
          level: 'warn',
          code: 'status.watch.read-failed',
          text: `Could not read the status (${err instanceof Error ? err.message : String(err)}); trying again every ${formatDuration(intervalMs)}.`,
        }),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return { text: [], json: { result: 'stopped', changes } };
}
