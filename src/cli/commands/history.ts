import { badInput } from '../../core/errors.js';
import { table } from '../../io/render.js';
import type { CommandResult } from '../command.js';
import type { Context } from '../context.js';

export const needsConfig = true;

export async function run(ctx: Context, options: Record<string, unknown>): Promise<CommandResult> {
  let limit: number | undefined;
  if (options.limit !== undefined) {
    const text = String(options.limit);
    if (!/^\d+$/.test(text) || Number(text) < 1) throw badInput(`"${text}" is not a valid --limit: use a whole number of events, 1 or more.`);
    limit = Number(text);
  }
  const state = await ctx.state();
  const all = await state.readJournal(options.op === undefined ? undefined : { op: String(options.op) });
  const events = limit === undefined ? all : all.slice(-limit);
  const rows = events.map((e) => [e.at, e.op, e.type, e.actor ?? '-', summarise(e.data)]);
  return {
    text: events.length === 0 ? ['No history yet.'] : table(['AT', 'OPERATION', 'EVENT', 'BY', 'DETAIL'], rows, ctx.paint),
    json: { events },
  };
}

/** One line of the event's data: weights as "a=90 b=10", other values as key=value. */
function summarise(data: Readonly<Record<string, unknown>> | undefined): string {
  if (!data) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.every(([, v]) => typeof v === 'number')) {
        parts.push(`${key}: ${entries.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
        continue;
      }
    }
    if (Array.isArray(value)) {
      parts.push(`${key}: ${value.length} items`);
      continue;
    }
    if (typeof value === 'object' && value !== null) continue;
    parts.push(`${key}=${String(value)}`);
  }
  return parts.join(', ');
}
