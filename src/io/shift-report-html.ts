/**
 * The shift report: one self-contained HTML page (inline CSS and SVG; no scripts, fonts or anything
 * fetched), rendered from the core's ShiftReportView. Every value from the journal is escaped.
 */
import { formatDuration } from '../core/duration.js';
import type { ReportPoint, ShiftReportView } from '../core/shift-report.js';
import { formatWeights } from '../core/weights.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const e = escapeHtml;

const W = 860;
const H = 320;
const PAD = { left: 48, right: 16, top: 16, bottom: 40 };

/** Planned weight per cluster as step lines, the observed share as dots, rollbacks and holds as vertical lines. */
export function renderChart(view: ShiftReportView): string {
  const times = [
    ...Object.values(view.planned).flatMap((ps) => ps.map((p) => Date.parse(p.at))),
    ...Object.values(view.observed).flatMap((ps) => ps.map((p) => Date.parse(p.at))),
    ...view.markers.map((m) => Date.parse(m.at)),
  ].filter((t) => Number.isFinite(t));
  if (times.length === 0 || view.clusters.length === 0) return '<p class="none">No weights were recorded for this operation, so there is nothing to chart.</p>';
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1000);
  const x = (at: string) => PAD.left + ((Date.parse(at) - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / 100) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  parts.push(`<text class="axis" x="${PAD.left}" y="${H - 12}">${e(new Date(t0).toISOString())}</text>`);
  parts.push(`<text class="axis" x="${W - PAD.right}" y="${H - 12}" text-anchor="end">+${e(formatDuration(t1 - t0))}</text>`);
  for (const m of view.markers) {
    parts.push(`<line class="marker ${m.kind}" x1="${x(m.at)}" x2="${x(m.at)}" y1="${PAD.top}" y2="${H - PAD.bottom}"><title>${e(m.text)}</title></line>`);
  }
  view.clusters.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points: readonly ReportPoint[] = view.planned[c] ?? [];
    if (points.length > 0) {
      // A step function: the weight holds until the next change.
      const path: string[] = [];
      points.forEach((p, j) => {
        if (j > 0) path.push(`${x(p.at).toFixed(1)},${y(points[j - 1]!.value).toFixed(1)}`);
        path.push(`${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`);
      });
      parts.push(`<polyline class="planned" data-cluster="${e(c)}" fill="none" stroke="${colour}" stroke-width="3" points="${path.join(' ')}"/>`);
    }
    for (const p of view.observed[c] ?? []) {
      parts.push(
        `<circle class="observed" data-cluster="${e(c)}" cx="${x(p.at).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="6" fill="${colour}" stroke="#fff" stroke-width="2"><title>${e(`${c}: observed ${p.value}% at ${p.at}`)}</title></circle>`,
      );
    }
  });
  const legend = view.clusters
    .map((c, i) => `<span class="key"><span class="swatch" style="background:${COLOURS[i % COLOURS.length]}"></span>${e(c)}</span>`)
    .join(' ');
  return `<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Planned weight per cluster over time, with the observed share">${parts.join('')}</svg>
<p class="legend">${legend} <span class="key">line: planned weight (%)</span> <span class="key">dot: observed share at the end of a bake (%)</span> <span class="key"><span class="swatch rollback"></span>rollback</span> <span class="key"><span class="swatch hold"></span>hold</span></p>`;
}

export function renderShiftReportHtml(view: ShiftReportView, generatedAt: Date = new Date()): string {
  const request = view.request
    ? Object.entries(view.request)
        .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(k.endsWith('Ms') && typeof v === 'number' ? formatDuration(v) : String(v))}</td></tr>`)
        .join('')
    : '';
  const plan = view.plan.map((w, i) => `<li>${i === 0 ? 'W0 (start)' : `W${i}`}: ${e(formatWeights(w, 'compact'))}</li>`).join('');
  const steps = view.steps
    .map((s) => {
      const gates = s.gates.length
        ? `<ul>${s.gates.map((g) => `<li class="gate ${e(g.outcome)}">${e(g.outcome)} ${e(g.gate)} (${e(g.cluster)}): ${e(g.reason)}</li>`).join('')}</ul>`
        : '<span class="none">not recorded</span>';
      const observed = s.observed
        ? e(Object.entries(s.observed).map(([c, v]) => `${c}=${v === null ? '?' : `${v}%`}`).join(' '))
        : '<span class="none">not recorded</span>';
      return `<tr class="step" data-step="${s.index}"><td>${s.index}</td><td>${e(formatWeights(s.weights, 'compact'))}</td><td>${e(s.doneAt ?? '-')}</td><td>${e(s.bakedAt ?? '-')}${s.bakeMs === null ? '' : ` (${e(formatDuration(s.bakeMs))})`}</td><td>${gates}</td><td>${observed}</td></tr>`;
    })
    .join('');
  const markers = view.markers.map((m) => `<li class="${m.kind}">${e(m.at)}: ${e(m.text)}</li>`).join('');
  const events = view.events
    .map((ev) => `<tr><td>${e(ev.at)}</td><td>${e(ev.type)}</td><td>${e(ev.actor ?? '-')}</td><td>${e(ev.summary)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>curvectl report: ${e(view.op)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #ddd; }
.none { color: #888; } .gate.fail, .gate.error, .rollback { color: #b00; } .hold { color: #b60; }
svg .grid { stroke: #e5e5e5; } svg .axis { font-size: 11px; fill: #666; }
svg .marker { stroke-width: 2; stroke-dasharray: 5 4; } svg .marker.rollback { stroke: #b00; } svg .marker.hold { stroke: #e80; } svg .marker.resume { stroke: #888; }
.legend .key { margin-right: 14px; } .swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
.swatch.rollback { background: #b00; } .swatch.hold { background: #e80; }
</style>
</head>
<body>
<h1>curvectl: ${e(view.kind)} ${e(view.op)}</h1>
<table id="summary">
<tr><th>Outcome</th><td id="outcome">${e(view.outcome)}</td></tr>
<tr><th>Run by</th><td>${e(view.actors.join(', ') || '-')}</td></tr>
<tr><th>Started</th><td>${e(view.startedAt ?? '-')}</td></tr>
<tr><th>Ended</th><td>${e(view.endedAt ?? '-')}</td></tr>
${view.target ? `<tr><th>Target</th><td>${e(view.target)}</td></tr>` : ''}
${view.ttl === null ? '' : `<tr><th>Record TTL</th><td>${view.ttl}s</td></tr>`}
${request}
</table>
${view.plan.length ? `<h2>Plan</h2><ol id="plan" start="0">${plan}</ol>` : ''}
<h2>Planned weight and observed share</h2>
${renderChart(view)}
<h2>Steps</h2>
<table id="steps" data-step-count="${view.steps.length}">
<tr><th>#</th><th>weights</th><th>verified in Route 53</th><th>bake ended</th><th>gates</th><th>observed share</th></tr>
${steps || '<tr><td colspan="6" class="none">No steps.</td></tr>'}
</table>
<h2>Rollbacks and holds</h2>
${markers ? `<ul id="markers">${markers}</ul>` : '<p class="none" id="markers">None.</p>'}
<h2>Every event</h2>
<table id="events">
<tr><th>at</th><th>event</th><th>by</th><th>detail</th></tr>
${events}
</table>
<p class="none">Generated by curvectl at ${e(generatedAt.toISOString())} from the journal.</p>
</body>
</html>
`;
}
