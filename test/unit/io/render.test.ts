import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { bar, lockLiveness, padColumns, renderStatus, renderView, renderWeights, table } from '../../../src/io/render.js';
import type { LockStatus } from '../../../src/core/ports.js';
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
  it('aligns by terminal columns, not string length: wide, combining and coloured cells', () => {
    const red = (t: string) => `\u001b[31m${t}\u001b[39m`;
    // 日本 is 2 characters and 4 columns; "e" + U+0301 is 2 characters and 1 column; a colour code takes none.
    const lines = table(['NAME', 'X'], [['日本', 'a'], ['e\u0301', 'b'], [red('ok'), 'c']]);
    const stripped = lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''));
    expect(stripped).toEqual(['NAME  X', '日本  a', 'e\u0301     b', 'ok    c']);
    // The negative control: padding by .length leaves the wide cell two columns wider than its header.
    expect(stringWidth('日本'.padEnd('NAME'.length))).toBe(stringWidth('NAME') + 2);
  });
  it('padColumns pads to columns and never truncates', () => {
    expect(padColumns('日本', 6)).toBe('日本  ');
    expect(padColumns('abc', 2)).toBe('abc');
  });
  it('lines up a weight bar whose cluster names differ in width', () => {
    const lines = renderWeights({ 日本: 50, abcd: 50 });
    const barColumn = (line: string) => stringWidth(line.slice(0, line.indexOf('█')));
    expect(lines).toHaveLength(2);
    expect(barColumn(lines[0]!)).toBe(barColumn(lines[1]!));
  });
});

describe('status rendering', () => {
  const report: StatusReport = {
    record: 'api.example.test',
    ttl: 60,
    clusters: [
      { name: 'cluster-a', weight: { desired: 90, live: 80 }, ingress: 'a.elb', eks: { status: 'ACTIVE', version: '1.35' } },
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
    expect(text).toMatch(/cluster-a\s+█+░+\s+80\s+90\s+ACTIVE 1\.35\s+a\.elb/);
    expect(text).toMatch(/cluster-b\s+█+░+\s+20\s+10\s+not found\s+b\.elb/);
    expect(text).toContain('Drift: live weights differ from the desired weights');
    expect(text).toContain('cluster-a: desired 90, live 80');
  });
  it('says there is no drift when there is none', () => {
    const text = renderStatus({ ...report, drift: [] }).join('\n');
    expect(text).toContain('No drift');
  });
});

describe('lock line', () => {
  const now = new Date('2026-11-26T10:00:00.000Z');
  const local: LockStatus = {
    scope: 'traffic',
    owner: 'alice',
    host: 'laptop',
    pid: 42,
    operation: 'shift --to cluster-b',
    startedAt: '2026-11-26T09:58:00.000Z',
    stale: false,
  };
  const head = 'traffic locked by alice@laptop (pid 42) running "shift --to cluster-b" since 2026-11-26T09:58:00.000Z';

  it('a local lock: stale when its process is gone, nothing more otherwise', () => {
    expect(renderView({ type: 'lock', lock: local }, undefined, now)).toEqual([head]);
    expect(renderView({ type: 'lock', lock: { ...local, stale: true } }, undefined, now)).toEqual([`${head} (stale: its process is gone)`]);
  });

  it('a leased lock: how long the lease has left, or when it expired', () => {
    const live = { ...local, expiresAt: '2026-11-26T10:00:45.000Z' };
    expect(renderView({ type: 'lock', lock: live }, undefined, now)).toEqual([`${head} (lease expires in 45s)`]);
    expect(lockLiveness({ ...live, expiresAt: '2026-11-26T10:01:30.500Z' }, undefined, now)).toBe(' (lease expires in 1m31s)');
    // Read a moment before it ran out, rendered a moment after: never a negative time.
    expect(lockLiveness({ ...live, expiresAt: '2026-11-26T09:59:59.000Z' }, undefined, now)).toBe(' (lease expires in 0s)');
    const expired = { ...live, expiresAt: '2026-11-26T09:59:40.000Z', stale: true };
    expect(renderView({ type: 'lock', lock: expired }, undefined, now)).toEqual([`${head} (stale: its lease expired at 2026-11-26T09:59:40.000Z)`]);
  });

  it('status shows the lease of the lock it found', () => {
    const report: StatusReport = {
      record: 'api.example.test',
      ttl: 60,
      clusters: [],
      drift: [],
      lock: { ...local, expiresAt: '2026-11-26T10:00:20.000Z' },
      operation: null,
    };
    expect(renderStatus(report, undefined, now)).toContain(`${head} (lease expires in 20s)`);
  });
});

describe('status rendering with the observed share', () => {
  it('shows the observed share next to the weights and says why one is missing', () => {
    const window = { start: '2026-12-01T11:55:00.000Z', end: '2026-12-01T12:00:00.000Z', seconds: 300 };
    const report: StatusReport = {
      record: 'api.example.test',
      ttl: 60,
      clusters: [
        {
          name: 'cluster-a',
          weight: { desired: 90, live: 90 },
          ingress: 'a.elb',
          eks: { status: 'ACTIVE', version: '1.35' },
          observed: { share: 87.5, flows: { new: 12, active: 3 }, bytes: 700, window, loadBalancer: 'net/a/1' },
          observedReason: null,
        },
        { name: 'cluster-b', weight: { desired: 10, live: 10 }, ingress: 'b.elb', eks: null, observed: null, observedReason: 'CloudWatch has no data for net/b/1' },
      ],
      drift: [],
      lock: null,
      operation: null,
    };
    const text = renderStatus(report).join('\n');
    expect(text).toMatch(/CLUSTER\s+LIVE WEIGHT\s+DESIRED\s+OBSERVED\s+EKS\s+INGRESS/);
    expect(text).toMatch(/cluster-a\s+█+░+\s+90\s+90\s+87\.5% \(12 new, 3 active flows\)\s+ACTIVE 1\.35\s+a\.elb/);
    expect(text).toMatch(/cluster-b\s+█+░+\s+10\s+10\s+-\s+not found\s+b\.elb/);
    expect(text).toContain('in the last 5m (CloudWatch AWS/NetworkELB)');
    expect(text).toContain('cluster-b: nothing observed: CloudWatch has no data for net/b/1.');
  });
});
