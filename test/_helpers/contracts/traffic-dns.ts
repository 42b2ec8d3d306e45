/**
 * The TrafficDns contract (src/core/ports/traffic-dns.ts), run against FakeDns and against the
 * Route 53 adapter on the emulator.
 *
 * What the emulator cannot show (shared/design/emulator.md): moto applies a change batch record by
 * record and its DELETE does not check the weight, so the compare-and-swap refusing a stale read is
 * asserted only where the subject says it enforces it (`enforcesCompareAndSwap`). Real Route 53 does:
 * "If any change in a batch fails, the entire batch fails" and a DELETE must match the record's
 * current values exactly (Route 53 API Reference, ChangeResourceRecordSets); the adapter turns that
 * InvalidChangeBatch into INCONSISTENT (src/adapters/aws/route53.ts; unit test
 * test/unit/adapters/aws/route53.test.ts), which is what FakeDns throws.
 */
import { describe, expect, it } from 'vitest';
import type { TrafficDns, Weights } from '../../../src/core/ports.js';
import { rejection } from '../rejection.js';

export interface TrafficDnsSubject {
  readonly name: string;
  /** A fresh record name with one weighted CNAME per cluster (value: `<cluster>` + an ingress suffix, TTL 60). */
  fresh(weights: Weights): Promise<TrafficDns>;
  /** Changes one record's weight behind curvectl's back (a person in the console, Terraform). */
  setBehindTheBack(dns: TrafficDns, cluster: string, weight: number): Promise<void>;
  /** Whether a swap from a stale read is refused (real Route 53 and the fake; not moto). */
  readonly enforcesCompareAndSwap: boolean;
}

const byName = (records: readonly { setIdentifier: string; weight: number }[]) =>
  Object.fromEntries(records.map((r) => [r.setIdentifier, r.weight]));

export function trafficDnsContract(subject: TrafficDnsSubject): void {
  describe(`TrafficDns contract: ${subject.name}`, () => {
    it('reads every weighted record with its weight, value and TTL', async () => {
      const dns = await subject.fresh({ 'cluster-a': 100, 'cluster-b': 0 });
      const records = await dns.readRecords();
      expect(byName(records)).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
      for (const r of records) {
        expect(r.value).toContain(r.setIdentifier);
        expect(r.value.endsWith('.')).toBe(false);
        expect(r.ttl).toBe(60);
      }
    });

    it('swaps every weight in one change, which it can wait on, and keeps values and TTLs', async () => {
      const dns = await subject.fresh({ 'cluster-a': 100, 'cluster-b': 0 });
      const before = await dns.readRecords();
      const changeId = await dns.swapWeights(before, { 'cluster-a': 70, 'cluster-b': 30 });
      expect(typeof changeId).toBe('string');
      expect(changeId.length).toBeGreaterThan(0);
      await dns.waitInSync(changeId, { timeoutMs: 30_000 });
      const after = await dns.readRecords();
      expect(byName(after)).toEqual({ 'cluster-a': 70, 'cluster-b': 30 });
      const shape = (rs: typeof after) => rs.map((r) => `${r.setIdentifier} ${r.value} ${r.ttl}`).sort();
      expect(shape(after)).toEqual(shape(before));
      // And on from what was just read: each swap starts from the records as they are.
      await dns.waitInSync(await dns.swapWeights(after, { 'cluster-a': 0, 'cluster-b': 100 }), { timeoutMs: 30_000 });
      expect(byName(await dns.readRecords())).toEqual({ 'cluster-a': 0, 'cluster-b': 100 });
    });

    it('refuses a swap that does not name every record exactly once, or sets every weight to 0, and changes nothing', async () => {
      const dns = await subject.fresh({ 'cluster-a': 100, 'cluster-b': 0 });
      const records = await dns.readRecords();
      expect((await rejection(dns.swapWeights(records, { 'cluster-a': 50 }))).code).toBe('INTERNAL');
      expect((await rejection(dns.swapWeights(records, { 'cluster-a': 50, 'cluster-b': 50, 'cluster-c': 0 }))).code).toBe('INTERNAL');
      expect((await rejection(dns.swapWeights(records, { 'cluster-a': 0, 'cluster-b': 0 }))).code).toBe('INTERNAL');
      expect((await rejection(dns.swapWeights(records, { 'cluster-a': 256, 'cluster-b': 0 }))).code).toBe('INTERNAL');
      expect((await rejection(dns.swapWeights(records, { 'cluster-a': 50.5, 'cluster-b': 49.5 }))).code).toBe('INTERNAL');
      expect((await rejection(dns.swapWeights([], {}))).code).toBe('INTERNAL');
      expect(byName(await dns.readRecords())).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    });

    it.runIf(subject.enforcesCompareAndSwap)('refuses a swap from a stale read with INCONSISTENT and changes nothing', async () => {
      const dns = await subject.fresh({ 'cluster-a': 100, 'cluster-b': 0 });
      const stale = await dns.readRecords();
      await subject.setBehindTheBack(dns, 'cluster-b', 10);
      expect((await rejection(dns.swapWeights(stale, { 'cluster-a': 50, 'cluster-b': 50 }))).code).toBe('INCONSISTENT');
      expect(byName(await dns.readRecords())).toEqual({ 'cluster-a': 100, 'cluster-b': 10 });
    });

    it('an aborted signal rejects with an AbortError and changes nothing', async () => {
      const dns = await subject.fresh({ 'cluster-a': 100, 'cluster-b': 0 });
      const records = await dns.readRecords();
      const controller = new AbortController();
      controller.abort();
      await expect(dns.readRecords(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      await expect(dns.swapWeights(records, { 'cluster-a': 50, 'cluster-b': 50 }, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(byName(await dns.readRecords())).toEqual({ 'cluster-a': 100, 'cluster-b': 0 });
    });

    it('a record name with no weighted records reads as none', async () => {
      const dns = await subject.fresh({});
      expect(await dns.readRecords()).toEqual([]);
    });
  });
}
