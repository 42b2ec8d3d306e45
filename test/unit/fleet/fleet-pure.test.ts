/**
 * The client fleet's pure parts (scripts/fleet): Route 53's weighted choice, the clients' answer
 * cache, keep-alive pool ageing, the tally, the DNS answer logic and the metric data shape. No
 * sockets, no processes: the fleet's network side is proven in test/integration/traffic.
 */
import { describe, expect, it } from 'vitest';
import { chooseWeighted, seededRandom } from '../../../scripts/fleet/weighted-choice.js';
import { AnswerCache } from '../../../scripts/fleet/answer-cache.js';
import { freeConnectionTimeout } from '../../../scripts/fleet/pool-ageing.js';
import { classifyError, shareOf, Tally } from '../../../scripts/fleet/tally.js';
import { answerQuestion, ELB_A_RECORD_TTL } from '../../../scripts/fleet/dns-server.js';
import { metricData } from '../../../scripts/fleet/flow-metrics.js';
import { loadBalancerDimension, type ZoneSnapshot } from '../../../scripts/fleet/zone-view.js';

const draw = (weights: Record<string, number>, n: number, seed = 7) => {
  const records = Object.entries(weights).map(([id, weight]) => ({ id, weight }));
  const random = seededRandom(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const chosen = chooseWeighted(records, random)!;
    counts[chosen.id] = (counts[chosen.id] ?? 0) + 1;
  }
  return counts;
};

describe('weighted choice (Route 53 weighted routing)', () => {
  it('answers each record with probability weight / sum', () => {
    const n = 20_000;
    const counts = draw({ a: 75, b: 25 }, n);
    // Binomial sd at p=0.25, n=20000 is 0.31 %: 4 sd.
    expect(Math.abs((counts.b ?? 0) / n - 0.25)).toBeLessThan(0.0125);
    const three = draw({ a: 10, b: 30, c: 60 }, n, 11);
    expect(Math.abs((three.a ?? 0) / n - 0.1)).toBeLessThan(0.0085);
    expect(Math.abs((three.c ?? 0) / n - 0.6)).toBeLessThan(0.014);
  });

  it('never answers a record at weight 0 while another has weight', () => {
    expect(draw({ a: 0, b: 1, c: 0 }, 5000)).toEqual({ b: 5000 });
  });

  it('answers an all-zero group with equal probability, as Route 53 does', () => {
    const n = 9000;
    const counts = draw({ a: 0, b: 0, c: 0 }, n);
    for (const id of ['a', 'b', 'c']) expect(Math.abs((counts[id] ?? 0) / n - 1 / 3)).toBeLessThan(0.02);
  });

  it('has no answer for an empty group, and the top of the range still lands on a weighted record', () => {
    expect(chooseWeighted([], Math.random)).toBeUndefined();
    expect(chooseWeighted([{ weight: 1 }, { weight: 0 }], () => 0.9999999999999999)).toEqual({ weight: 1 });
  });

  it('replays from its seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });
});

describe('answer cache', () => {
  it('keeps an answer for its TTL when the client honours it', () => {
    const cache = new AnswerCache({ honoursTtl: true, holdMs: 30_000 });
    expect(cache.get(0)).toBeUndefined();
    cache.put('127.0.0.10', 5, 1000);
    expect(cache.get(5999)?.address).toBe('127.0.0.10');
    expect(cache.get(6000)).toBeUndefined();
  });

  it('keeps an answer for its hold when the client ignores the TTL', () => {
    const cache = new AnswerCache({ honoursTtl: false, holdMs: 30_000 });
    cache.put('127.0.0.11', 5, 1000);
    expect(cache.get(6000)?.address).toBe('127.0.0.11');
    expect(cache.get(30_999)?.address).toBe('127.0.0.11');
    expect(cache.get(31_000)).toBeUndefined();
  });

  it('replaces and forgets answers', () => {
    const cache = new AnswerCache({ honoursTtl: true, holdMs: 0 });
    cache.put('127.0.0.10', 5, 0);
    cache.put('127.0.0.12', 5, 100);
    expect(cache.get(200)).toMatchObject({ address: '127.0.0.12', resolvedAt: 100, expiresAt: 5100 });
    cache.clear();
    expect(cache.get(200)).toBeUndefined();
  });
});

describe('keep-alive pool ageing', () => {
  const limits = { idleMs: 4000, maxAgeMs: 10_000 };
  it('keeps a young connection for the idle timeout', () => {
    expect(freeConnectionTimeout(0, 1000, limits)).toBe(4000);
  });
  it('keeps an older one only until its maximum age', () => {
    expect(freeConnectionTimeout(0, 8000, limits)).toBe(2000);
  });
  it('closes a connection at or past its maximum age instead of pooling it', () => {
    expect(freeConnectionTimeout(0, 10_000, limits)).toBe('close');
    expect(freeConnectionTimeout(0, 12_000, limits)).toBe('close');
  });
  it('never asks for a zero timeout (which would mean none)', () => {
    expect(freeConnectionTimeout(0, 9999.5, limits)).toBe(1);
  });
});

describe('tally', () => {
  it('counts served and failed requests once each, and reads shares over a window', () => {
    const tally = new Tally();
    tally.record({ at: 1000, client: 0, honoursTtl: true, cluster: 'a' });
    tally.record({ at: 1500, client: 1, honoursTtl: true, cluster: 'b' });
    tally.record({ at: 2100, client: 1, honoursTtl: true, cluster: 'b' });
    tally.record({ at: 2200, client: 2, honoursTtl: false, cluster: 'a', failure: { reason: 'refused', detail: 'ECONNREFUSED' } });
    tally.record({ at: 3100, client: 0, honoursTtl: true, cluster: 'b' });
    expect(tally.totals()).toEqual({ requests: 5, failed: 1, served: { a: 1, b: 3 }, failures: { refused: 1 } });
    expect(tally.servedBetween(1000, 4000, 'ignoring')).toEqual({});
    expect(tally.servedBetween(1000, 2000)).toEqual({ a: 1, b: 1 });
    expect(tally.shareBetween(2000, 4000)).toEqual({ b: 1 });
    expect(tally.shareBetween(10_000, 11_000)).toEqual({});
    tally.record({ at: 3200, client: 2, honoursTtl: false, cluster: 'a' });
    expect(tally.servedBetween(3000, 4000, 'honouring')).toEqual({ b: 1 });
    expect(tally.servedBetween(3000, 4000, 'ignoring')).toEqual({ a: 1 });
    expect(tally.shareBetween(3000, 4000)).toEqual({ a: 0.5, b: 0.5 });
    expect(tally.failuresSince(2200).map((f) => f.client)).toEqual([2]);
    expect(tally.failuresSince(2201)).toEqual([]);
  });

  it('turns counts into shares', () => {
    expect(shareOf({ b: 1, a: 3 })).toEqual({ a: 0.75, b: 0.25 });
    expect(shareOf({})).toEqual({});
  });

  it('says why a request failed, the way a client sees it', () => {
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.10:80'), { code: 'ECONNREFUSED' })).reason).toBe('refused');
    expect(classifyError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).reason).toBe('reset');
    expect(classifyError(new Error('socket hang up')).reason).toBe('reset');
    expect(classifyError(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })).reason).toBe('timeout');
    expect(classifyError(Object.assign(new Error('queryA ECONNREFUSED'), { code: 'ECONNREFUSED', dns: true })).reason).toBe('dns');
    expect(classifyError(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })).reason).toBe('dns');
    expect(classifyError('weird')).toEqual({ reason: 'other', detail: 'weird' });
  });
});

describe('DNS answers', () => {
  const snapshot: ZoneSnapshot = {
    records: new Map([
      [
        'api.example.test',
        [
          { setIdentifier: 'cluster-a', weight: 0, ttl: 5, value: 'a-ingress-1.elb.eu-west-1.amazonaws.com' },
          { setIdentifier: 'cluster-b', weight: 100, ttl: 5, value: 'b-ingress-2.elb.eu-west-1.amazonaws.com' },
        ],
      ],
    ]),
    loadBalancers: [
      { arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/a-ingress/1', name: 'a-ingress', dnsName: 'a-ingress-1.elb.eu-west-1.amazonaws.com' },
      { arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/b-ingress/2', name: 'b-ingress', dnsName: 'b-ingress-2.elb.eu-west-1.amazonaws.com' },
    ],
    at: 0,
  };
  const addresses: Record<string, string> = { 'a-ingress-1.elb.eu-west-1.amazonaws.com': '127.0.0.10', 'b-ingress-2.elb.eu-west-1.amazonaws.com': '127.0.0.11' };
  const options = { view: () => snapshot, addressOf: (n: string) => addresses[n], zone: 'example.test', random: seededRandom(1) };

  it('answers the weighted name with one CNAME at the record TTL and the load balancer address at ELB TTL', () => {
    expect(answerQuestion({ type: 'A', name: 'API.example.test.' }, options)).toEqual({
      rcode: 0,
      answers: [
        { type: 'CNAME', name: 'API.example.test.', ttl: 5, class: 'IN', data: 'b-ingress-2.elb.eu-west-1.amazonaws.com' },
        { type: 'A', name: 'b-ingress-2.elb.eu-west-1.amazonaws.com', ttl: ELB_A_RECORD_TTL, class: 'IN', data: '127.0.0.11' },
      ],
    });
  });

  it('answers a load balancer name directly, and a CNAME query without following it', () => {
    expect(answerQuestion({ type: 'A', name: 'a-ingress-1.elb.eu-west-1.amazonaws.com' }, options).answers).toEqual([
      { type: 'A', name: 'a-ingress-1.elb.eu-west-1.amazonaws.com', ttl: 60, class: 'IN', data: '127.0.0.10' },
    ]);
    expect(answerQuestion({ type: 'CNAME', name: 'api.example.test' }, options).answers.map((a) => a.type)).toEqual(['CNAME']);
  });

  it('says NXDOMAIN for a name that does not exist (a deleted load balancer), REFUSED outside its zones', () => {
    expect(answerQuestion({ type: 'A', name: 'gone-3.elb.eu-west-1.amazonaws.com' }, options)).toEqual({ answers: [], rcode: 3 });
    expect(answerQuestion({ type: 'A', name: 'other.example.test' }, options)).toEqual({ answers: [], rcode: 3 });
    expect(answerQuestion({ type: 'A', name: 'example.org' }, options)).toEqual({ answers: [], rcode: 5 });
    const withoutB = { ...options, addressOf: (n: string) => (n.startsWith('b-') ? undefined : addresses[n]) };
    const answer = answerQuestion({ type: 'A', name: 'api.example.test' }, withoutB);
    expect(answer.rcode).toBe(3);
    expect(answer.answers.map((a) => a.type)).toEqual(['CNAME']);
  });
});

describe('flow metrics', () => {
  it('uses the names, units and dimension AWS uses for a Network Load Balancer', () => {
    const dimension = loadBalancerDimension('arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/cluster-a-ingress/50dc6c495c0c9188');
    expect(dimension).toBe('net/cluster-a-ingress/50dc6c495c0c9188');
    expect(() => loadBalancerDimension('arn:aws:s3:::bucket')).toThrow(/not a load balancer ARN/);
    const at = new Date(0);
    const data = metricData({ newFlows: 3, peakActiveFlows: 5, activeFlows: 2, processedBytes: 900, requests: 40, errors5xx: 4 }, dimension, 'cluster-a', at);
    expect(data.nlb.map((d) => [d.MetricName, d.Unit, d.Value])).toEqual([
      ['NewFlowCount', 'Count', 3],
      ['ActiveFlowCount', 'Count', 5],
      ['ProcessedBytes', 'Bytes', 900],
    ]);
    expect(data.nlb.every((d) => d.Dimensions?.length === 1 && d.Dimensions[0]?.Name === 'LoadBalancer' && d.Dimensions[0].Value === dimension && d.Timestamp === at)).toBe(true);
    expect(data.ingress.map((d) => [d.MetricName, d.Value, d.Dimensions?.[0]?.Value])).toEqual([
      ['RequestCount', 40, 'cluster-a'],
      ['HTTPCode_5XX_Count', 4, 'cluster-a'],
    ]);
  });
});
