/**
 * The FlowMetricsPort contract (src/core/ports/flow-metrics.ts), what the observed share, the bakes
 * and retire's flow-verified drain rely on: every network load balancer with its ARN, whose final
 * portion is its CloudWatch LoadBalancer dimension; for every dimension asked for, NewFlowCount and
 * ProcessedBytes summed and ActiveFlowCount's maximum over the window, each with the data points it
 * rests on, where 0 data points is "no data" (Elastic Load Balancing publishes nothing for a period
 * without traffic), never the same as published zeros. Run against FakeFlowMetrics
 * (test/unit/contracts) and FlowMetricsAdapter on the emulator, fed with PutMetricData as ELB would
 * (test/integration/adapters/contracts.test.ts).
 *
 * Each check is exported on its own so a negative control can run one against a broken double
 * (test/unit/contracts/negative-controls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FlowMetricsPort, MetricWindow } from '../../../src/core/ports/flow-metrics.js';

/** One data point of each of the three metrics at `at`, as ELB publishes them. */
export interface FlowPoint {
  readonly at: Date;
  readonly newFlows: number;
  readonly activeFlows: number;
  readonly processedBytes: number;
}

export interface SeededLoadBalancer {
  readonly name: string;
  readonly dnsName: string;
  /** Its CloudWatch LoadBalancer dimension, "net/<name>/<id>", as the seeding made it. */
  readonly dimension: string;
}

export interface FlowMetricsSubject {
  readonly name: string;
  /**
   * Whether a network load balancer's ARN reads loadbalancer/net/<name>/<id>, as AWS makes it; moto
   * makes every ARN loadbalancer/app/... whatever the type. The dimension is the ARN's final portion either way.
   */
  readonly networkArns: boolean;
  /**
   * A port on which a network load balancer exists for each entry, with these data points
   * published for it. Names are unique per call (the emulator is shared by the file's tests).
   */
  withLoadBalancers(lbs: readonly { name: string; points: readonly FlowPoint[] }[]): Promise<{ flows: FlowMetricsPort; loadBalancers: readonly SeededLoadBalancer[] }>;
}

const MINUTE = 60_000;

/** A five-minute window ending on a whole minute ten minutes ago (CloudWatch takes data points up to two weeks old). */
function pastWindow(): MetricWindow {
  const end = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  return { start: new Date(end - 5 * MINUTE), end: new Date(end) };
}

const at = (window: MetricWindow, offsetMs: number) => new Date(window.start.getTime() + offsetMs);

export const flowMetricsChecks = {
  lists: {
    title: 'lists every network load balancer with its ARN, DNS name and type; the end of the ARN is its dimension',
    async check(subject: FlowMetricsSubject): Promise<void> {
      const { flows, loadBalancers } = await subject.withLoadBalancers([
        { name: 'lists-a', points: [] },
        { name: 'lists-b', points: [] },
      ]);
      const listed = await flows.listLoadBalancers();
      for (const lb of loadBalancers) {
        const found = listed.find((l) => l.dnsName === lb.dnsName);
        expect(found, lb.name).toMatchObject({ type: 'network' });
        expect(found?.arn).toMatch(/^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\//);
        // What the core derives the dimension from (README: "the final portion of its ARN").
        expect(found?.arn.split(':loadbalancer/')[1]).toBe(lb.dimension);
        expect(lb.dimension).toMatch(subject.networkArns ? /^net\/[^/]+\/[^/]+$/ : /^(net|app)\/[^/]+\/[^/]+$/);
      }
    },
  },
  statistics: {
    title: 'sums NewFlowCount and ProcessedBytes and takes the maximum of ActiveFlowCount over the window, with the data points behind each',
    async check(subject: FlowMetricsSubject): Promise<void> {
      const window = pastWindow();
      const { flows, loadBalancers } = await subject.withLoadBalancers([
        {
          name: 'stats',
          points: [
            { at: at(window, 1 * MINUTE), newFlows: 10, activeFlows: 3, processedBytes: 1000 },
            { at: at(window, 3 * MINUTE), newFlows: 5, activeFlows: 7, processedBytes: 500 },
          ],
        },
      ]);
      const dimension = loadBalancers[0]!.dimension;
      const stats = (await flows.flowStats([dimension], window)).get(dimension);
      expect(stats).toMatchObject({ newFlows: { value: 15 }, activeFlows: { value: 7 }, processedBytes: { value: 1500 } });
      for (const s of [stats!.newFlows, stats!.activeFlows, stats!.processedBytes]) expect(s.datapoints).toBeGreaterThan(0);
    },
  },
  noData: {
    title: 'every dimension asked for is in the result; without data points it is 0 with datapoints 0 (no data), unlike published zeros',
    async check(subject: FlowMetricsSubject): Promise<void> {
      const window = pastWindow();
      const { flows, loadBalancers } = await subject.withLoadBalancers([
        { name: 'idle', points: [{ at: at(window, 2 * MINUTE), newFlows: 0, activeFlows: 0, processedBytes: 0 }] },
        { name: 'silent', points: [] },
      ]);
      const [idle, silent] = loadBalancers.map((lb) => lb.dimension) as [string, string];
      const unknown = 'net/contract-nobody/0000000000000000';
      const result = await flows.flowStats([idle, silent, unknown, idle], window);
      expect([...result.keys()].sort()).toEqual([idle, silent, unknown].sort());
      const none = { value: 0, datapoints: 0 };
      expect(result.get(silent)).toEqual({ newFlows: none, activeFlows: none, processedBytes: none });
      expect(result.get(unknown)).toEqual({ newFlows: none, activeFlows: none, processedBytes: none });
      const zeros = result.get(idle)!;
      for (const s of [zeros.newFlows, zeros.activeFlows, zeros.processedBytes]) {
        expect(s.value).toBe(0);
        expect(s.datapoints).toBeGreaterThan(0);
      }
      expect(await flows.flowStats([], window)).toEqual(new Map());
    },
  },
  window: {
    title: 'counts only the data points inside the window',
    async check(subject: FlowMetricsSubject): Promise<void> {
      const window = pastWindow();
      const { flows, loadBalancers } = await subject.withLoadBalancers([
        {
          name: 'window',
          points: [
            { at: at(window, -3 * MINUTE), newFlows: 100, activeFlows: 90, processedBytes: 100_000 },
            { at: at(window, 2 * MINUTE), newFlows: 4, activeFlows: 2, processedBytes: 40 },
            { at: at(window, 8 * MINUTE), newFlows: 200, activeFlows: 80, processedBytes: 200_000 },
          ],
        },
      ]);
      const dimension = loadBalancers[0]!.dimension;
      expect((await flows.flowStats([dimension], window)).get(dimension)).toMatchObject({
        newFlows: { value: 4 },
        activeFlows: { value: 2 },
        processedBytes: { value: 40 },
      });
      // A window with nothing in it, right after the points: no data, not zero traffic.
      const later = { start: at(window, 12 * MINUTE), end: at(window, 17 * MINUTE) };
      expect((await flows.flowStats([dimension], later)).get(dimension)?.newFlows).toEqual({ value: 0, datapoints: 0 });
    },
  },
  aborted: {
    title: 'an aborted signal rejects with an AbortError',
    async check(subject: FlowMetricsSubject): Promise<void> {
      const { flows, loadBalancers } = await subject.withLoadBalancers([{ name: 'abort', points: [] }]);
      const controller = new AbortController();
      controller.abort();
      await expect(flows.listLoadBalancers(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      await expect(flows.flowStats([loadBalancers[0]!.dimension], pastWindow(), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    },
  },
} as const;

export function flowMetricsContract(subject: FlowMetricsSubject): void {
  describe(`FlowMetricsPort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(flowMetricsChecks)) it(title, async () => check(subject));
  });
}
