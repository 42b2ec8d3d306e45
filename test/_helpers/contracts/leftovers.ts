/**
 * The LeftoversPort contract (src/core/ports/leftovers.ts), what retire's teardown check relies on:
 * find names what is tagged kubernetes.io/cluster/<cluster> (any value) or
 * elbv2.k8s.aws/cluster=<cluster>, with the tag that ties it, and nothing the cluster stack manages
 * (curvectl/cluster), nothing EKS deletes with the cluster (aws:eks:cluster-name: its cluster
 * security group), nothing of another cluster; delete removes exactly what it is given, whatever
 * depends on what (a target group a load balancer's listener forwards to, a security group an
 * interface uses), so that a find after it comes back empty. A network interface attached to an
 * instance is no leftover: it goes with its instance. Run against TaggedLeftovers
 * (test/unit/contracts) and LeftoversAdapter on the emulator (test/integration/adapters/contracts.test.ts).
 *
 * Not here: an interface managed by another service (RequesterManaged: only AWS makes those).
 *
 * Each check is exported on its own so a negative control can run one against a broken double
 * (test/unit/contracts/negative-controls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Leftover, LeftoverKind, LeftoversPort } from '../../../src/core/ports/leftovers.js';

/** A resource to make, under `key`; load balancers and target groups are named `name`, EC2 resources get it as their Name tag. */
export interface SeedResource {
  readonly key: string;
  readonly kind: LeftoverKind;
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** A target group: the load balancer (by key) whose listener forwards to it. */
  readonly forwardedBy?: string;
  /** A network interface: the security group (by key) it uses. */
  readonly securityGroup?: string;
  /** A network interface: attached to an instance (made for it). */
  readonly attached?: boolean;
}

export interface LeftoversWorld {
  readonly leftovers: LeftoversPort;
  /** The id AWS knows each made resource by (ARN or EC2 id), by key. */
  readonly ids: Readonly<Record<string, string>>;
  /** Whether the resource with this id still exists. */
  exists(kind: LeftoverKind, id: string): Promise<boolean>;
}

export interface LeftoversSubject {
  readonly name: string;
  /** A port on which these resources exist (with what they need: a VPC, subnets, a listener). */
  withResources(resources: readonly SeedResource[]): Promise<LeftoversWorld>;
}

const byId = (list: readonly Leftover[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

/** What a controller or a driver leaves for `cluster`, one of each kind, tied by both kinds of tag. */
function leftBehind(cluster: string): SeedResource[] {
  const lbc = { 'elbv2.k8s.aws/cluster': cluster };
  const legacy = { [`kubernetes.io/cluster/${cluster}`]: 'owned' };
  return [
    { key: 'lb', kind: 'load-balancer', name: `${cluster}-web`, tags: { ...lbc, 'service.k8s.aws/stack': 'apps/web' } },
    { key: 'tg', kind: 'target-group', name: `${cluster}-web-tg`, tags: lbc, forwardedBy: 'lb' },
    { key: 'sg', kind: 'security-group', name: `${cluster}-web-sg`, tags: lbc },
    { key: 'volume', kind: 'volume', tags: { ...legacy, 'kubernetes.io/created-for/pvc/name': 'data-db-0' } },
    { key: 'eni', kind: 'network-interface', tags: legacy, securityGroup: 'sg' },
  ];
}

export const leftoversChecks = {
  finds: {
    title: 'finds what is tagged for the cluster either way, with its id, its name and the tag that ties it',
    async check(subject: LeftoversSubject): Promise<void> {
      const cluster = 'contract-finds';
      const w = await subject.withResources(leftBehind(cluster));
      const lbc = `elbv2.k8s.aws/cluster=${cluster}`;
      const legacy = `kubernetes.io/cluster/${cluster}=owned`;
      expect(byId(await w.leftovers.find(cluster))).toEqual(
        byId([
          { kind: 'load-balancer', id: w.ids.lb!, name: `${cluster}-web`, tag: lbc },
          { kind: 'target-group', id: w.ids.tg!, name: `${cluster}-web-tg`, tag: lbc },
          { kind: 'security-group', id: w.ids.sg!, name: `${cluster}-web-sg`, tag: lbc },
          { kind: 'volume', id: w.ids.volume!, tag: legacy },
          { kind: 'network-interface', id: w.ids.eni!, tag: legacy },
        ]),
      );
    },
  },
  excludes: {
    title: "leaves out what the cluster stack manages, what EKS deletes with the cluster, and other clusters' resources",
    async check(subject: LeftoversSubject): Promise<void> {
      const cluster = 'contract-excl';
      const w = await subject.withResources([
        { key: 'leftover', kind: 'volume', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned' } },
        // The cluster stack's own (it is destroyed with the stack).
        { key: 'stack-sg', kind: 'security-group', tags: { [`kubernetes.io/cluster/${cluster}`]: 'shared', 'curvectl/cluster': cluster } },
        { key: 'stack-lb', kind: 'load-balancer', name: `${cluster}-ingress`, tags: { 'elbv2.k8s.aws/cluster': cluster, 'curvectl/cluster': cluster } },
        // EKS's cluster security group, deleted with the cluster.
        { key: 'eks-sg', kind: 'security-group', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned', 'aws:eks:cluster-name': cluster } },
        // Other clusters, one whose name starts with this one's.
        { key: 'other-volume', kind: 'volume', tags: { [`kubernetes.io/cluster/${cluster}-2`]: 'owned' } },
        { key: 'other-lb', kind: 'load-balancer', name: `${cluster}-other`, tags: { 'elbv2.k8s.aws/cluster': `${cluster}-2` } },
        { key: 'other-eni', kind: 'network-interface', tags: { 'elbv2.k8s.aws/cluster': 'contract-other' } },
        // In use by an instance: it goes with the instance.
        { key: 'attached-eni', kind: 'network-interface', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned' }, attached: true },
      ]);
      expect(await w.leftovers.find(cluster)).toEqual([{ kind: 'volume', id: w.ids.leftover!, tag: `kubernetes.io/cluster/${cluster}=owned` }]);
      expect(await w.leftovers.find('contract-nothing-here')).toEqual([]);
    },
  },
  deletes: {
    title: 'delete removes exactly what it is given, in an order their dependencies allow; a find after it is empty',
    async check(subject: LeftoversSubject): Promise<void> {
      const cluster = 'contract-delete';
      const w = await subject.withResources([
        ...leftBehind(cluster),
        { key: 'keep', kind: 'volume', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned', 'curvectl/cluster': cluster } },
      ]);
      const found = await w.leftovers.find(cluster);
      expect(found).toHaveLength(5);
      await w.leftovers.delete(found);
      expect(await w.leftovers.find(cluster)).toEqual([]);
      for (const l of found) expect(await w.exists(l.kind, l.id), `${l.kind} ${l.id}`).toBe(false);
      expect(await w.exists('volume', w.ids.keep!)).toBe(true);
      // Nothing left to delete: nothing happens.
      await w.leftovers.delete([]);
    },
  },
  aborted: {
    title: 'an aborted signal rejects with an AbortError and deletes nothing',
    async check(subject: LeftoversSubject): Promise<void> {
      const cluster = 'contract-abort';
      const w = await subject.withResources([{ key: 'volume', kind: 'volume', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned' } }]);
      const found = await w.leftovers.find(cluster);
      const controller = new AbortController();
      controller.abort();
      await expect(w.leftovers.find(cluster, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      await expect(w.leftovers.delete(found, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(await w.exists('volume', w.ids.volume!)).toBe(true);
    },
  },
} as const;

export function leftoversContract(subject: LeftoversSubject): void {
  describe(`LeftoversPort contract: ${subject.name}`, () => {
    for (const { title, check } of Object.values(leftoversChecks)) it(title, async () => check(subject));
  });
}
