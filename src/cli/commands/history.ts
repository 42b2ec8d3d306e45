import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { badInput, refused } from '../../core/errors.js';
import { buildShiftReport, summariseData } from '../../core/shift-report.js';
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
async function writeReport(ctx: Context, op: string, file: string, events: Parameters<typeof buildShiftReport>[1]): Promise<CommandResult> {
  if (events.length === 0) throw refused(`The journal has no operation ${op}; no report was written.`, 'See the operation ids with "curvectl history".');
  const { renderShiftReportHtml } = await import('../../io/shift-report-html.js');
  const view = buildShiftReport(op, events);
  const target = path.resolve(ctx.cwd, file);
  // Temp file + rename: a reader never sees half a report.
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, renderShiftReportHtml(view), 'utf8');
  await rename(temp, target);
  return {
    text: [`Report of ${op} (${view.outcome}, ${view.steps.length} steps) written to ${target}`],
    json: { report: target, op, outcome: view.outcome, steps: view.steps.length },
  };
}
