import { describe, expect, it } from 'vitest';
import { bar, renderStatus, renderView, renderWeights, table } from '../../../src/io/render.js';
import type { StatusReport } from '../../../src/core/status.js';

describe('weight bars', () => {
  it('fills in proportion and keeps small weights visible', () => {
    expect(bar(100, 100, 10)).toBe('██████████');
    expect(bar(0, 100, 10)).toBe('░░░░░░░░░░');
    expect(bar(1, 100, 10)).toBe('█░░░░░░░░░');
    expect(bar(99, 100, 10)).toBe('█████████░');
    expect(bar(50, 100, 10)).toBe('█████░░░░░');
  });
  it('renders one line per cluster, sorted, with the previous weight', () => {
    const lines = renderWeights({ 'cluster-b': 55, 'cluster-a': 45 }, undefined, { 'cluster-a': 90, 'cluster-b': 10 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {2}cluster-a {2}█{9}░{11}  45 \(was 90\)$/);
    expect(lines[1]).toMatch(/^ {2}cluster-b {2}█{11}░{9}  55 \(was 10\)$/);
  });
});

describe('views', () => {
  it('renders a plan with its commands', () => {
    const lines = renderView({ type: 'plan', title: 'Plan', steps: [{ a: 90, b: 10 }, { a: 45, b: 55 }], commands: ['terraform apply'] });
    expect(lines).toEqual(['Plan', '  now  a=90 b=10', '    1. a=45 b=55', '', 'Commands:', '  terraform apply']);
  });
  it('renders gate results with their reasons', () => {
    const lines = renderView({ type: 'gates', results: [{ gate: 'alarm', cluster: 'b', outcome: 'fail', reason: 'b-5xx is ALARM' }] });
    expect(lines).toEqual(['  FAIL  alarm (b): b-5xx is ALARM']);
  });
});

describe('table', () => {
  it('aligns columns', () => {
    expect(table(['A', 'BB'], [['xxx', 'y'], ['z', 'w']])).toEqual(['A    BB', 'xxx  y', 'z    w']);
  });
});

describe('status rendering', () => {
  const report: StatusReport = {
    record: 'api.example.test',
    ttl: 60,
    clusters: [
      { name: 'cluster-a', weight: { desired: 90, live: 80 }, ingress: 'a.elb', eks: { status: 'ACTIVE', version: '1.31' } },
      { name: 'cluster-b', weight: { desired: 10, live: 20 }, ingress: 'b.elb', eks: null },
    ],
    drift: [
      { cluster: 'cluster-a', desired: 90, live: 80 },
      { cluster: 'cluster-b', desired: 10, live: 20 },
    ],
    lock: null,
    operation: null,
  };
  it('shows live and desired weights, EKS state and drift', () => {
    const text = renderStatus(report).join('\n');
    expect(text).toContain('api.example.test (TTL 60s)');
    expect(text).toMatch(/cluster-a\s+█+░+\s+80\s+90\s+ACTIVE 1\.31\s+a\.elb/);
    expect(text).toMatch(/cluster-b\s+█+░+\s+20\s+10\s+not found\s+b\.elb/);
    expect(text).toContain('Drift: live weights differ from the desired weights');
    expect(text).toContain('cluster-a: desired 90, live 80');
  });
  it('says there is no drift when there is none', () => {
    const text = renderStatus({ ...report, drift: [] }).join('\n');
    expect(text).toContain('No drift');
  });
});
