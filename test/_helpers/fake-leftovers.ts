/**
 * LeftoversPort fakes. FakeLeftovers answers find from a script, for the core's tests of what it
 * does with an answer (including one the port could not give, such as a resource still there after
 * its delete: a controller made it again). TaggedLeftovers models the account and keeps the port's
 * contract.
 */
import type { Leftover, LeftoversPort } from '../../src/core/ports/leftovers.js';
import { throwIfAborted } from './fake-waits.js';

export const LEFTOVER_LB: Leftover = {
  kind: 'load-balancer',
  id: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1',
  name: 'k8s-web',
  tag: 'elbv2.k8s.aws/cluster=cluster-b',
};
export const LEFTOVER_VOLUME: Leftover = { kind: 'volume', id: 'vol-0abc', tag: 'kubernetes.io/cluster/cluster-b=owned' };

/** Finds answer from a queue of lists (the last one repeats); every call is recorded. */
export class FakeLeftovers implements LeftoversPort {
  readonly deleted: Leftover[][] = [];
  /** Every call in order: "find:<cluster>" or "delete:<n>". */
  readonly calls: string[] = [];
  constructor(private readonly answers: Leftover[][]) {}
  async find(cluster: string): Promise<readonly Leftover[]> {
    this.calls.push(`find:${cluster}`);
    return this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
  }
  async delete(leftovers: readonly Leftover[]): Promise<void> {
    this.calls.push(`delete:${leftovers.length}`);
    this.deleted.push([...leftovers]);
  }
}

/** A resource in TaggedLeftovers' account: its kind, id, name and tags, and what it depends on. */
export interface TaggedResource {
  readonly kind: Leftover['kind'];
  readonly id: string;
  /** A load balancer's or target group's name; EC2 resources take theirs from the Name tag, as AWS shows it. */
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** A target group: the load balancer whose listener forwards to it. */
  readonly forwardedBy?: string;
  /** A network interface: the security group it uses. */
  readonly securityGroup?: string;
  /** A network interface attached to an instance. */
  readonly attached?: boolean;
}

/** Tags that mark a resource as the cluster stack's (curvectl/cluster) or as EKS's, deleted with the cluster. */
const MANAGED_ELSEWHERE = ['curvectl/cluster', 'aws:eks:cluster-name'];

/**
 * A LeftoversPort over a model of the account instead of a script: find reads the tags as
 * LeftoversAdapter does, delete removes what it is given and refuses, as AWS does, to delete a
 * target group a listener of a live load balancer forwards to (ResourceInUse) or a security group
 * a live interface uses (DependencyViolation); so it deletes in LeftoversAdapter's order. It keeps
 * the LeftoversPort contract (test/_helpers/contracts/leftovers.ts).
 */
export class TaggedLeftovers implements LeftoversPort {
  readonly resources = new Map<string, TaggedResource>();
  readonly calls: string[] = [];

  constructor(resources: readonly TaggedResource[] = []) {
    for (const r of resources) this.resources.set(r.id, r);
  }

  async find(cluster: string, signal?: AbortSignal): Promise<readonly Leftover[]> {
    throwIfAborted(signal);
    this.calls.push(`find:${cluster}`);
    const out: Leftover[] = [];
    for (const r of this.resources.values()) {
      if (Object.keys(r.tags).some((k) => MANAGED_ELSEWHERE.includes(k))) continue;
      if (r.kind === 'network-interface' && r.attached) continue;
      const legacy = `kubernetes.io/cluster/${cluster}`;
      const tag = legacy in r.tags ? `${legacy}=${r.tags[legacy]}` : r.tags['elbv2.k8s.aws/cluster'] === cluster ? `elbv2.k8s.aws/cluster=${cluster}` : undefined;
      if (!tag) continue;
      const name = r.kind === 'load-balancer' || r.kind === 'target-group' ? r.name : r.tags.Name;
      out.push({ kind: r.kind, id: r.id, ...(name ? { name } : {}), tag });
    }
    return out;
  }

  async delete(leftovers: readonly Leftover[], signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.calls.push(`delete:${leftovers.length}`);
    const order: Leftover['kind'][] = ['load-balancer', 'target-group', 'volume', 'network-interface', 'security-group'];
    for (const kind of order) {
      for (const l of leftovers.filter((x) => x.kind === kind)) {
        const forwarder = this.resources.get(l.id)?.forwardedBy;
        if (l.kind === 'target-group' && forwarder !== undefined && this.resources.has(forwarder)) {
          throw Object.assign(new Error(`ResourceInUse: target group ${l.id} is in use by a listener`), { name: 'ResourceInUse' });
        }
        if (l.kind === 'security-group' && [...this.resources.values()].some((r) => r.securityGroup === l.id)) {
          throw Object.assign(new Error(`DependencyViolation: ${l.id} has a dependent object`), { name: 'DependencyViolation' });
        }
        this.resources.delete(l.id);
      }
    }
  }
}
