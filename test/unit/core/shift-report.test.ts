import { describe, expect, it } from 'vitest';
import { buildShiftReport, reportOfOperation, summariseData } from '../../../src/core/shift-report.js';
import { rejection } from '../../_helpers/rejection.js';
import type { JournalEvent } from '../../../src/core/ports.js';
import { renderShiftReportHtml } from '../../../src/io/shift-report-html.js';

const op = 'shift-20261201T120000Z-abcd';
const actor = 'ana@ops-1';
const ev = (at: string, type: string, data: Record<string, unknown>, who = actor): JournalEvent => ({ at: `2026-12-01T12:${at}Z`, op, type, actor: who, data });

const journal: JournalEvent[] = [
  { at: '2026-12-01T11:00:00.000Z', op: 'cluster-x', type: 'cluster.created', data: { cluster: 'b' } },
  ev('00:00.000', 'shift.planned', {
    to: 'b',
    from: { a: 100, b: 0 },
    weights: { a: 100, b: 0 },
    steps: [{ a: 50, b: 50 }, { a: 0, b: 100 }],
    request: { step: 50, until: 100, bakeMs: 60_000, allowShortBake: false, gateIntervalMs: 10_000 },
    ttl: 60,
  }),
  ev('00:01.000', 'shift.step.intent', { index: 1, total: 2, target: { a: 50, b: 50 } }),
  ev('00:02.000', 'shift.step.done', { index: 1, total: 2, weights: { a: 50, b: 50 } }),
  ev('01:02.000', 'shift.step.baked', {
    index: 1,
    total: 2,
    weights: { a: 50, b: 50 },
    bakeMs: 60_000,
    gates: [{ gate: 'eks', cluster: 'b', outcome: 'pass', reason: 'ACTIVE 1.35' }],
    observed: { a: 61.5, b: 38.5 },
  }),
  ev('01:10.000', 'shift.held', { index: 1, total: 2, weights: { a: 50, b: 50 }, reason: 'operator' }),
  ev('05:00.000', 'shift.resumed', { index: 1, total: 2, weights: { a: 50, b: 50 } }, 'bo@ops-2'),
  ev('05:01.000', 'shift.step.intent', { index: 2, total: 2, target: { a: 0, b: 100 } }, 'bo@ops-2'),
  ev('05:02.000', 'shift.step.done', { index: 2, total: 2, weights: { a: 0, b: 100 } }, 'bo@ops-2'),
  ev('05:30.000', 'shift.rollback.started', {
    cause: 'gate',
    reason: 'gates on b failed <5xx>',
    index: 2,
    to: { a: 100, b: 0 },
    gates: [{ gate: 'metric', cluster: 'b', outcome: 'fail', reason: 'error ratio 0.2 > 0.01' }],
  }, 'bo@ops-2'),
  ev('05:30.020', 'shift.rollback.dns-done', { weights: { a: 100, b: 0 }, ms: 20 }, 'bo@ops-2'),
  ev('05:40.000', 'shift.rolled-back', { cause: 'gate', reason: 'gates on b failed', weights: { a: 100, b: 0 }, ms: 20, planClean: true }, 'bo@ops-2'),
];

describe('buildShiftReport', () => {
  const view = buildShiftReport(op, journal);

  it('says who ran it, when, the plan and how it ended', () => {
    expect(view).toMatchObject({
      op,
      kind: 'shift',
      actors: ['ana@ops-1', 'bo@ops-2'],
      startedAt: '2026-12-01T12:00:00.000Z',
      endedAt: '2026-12-01T12:05:40.000Z',
      outcome: 'rolled back',
      target: 'b',
      ttl: 60,
      plan: [{ a: 100, b: 0 }, { a: 50, b: 50 }, { a: 0, b: 100 }],
      clusters: ['a', 'b'],
    });
    expect(view.events).toHaveLength(11); // only this operation's
  });

  it('has each step with its gate results and the observed share at the end of its bake', () => {
    expect(view.steps).toEqual([
      {
        index: 1,
        weights: { a: 50, b: 50 },
        intentAt: '2026-12-01T12:00:01.000Z',
        doneAt: '2026-12-01T12:00:02.000Z',
        bakedAt: '2026-12-01T12:01:02.000Z',
        bakeMs: 60_000,
        gates: [{ gate: 'eks', cluster: 'b', outcome: 'pass', reason: 'ACTIVE 1.35' }],
        observed: { a: 61.5, b: 38.5 },
      },
      {
        index: 2,
        weights: { a: 0, b: 100 },
        intentAt: '2026-12-01T12:05:01.000Z',
        doneAt: '2026-12-01T12:05:02.000Z',
        bakedAt: null,
        bakeMs: null,
        gates: [{ gate: 'metric', cluster: 'b', outcome: 'fail', reason: 'error ratio 0.2 > 0.01' }],
        observed: null,
      },
    ]);
  });

  it('has the planned weight over time as a step function back to W0 after the rollback, and the holds and rollbacks', () => {
    expect(view.planned.b!.map((p) => [p.at.slice(14, 23), p.value])).toEqual([
      ['00:00.000', 0],
      ['00:02.000', 50],
      ['05:02.000', 100],
      ['05:30.020', 0],
      ['05:40.000', 0],
    ]);
    expect(view.observed).toEqual({ a: [{ at: '2026-12-01T12:01:02.000Z', value: 61.5 }], b: [{ at: '2026-12-01T12:01:02.000Z', value: 38.5 }] });
    expect(view.markers.map((m) => m.kind)).toEqual(['hold', 'resume', 'rollback']);
  });
});

describe('renderShiftReportHtml', () => {
  const html = renderShiftReportHtml(buildShiftReport(op, journal), new Date('2026-12-01T13:00:00Z'));

  it('is self-contained: no script, no external stylesheet, font or image', () => {
    expect(html).not.toMatch(/<script|<link|@import|url\(|<img|<iframe/i);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    expect(html.match(/https?:\/\/[^"\s<]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('holds the plan, the steps, the chart and the markers', () => {
    expect(html).toContain('data-step-count="2"');
    expect(html.match(/<tr class="step" data-step="\d+">/g)).toHaveLength(2);
    expect(html.match(/<polyline class="planned"/g)).toHaveLength(2);
    expect(html.match(/<circle class="observed"/g)).toHaveLength(2);
    expect(html).toContain('class="marker rollback"');
    expect(html).toContain('class="marker hold"');
    expect(html).toContain('<td id="outcome">rolled back</td>');
    expect(html).toContain('fail metric (b): error ratio 0.2 &gt; 0.01');
    expect(html).toContain('a=61.5% b=38.5%');
  });

  it('escapes what came from the journal', () => {
    expect(html).toContain('gates on b failed &lt;5xx&gt;');
    const hostile = renderShiftReportHtml(buildShiftReport(op, [ev('00:00.000', 'shift.held', { reason: '<script>alert(1)</script>' }, '<img src=x>')]));
    expect(hostile).not.toMatch(/<script>|<img/);
    expect(hostile).toContain('&lt;script&gt;');
  });

  it('says when there is nothing to chart', () => {
    const retire = renderShiftReportHtml(buildShiftReport('retire-1', [{ at: '2026-12-01T12:00:00Z', op: 'retire-1', type: 'retire.completed', data: { cluster: 'a' } }]));
    expect(retire).toContain('nothing to chart');
    expect(retire).toContain('data-step-count="0"');
  });
});

describe('buildShiftReport on data of an unexpected shape', () => {
  it('writes such a value as JSON, never as [object Object]', () => {
    const view = buildShiftReport(op, [
      ev('00:00.000', 'shift.held', { index: 1, reason: { by: 'operator' } }),
      ev('00:01.000', 'shift.step.baked', { index: 1, gates: [{ gate: 'metric', cluster: 'b', outcome: 'fail', reason: { ratio: 0.2 } }] }),
    ]);
    expect(view.markers.map((m) => m.text)).toEqual(['held at step 1 ({"by":"operator"})']);
    expect(view.steps[0]?.gates).toEqual([{ gate: 'metric', cluster: 'b', outcome: 'fail', reason: '{"ratio":0.2}' }]);
  });
});

describe('reportOfOperation (history --report)', () => {
  it('is the report of an operation the journal has', () => {
    expect(reportOfOperation(op, journal)).toEqual(buildShiftReport(op, journal));
  });
  it('refuses an operation the journal does not have, so no empty report is written', async () => {
    const err = await rejection(Promise.resolve().then(() => reportOfOperation('shift-nope', journal)));
    expect(err.code).toBe('REFUSED');
    expect(err.message).toBe('The journal has no operation shift-nope; no report was written.');
  });
});

describe('summariseData', () => {
  it('writes weights with the one formatter (compact, sorted) and shares with a percent sign', () => {
    expect(summariseData({ weights: { b: 10, a: 90 }, observed: { a: 48.5, b: null }, step: 2 })).toBe('weights: a=90 b=10, observed: a=48.5% b=?, step=2');
  });
});
