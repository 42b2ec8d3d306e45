/**
 * The change record of one operation as a view model, from its journal events alone: who ran what
 * and when, the plan, each step with its gate results and the observed share at the end of its bake,
 * rollbacks and holds, and the series for a chart of planned weight per cluster over time with the
 * observed share on top. src/io/shift-report-html.ts renders it; nothing here knows about HTML.
 */
import { refused } from './errors.js';
import type { JournalEvent, Weights } from './ports.js';
import { formatWeights, isWeightMap } from './weights.js';
import { textOf } from './text-of.js';

export interface ReportGateResult {
  readonly gate: string;
  readonly cluster: string;
  readonly outcome: string;
  readonly reason: string;
}

export interface ReportStep {
  /** 1..n */
  readonly index: number;
  readonly weights: Weights;
  readonly intentAt: string | null;
  /** Route 53 verified at these weights. */
  readonly doneAt: string | null;
  /** The bake ended with the gates passing. */
  readonly bakedAt: string | null;
  readonly bakeMs: number | null;
  readonly gates: readonly ReportGateResult[];
  /** Observed share (percent) per cluster at the end of the bake; null when it was not recorded. */
  readonly observed: Readonly<Record<string, number | null>> | null;
}

export interface ReportMarker {
  readonly at: string;
  readonly kind: 'rollback' | 'hold' | 'resume';
  readonly text: string;
}

export interface ReportPoint {
  readonly at: string;
  readonly value: number;
}

export interface ShiftReportView {
  readonly op: string;
  /** "shift", "retire", "cluster"... (the part of the id before the first dash) */
  readonly kind: string;
  readonly actors: readonly string[];
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** completed | rolled back | aborted | held | in progress | failed */
  readonly outcome: string;
  readonly target: string | null;
  readonly ttl: number | null;
  readonly request: Readonly<Record<string, unknown>> | null;
  /** W0..Wn; empty for operations other than shifts. */
  readonly plan: readonly Weights[];
  readonly clusters: readonly string[];
  readonly steps: readonly ReportStep[];
  readonly markers: readonly ReportMarker[];
  /** Planned (live) weight per cluster over time: a step function, one point per change. */
  readonly planned: Readonly<Record<string, readonly ReportPoint[]>>;
  /** Observed share per cluster at the end of each bake. */
  readonly observed: Readonly<Record<string, readonly ReportPoint[]>>;
  readonly events: readonly { readonly at: string; readonly type: string; readonly actor: string | null; readonly summary: string }[];
}

function isShares(value: unknown): value is Record<string, number | null> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => v === null || typeof v === 'number');
}

function gatesOf(value: unknown): ReportGateResult[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((g: unknown) => {
    if (typeof g !== 'object' || g === null) return [];
    const r = g as Record<string, unknown>;
    return [{ gate: textOf(r.gate ?? '?'), cluster: textOf(r.cluster ?? ''), outcome: textOf(r.outcome ?? '?'), reason: textOf(r.reason ?? '') }];
  });
}

/** One line of an event's data, for the timeline. */
export function summariseData(data: Readonly<Record<string, unknown>> | undefined): string {
  if (!data) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (isWeightMap(value)) parts.push(`${key}: ${formatWeights(value, 'compact')}`);
    else if (isShares(value)) parts.push(`${key}: ${Object.entries(value).map(([k, v]) => `${k}=${v === null ? '?' : `${v}%`}`).join(' ')}`);
    else if (Array.isArray(value)) parts.push(`${key}: ${value.length} items`);
    else if (typeof value !== 'object' || value === null) parts.push(`${key}=${String(value)}`);
  }
  return parts.join(', ');
}

const OUTCOMES: Record<string, string> = {
  'shift.completed': 'completed',
  'shift.rolled-back': 'rolled back',
  'shift.aborted': 'aborted',
  'retire.completed': 'completed',
  'retire.failed': 'failed',
  'cluster.created': 'completed',
  'cluster.create.failed': 'failed',
};

/** The report of operation `op` for `history --report`; REFUSED when the journal has nothing of it (no empty report is written). */
export function reportOfOperation(op: string, events: readonly JournalEvent[]): ShiftReportView {
  if (!events.some((e) => e.op === op)) {
    throw refused(`The journal has no operation ${op}; no report was written.`, 'See the operation ids with "curvectl history".');
  }
  return buildShiftReport(op, events);
}

export function buildShiftReport(op: string, events: readonly JournalEvent[]): ShiftReportView {
  const mine = events.filter((e) => e.op === op);
  const planned = mine.find((e) => e.type === 'shift.planned');
  const pd = planned?.data ?? {};
  const w0 = isWeightMap(pd.from) ? pd.from : {};
  const steps: Weights[] = Array.isArray(pd.steps) ? (pd.steps as unknown[]).filter(isWeightMap) : [];
  const plan = planned ? [w0, ...steps] : [];
  const clusters = [...new Set(plan.flatMap((w) => Object.keys(w)))].sort();

  const stepViews = new Map<number, { -readonly [K in keyof ReportStep]: ReportStep[K] }>();
  const step = (index: number) => {
    let s = stepViews.get(index);
    if (!s) {
      s = { index, weights: steps[index - 1] ?? {}, intentAt: null, doneAt: null, bakedAt: null, bakeMs: null, gates: [], observed: null };
      stepViews.set(index, s);
    }
    return s;
  };
  const markers: ReportMarker[] = [];
  const plannedSeries: Record<string, ReportPoint[]> = Object.fromEntries(clusters.map((c) => [c, []]));
  const observedSeries: Record<string, ReportPoint[]> = Object.fromEntries(clusters.map((c) => [c, []]));
  const live = (at: string, weights: Weights) => {
    for (const c of clusters) plannedSeries[c]!.push({ at, value: weights[c] ?? 0 });
  };
  let outcome = mine.length === 0 ? 'unknown' : 'in progress';
  for (const e of mine) {
    const d = e.data ?? {};
    const index = typeof d.index === 'number' ? d.index : undefined;
    switch (e.type) {
      case 'shift.planned':
        live(e.at, w0);
        break;
      case 'shift.step.intent':
        if (index) step(index).intentAt = e.at;
        break;
      case 'shift.step.done':
        if (index) {
          step(index).doneAt = e.at;
          if (isWeightMap(d.weights)) live(e.at, d.weights);
        }
        break;
      case 'shift.step.baked':
        if (index) {
          const s = step(index);
          s.bakedAt = e.at;
          s.bakeMs = typeof d.bakeMs === 'number' ? d.bakeMs : null;
          s.gates = gatesOf(d.gates);
          if (isShares(d.observed)) {
            s.observed = d.observed;
            for (const [c, share] of Object.entries(d.observed)) {
              if (share !== null) (observedSeries[c] ??= []).push({ at: e.at, value: share });
            }
          }
        }
        break;
      case 'shift.rollback.started':
        markers.push({ at: e.at, kind: 'rollback', text: `rollback (${textOf(d.cause ?? '?')}): ${textOf(d.reason ?? '')}` });
        if (index) {
          const gates = gatesOf(d.gates);
          if (gates.length > 0) step(index).gates = gates;
        }
        break;
      case 'shift.rollback.dns-done':
        if (isWeightMap(d.weights)) live(e.at, d.weights);
        break;
      case 'shift.held':
        markers.push({ at: e.at, kind: 'hold', text: `held at step ${textOf(d.index ?? '?')} (${textOf(d.reason ?? '')})` });
        outcome = 'held';
        break;
      case 'shift.resumed':
        markers.push({ at: e.at, kind: 'resume', text: `resumed at step ${textOf(d.index ?? '?')}` });
        outcome = 'in progress';
        break;
      default:
        break;
    }
    if (OUTCOMES[e.type]) outcome = OUTCOMES[e.type]!;
  }
  const first = mine[0];
  const last = mine[mine.length - 1];
  if (last && clusters.length > 0) {
    // The chart's lines run to the last event.
    const current = Object.fromEntries(clusters.map((c) => [c, plannedSeries[c]!.at(-1)?.value ?? 0]));
    live(last.at, current);
  }
  const request = typeof pd.request === 'object' && pd.request !== null ? (pd.request as Record<string, unknown>) : null;
  return {
    op,
    kind: op.split('-')[0] ?? op,
    actors: [...new Set(mine.flatMap((e) => (e.actor ? [e.actor] : [])))],
    startedAt: first?.at ?? null,
    endedAt: last?.at ?? null,
    outcome,
    target: typeof pd.to === 'string' ? pd.to : typeof first?.data?.cluster === 'string' ? first.data.cluster : null,
    ttl: typeof pd.ttl === 'number' ? pd.ttl : null,
    request,
    plan,
    clusters,
    steps: [...stepViews.values()].sort((a, b) => a.index - b.index),
    markers,
    planned: plannedSeries,
    observed: observedSeries,
    events: mine.map((e) => ({ at: e.at, type: e.type, actor: e.actor ?? null, summary: summariseData(e.data) })),
  };
}
