/**
 * The observed share (and, below, the flow-verified drain) through the real binary, real Terraform
 * and the emulator. Two stub clusters point at two real network load balancers in the emulator;
 * their AWS/NetworkELB metrics are published with PutMetricData, named and dimensioned as Elastic
 * Load Balancing publishes them, and curvectl reads them the way it would on AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../../_helpers/cli.js';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { createNlbs, putFlowMetrics, type TestNlb } from '../../_helpers/flow-metrics.js';
import { snapshot } from '../../_helpers/lifecycle.js';
import { nonBlankPixels, pixelsOfColour, renderInChromium } from '../../_helpers/chromium.js';
import path from 'node:path';

let emulator: Emulator;
let ws: Workspace;
let nlbs: Record<string, TestNlb>;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.createHostedZone('example.test');
  const [a, b] = await createNlbs(emulator, ['cluster-a-ingress', 'cluster-b-ingress']);
  nlbs = { 'cluster-a': a!, 'cluster-b': b! };
  ws = await createWorkspace({ emulator, config: [[['observed', 'window'], '10m']] });
  // The stub's ingress_dns_name is the load balancer's real DNS name, cluster by cluster.
  for (const name of ['cluster-a', 'cluster-b']) {
    await ws.configure([[['cluster', 'variables'], { ingress_dns_name: nlbs[name]!.dnsName }]]);
    const created = await ws.run(['cluster', 'create', name, '--yes']);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await ws?.cleanup();
  await emulator?.stop();
});

describe('status: observed share', () => {
  it('says null and why when CloudWatch has no data for a load balancer', async () => {
    const result = await ws.run(['status', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.clusters.map((c: { name: string; ingress: string }) => [c.name, c.ingress])).toEqual([
      ['cluster-a', nlbs['cluster-a']!.dnsName],
      ['cluster-b', nlbs['cluster-b']!.dnsName],
    ]);
    for (const c of report.clusters) {
      expect(c.observed).toBeNull();
      expect(c.observedReason).toBe(`CloudWatch has no AWS/NetworkELB ProcessedBytes data for ${nlbs[c.name]!.dimension} in the last 10m`);
    }
  });

  it('shows each cluster\'s share of the traffic its load balancer carried', async () => {
    // 5 minutes ago: inside the 10m observed window (with room for a slow machine); the retire
    // tests below rely on it being outside a 2m window.
    const at = new Date(Date.now() - 300_000);
    await putFlowMetrics(emulator, nlbs['cluster-a']!.dimension, { newFlows: 30, activeFlows: 4, processedBytes: 30_000 }, at);
    await putFlowMetrics(emulator, nlbs['cluster-b']!.dimension, { newFlows: 10, activeFlows: 1, processedBytes: 10_000 }, at);
    const result = await ws.run(['status', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const [a, b] = JSON.parse(result.stdout).clusters;
    expect(a).toMatchObject({
      name: 'cluster-a',
      weight: { desired: 100, live: 100 },
      observed: { share: 75, flows: { new: 30, active: 4 }, bytes: 30_000, window: { seconds: 600 }, loadBalancer: nlbs['cluster-a']!.dimension },
      observedReason: null,
    });
    expect(b).toMatchObject({ name: 'cluster-b', weight: { desired: 0, live: 0 }, observed: { share: 25, flows: { new: 10, active: 1 } } });
    // The window ends now and spans observed.window.
    expect(Date.parse(a.observed.window.end) - Date.parse(a.observed.window.start)).toBe(600_000);

    const text = await ws.run(['status']);
    expect(text.stdout).toMatch(/cluster-a\s+█{20}\s+100\s+100\s+75% \(30 new, 4 active flows\)/);
    expect(text.stdout).toMatch(/cluster-b\s+░{20}\s+0\s+0\s+25% \(10 new, 1 active flows\)/);
  });
});

describe('retire: flow-verified drain', () => {
  beforeAll(async () => {
    // Two steps, so the shift report below has a plan worth charting.
    const shift = await ws.run(['shift', '--to', 'cluster-b', '--step', '50', '--bake', '0s', '--allow-short-bake', '--yes']);
    expect(shift.code, shift.stderr).toBe(0);
    expect(await ws.liveWeights()).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
  });

  it('fails closed without metric data in the window: refuses, saying why, and changes nothing', async () => {
    // cluster-a's only data points are 5 minutes old, outside a 2m window.
    await ws.configure([[['retire', 'flowWindow'], '2m']]);
    const before = await snapshot(ws);
    const result = await ws.run(['retire', 'cluster-a', '--drain', '0s', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `curvectl: The drain of cluster-a cannot be proven: CloudWatch has no AWS/NetworkELB NewFlowCount and ActiveFlowCount data for ${nlbs['cluster-a']!.dimension} in the last 2m; nothing was changed.`,
    );
    expect(result.stderr).toMatch(/retire\.requireFlowData: false/);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('refuses while its load balancer still has flows, naming them', async () => {
    await ws.configure([[['retire', 'flowWindow'], '10m']]);
    const before = await snapshot(ws);
    const result = await ws.run(['retire', 'cluster-a', '--drain', '0s', '--yes', '-o', 'json']);
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error).toMatchObject({ code: 'REFUSED', details: { newFlows: 30, activeFlows: 4, maxFlows: 0, loadBalancer: nlbs['cluster-a']!.dimension } });
    expect(error.message).toMatch(/^cluster-a's load balancer still carries traffic \(30 new and 4 active flows on .* in the last 10m/);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('proceeds when the flows have been zero over the window', async () => {
    await ws.configure([[['retire', 'flowWindow'], '2m']]);
    await putFlowMetrics(emulator, nlbs['cluster-a']!.dimension, { newFlows: 0, activeFlows: 0, processedBytes: 0 });
    const result = await ws.run(['retire', 'cluster-a', '--drain', '0s', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cluster-a's load balancer is drained: 0 new and 0 active flows on .* in the last 2m/);
    expect(await ws.liveWeights()).toEqual({ 'cluster-b': 100 });
  });
});

describe('history --report: the shift report in a real browser', () => {
  it('renders the plan, both steps and the chart in headless Chromium', async () => {
    const journal = await ws.journal();
    const shiftOp = journal.find((e) => e.type === 'shift.planned')!.op;
    const file = path.join(ws.dir, 'report.html');
    const result = await ws.run(['history', '--op', shiftOp, '--report', file, '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ report: file, op: shiftOp, outcome: 'completed', steps: 2 });

    const { dom, png } = await renderInChromium(file);
    // The DOM Chromium built: both steps, the planned lines of both clusters.
    expect(dom).toContain('data-step-count="2"');
    expect(dom.match(/<tr class="step" data-step="\d+">/g)).toHaveLength(2);
    expect(dom.match(/<polyline class="planned"/g)).toHaveLength(2);
    expect(dom).toContain('<td id="outcome">completed</td>');
    // Each bake journaled the observed share (the status test's data is in the 10m window): dots on the chart.
    expect(dom.match(/<circle class="observed"/g)?.length).toBeGreaterThanOrEqual(2);
    // The chart was drawn: cluster-a's line (#1f77b4) spans most of the chart's width, and the area
    // around it is not blank.
    const line = pixelsOfColour(png, '#1f77b4');
    expect(line.count).toBeGreaterThan(1000);
    expect(line.maxX - line.minX).toBeGreaterThan(500);
    expect(nonBlankPixels(png, { x0: line.minX, y0: line.minY, x1: line.maxX, y1: line.maxY })).toBeGreaterThan(3000);
  });

  it('negative control: a report with nothing to chart has none of those pixels', async () => {
    const retireOp = (await ws.journal()).find((e) => e.type === 'retire.completed')!.op;
    const file = path.join(ws.dir, 'retire-report.html');
    const result = await ws.run(['history', '--op', retireOp, '--report', file]);
    expect(result.code, result.stderr).toBe(0);
    const { dom, png } = await renderInChromium(file);
    expect(dom).toContain('nothing to chart');
    expect(pixelsOfColour(png, '#1f77b4').count).toBe(0);
  });

  it('refuses --report without --op, writing nothing', async () => {
    const result = await ws.run(['history', '--report', path.join(ws.dir, 'x.html')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--report writes the report of one operation: name it with --op <id>\./);
  });
});
