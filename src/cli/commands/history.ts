import path from 'node:path';
import { badInput } from '../../core/errors.js';
import type { JournalEvent } from '../../core/ports.js';
import { reportOfOperation, summariseData } from '../../core/shift-report.js';
import { table } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';
import type { OptionsOf } from '../program.js';

export const needsConfig = true;

export async function run(ctx: Context, options: OptionsOf<'history'>): Promise<CommandResult> {
  const { limit, op, report } = options;
  if (report !== undefined && op === undefined) {
    throw badInput('--report writes the report of one operation: name it with --op <id>.', 'See the operation ids with "curvectl history".');
  }
  const state = await ctx.state();
  const all = await state.readJournal(op === undefined ? undefined : { op });
  if (report !== undefined && op !== undefined) return writeReport(ctx, op, report, all);
  const events = limit === undefined ? all : all.slice(-limit);
  const rows = events.map((e) => [e.at, e.op, e.type, e.actor ?? '-', summariseData(e.data)]);
  return {
    text: events.length === 0 ? ['No history yet.'] : table(['AT', 'OPERATION', 'EVENT', 'BY', 'DETAIL'], rows, ctx.paint),
    json: { events },
  };
}

/** `--report FILE.html`: the operation's change record as one self-contained HTML page. */
async function writeReport(ctx: Context, op: string, file: string, events: readonly JournalEvent[]): Promise<CommandResult> {
  const view = reportOfOperation(op, events);
  const [{ renderShiftReportHtml }, { writeFileAtomic }] = await Promise.all([import('../../io/shift-report-html.js'), import('../../adapters/fs-atomic.js')]);
  const target = path.resolve(ctx.cwd, file);
  await writeFileAtomic(target, renderShiftReportHtml(view));
  return {
    text: [`Report of ${op} (${view.outcome}, ${view.steps.length} step${view.steps.length === 1 ? '' : 's'}) written to ${target}`],
    json: { report: target, op, outcome: view.outcome, steps: view.steps.length },
  };
}
