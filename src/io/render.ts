/**
 * Pure text renderers: weights as bars, plans, gate results, the status table. They take a `Paint`
 * (chalk, or identity when colour is off) so tests can assert exact text.
 */
import type { GateResultView } from '../core/gates/types.js';
import type { View } from '../core/io-host.js';
import type { LockStatus, Weights } from '../core/ports.js';
import type { StatusReport } from '../core/status.js';
import type { UnlockOutcome } from '../core/unlock.js';
import { TRAFFIC_LOCK } from '../core/lock-scope.js';
import { formatDuration } from '../core/duration.js';
import { holderText, livenessText } from '../core/lock-holder.js';
import { formatWeights } from '../core/weights.js';
import stringWidth from 'string-width';

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
}

export const plain: Paint = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
};

const BAR_WIDTH = 20;

/**
 * `text` padded with spaces to `width` terminal columns. Columns, not UTF-16 units: a colour code
 * takes none, a CJK character or an emoji two, a combining accent none (string-width), so `.length`
 * would misalign a table the moment a cell is coloured or not ASCII.
 */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** "█████████████████░░░" for 85 out of 100. Rounds so that any weight above 0 shows at least one cell. */
export function bar(weight: number, total: number, width = BAR_WIDTH): string {
  const share = total > 0 ? weight / total : 0;
  let filled = Math.round(share * width);
  if (weight > 0 && filled === 0) filled = 1;
  if (weight < total && filled === width && total > 0) filled = width - 1;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function total(weights: Weights): number {
  return Object.values(weights).reduce((sum, w) => sum + w, 0);
}

export function renderWeights(weights: Weights, paint: Paint = plain, previous?: Weights): string[] {
  const names = Object.keys(weights).sort();
  const width = Math.max(0, ...names.map((n) => stringWidth(n)));
  const sum = total(weights);
  return names.map((name) => {
    const w = weights[name] ?? 0;
    const before = previous?.[name];
    const change = before === undefined || before === w ? '' : paint.dim(` (was ${before})`);
    const percent = `${String(w).padStart(3)}`;
    return `  ${padColumns(name, width)}  ${paint.cyan(bar(w, sum))} ${paint.bold(percent)}${change}`;
  });
}

export function renderPlan(steps: readonly Weights[], paint: Paint = plain): string[] {
  return steps.map((w, i) => `  ${paint.dim(i === 0 ? 'now ' : `${String(i).padStart(3)}.`)} ${formatWeights(w, 'compact')}`);
}

export function renderGates(results: readonly GateResultView[], paint: Paint = plain): string[] {
  return results.map((r) => {
    const mark =
      r.outcome === 'pass' ? paint.green('pass ') : r.outcome === 'fail' ? paint.red('FAIL ') : r.outcome === 'skipped' ? paint.dim('skip ') : paint.yellow('error');
    return `  ${mark} ${r.gate} (${r.cluster}): ${r.reason}`;
  });
}

/** The holder's liveness (core/lock-holder.ts) as a coloured suffix: a stale lock in yellow. */
export function lockLiveness(lock: LockStatus, paint: Paint = plain, now: Date = new Date()): string {
  const text = livenessText(lock, now);
  if (text === undefined) return '';
  return lock.stale ? paint.yellow(` (${text})`) : paint.dim(` (${text})`);
}

export function renderView(view: View, paint: Paint = plain, now: Date = new Date()): string[] {
  switch (view.type) {
    case 'weights':
      return [paint.bold(view.title), ...renderWeights(view.weights, paint, view.previous)];
    case 'plan':
      return [
        paint.bold(view.title),
        ...renderPlan(view.steps, paint),
        ...(view.commands?.length ? ['', paint.bold('Commands:'), ...view.commands.map((c) => `  ${c}`)] : []),
      ];
    case 'gates':
      return renderGates(view.results, paint);
    case 'changes':
      return [
        `${paint.bold(view.title)}: ${view.summary.add} to add, ${view.summary.change} to change, ${view.summary.remove} to destroy`,
        ...(view.resources ?? []).map((r) => `  ${r}`),
      ];
    case 'lock':
      return [
        `${view.lock.scope} locked by ${holderText(view.lock)}${lockLiveness(view.lock, paint, now)}`,
      ];
    default: {
      const never: never = view;
      return [String(never)];
    }
  }
}

/** What `unlock` did, one line a lock. */
export function renderUnlock(outcome: UnlockOutcome): string[] {
  const { cleared, held, replaced } = outcome;
  if (cleared.length === 0 && held.length === 0 && replaced.length === 0) return ['No locks are held.'];
  return [
    ...cleared.map((l) => `Cleared ${l.scope} (was ${l.owner}@${l.host}, pid ${l.pid}, "${l.operation}").`),
    ...held.map((l) => `Kept ${l.scope}: its holder (pid ${l.pid} on ${l.host}) is still running.`),
    ...replaced.map((l) => `Kept ${l.scope}: another process took it after it was read (it was pid ${l.pid} on ${l.host}).`),
    ...(cleared.some((l) => l.scope === TRAFFIC_LOCK) ? ['Run "curvectl status" to see whether a shift was left unfinished.'] : []),
  ];
}

/** A simple left-aligned table; the last column may be ragged. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], paint: Paint = plain): string[] {
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : padColumns(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [paint.bold(line(header)), ...rows.map(line)];
}

export function renderStatus(report: StatusReport, paint: Paint = plain, now: Date = new Date()): string[] {
  const out: string[] = [];
  out.push(`${paint.bold('Record')} ${report.record} ${paint.dim(`(TTL ${report.ttl}s)`)}`);
  out.push('');
  if (report.clusters.length === 0) {
    out.push('No clusters yet. Create one with: curvectl cluster create <name>');
  } else {
    const liveTotal = report.clusters.reduce((s, c) => s + (c.weight.live ?? 0), 0);
    // A report made without the observed share (no CloudWatch port) has no column for it.
    const withObserved = report.clusters.some((c) => c.observed !== undefined);
    const rows = report.clusters.map((c) => {
      const drifted = report.drift.some((d) => d.cluster === c.name);
      const desired = c.weight.desired === null ? '-' : String(c.weight.desired);
      const live = c.weight.live === null ? '-' : String(c.weight.live);
      const eks = c.eks ? `${colourStatus(c.eks.status, paint)} ${c.eks.version}` : paint.dim('not found');
      return [
        c.name,
        `${paint.cyan(bar(c.weight.live ?? 0, liveTotal))} ${live.padStart(3)}`,
        drifted ? paint.red(desired) : desired,
        ...(withObserved ? [observedCell(c, paint)] : []),
        eks,
        c.ingress ?? paint.dim('-'),
      ];
    });
    out.push(...table(['CLUSTER', 'LIVE WEIGHT', 'DESIRED', ...(withObserved ? ['OBSERVED'] : []), 'EKS', 'INGRESS'], rows, paint));
    const window = report.clusters.find((c) => c.observed)?.observed?.window;
    if (window) out.push(paint.dim(`Observed: share of the traffic each load balancer carried in the last ${formatDuration(window.seconds * 1000)} (CloudWatch AWS/NetworkELB).`));
    for (const c of report.clusters) {
      if (c.observedReason) out.push(paint.dim(`  ${c.name}: ${c.observed ? 'no share' : 'nothing observed'}: ${c.observedReason}.`));
    }
  }
  out.push('');
  if (report.drift.length > 0) {
    out.push(paint.red(paint.bold('Drift: live weights differ from the desired weights')));
    for (const d of report.drift) {
      out.push(`  ${d.cluster}: desired ${d.desired ?? 'none'}, live ${d.live ?? 'none'}`);
    }
    out.push(paint.dim('  Fix it with "curvectl shift abort" if a shift was interrupted, or re-apply the desired weights.'));
  } else {
    out.push(`${paint.green('No drift')}: Route 53 matches the desired weights.`);
  }
  if (report.lock) {
    out.push(...renderView({ type: 'lock', lock: report.lock }, paint, now));
  }
  if (report.operation) {
    const op = report.operation;
    const age = op.startedAt ? ` since ${op.startedAt}` : '';
    out.push(
      paint.yellow(`Operation ${op.id} (${op.kind}) is ${op.state}${age}: step ${op.stepsDone} of ${op.stepsTotal}.`),
    );
    if (op.next) out.push(paint.dim(`  ${op.next}`));
  }
  return out;
}

/** "48.2%" with the flows behind it, or "-" when nothing was observed. */
function observedCell(c: StatusReport['clusters'][number], paint: Paint): string {
  if (!c.observed) return paint.dim('-');
  const share = c.observed.share === null ? '-' : `${c.observed.share}%`;
  return `${share} ${paint.dim(`(${c.observed.flows.new} new, ${c.observed.flows.active} active flows)`)}`;
}

function colourStatus(status: string, paint: Paint): string {
  if (status === 'ACTIVE') return paint.green(status);
  if (status === 'FAILED' || status === 'DELETING') return paint.red(status);
  return paint.yellow(status);
}

export function countdown(ms: number): string {
  return formatDuration(ms);
}
