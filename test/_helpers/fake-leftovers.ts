/** A LeftoversPort whose find answers from a queue of lists (the last one repeats) and that records every call. */
import type { Leftover, LeftoversPort } from '../../src/core/ports/leftovers.js';

export const LEFTOVER_LB: Leftover = {
  kind: 'load-balancer',
  id: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1',
  name: 'k8s-web',
  tag: 'elbv2.k8s.aws/cluster=cluster-b',
};
export const LEFTOVER_VOLUME: Leftover = { kind: 'volume', id: 'vol-0abc', tag: 'kubernetes.io/cluster/cluster-b=owned' };

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
