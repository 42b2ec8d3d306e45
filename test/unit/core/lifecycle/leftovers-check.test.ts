import { describe, expect, it } from 'vitest';
import { isCurvectlError } from '../../../../src/core/errors.js';
import { checkLeftovers } from '../../../../src/core/lifecycle/leftovers-check.js';
import type { Leftover, LeftoversPort } from '../../../../src/core/ports/leftovers.js';
import { ScriptedIoHost } from '../../../_helpers/fakes.js';

const LB: Leftover = { kind: 'load-balancer', id: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1', name: 'k8s-web', tag: 'elbv2.k8s.aws/cluster=cluster-b' };
const VOL: Leftover = { kind: 'volume', id: 'vol-0abc', tag: 'kubernetes.io/cluster/cluster-b=owned' };

/** A port whose find answers from a queue of lists (the last one repeats) and that records deletes. */
class FakeLeftovers implements LeftoversPort {
  readonly deleted: Leftover[][] = [];
  constructor(private readonly answers: Leftover[][]) {}
  async find(): Promise<readonly Leftover[]> {
    return this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
  }
  async delete(leftovers: readonly Leftover[]): Promise<void> {
    this.deleted.push([...leftovers]);
  }
}

async function caught(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    if (isCurvectlError(err)) return err;
    throw err;
  }
  throw new Error('expected a CurvectlError');
}

describe('checkLeftovers', () => {
  it('passes when nothing is tagged for the cluster, and deletes nothing', async () => {
    const port = new FakeLeftovers([[]]);
    expect(await checkLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b' })).toEqual([]);
    expect(port.deleted).toEqual([]);
  });

  it('refuses (exit 2) naming every leftover and what to do, deleting nothing', async () => {
    const port = new FakeLeftovers([[LB, VOL]]);
    const err = await caught(() => checkLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b' }));
    expect(err.code).toBe('REFUSED');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('cluster-b has 2 AWS resources tagged for it that Terraform does not manage');
    expect(err.message).toContain('load-balancer k8s-web (arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1)');
    expect(err.message).toContain('volume vol-0abc [kubernetes.io/cluster/cluster-b=owned]');
    expect(err.hint).toContain('--delete-leftovers');
    expect(port.deleted).toEqual([]);
  });

  it('with the flag asks by typed name, deletes them and checks again', async () => {
    const port = new FakeLeftovers([[LB, VOL], []]);
    const io = new ScriptedIoHost().answer('retire.leftovers.confirm', 'cluster-b');
    expect(await checkLeftovers({ leftovers: port, io }, { name: 'cluster-b', deleteLeftovers: true })).toEqual([LB, VOL]);
    expect(port.deleted).toEqual([[LB, VOL]]);
    expect(io.prompts[0]?.message).toContain('k8s-web');
  });

  it('a wrong typed name stops it with nothing deleted', async () => {
    const port = new FakeLeftovers([[LB]]);
    const io = new ScriptedIoHost().answer('retire.leftovers.confirm', 'cluster-x');
    const err = await caught(() => checkLeftovers({ leftovers: port, io }, { name: 'cluster-b', deleteLeftovers: true }));
    expect(err.code).toBe('STOPPED');
    expect(port.deleted).toEqual([]);
  });

  it('fails closed when something is still there after deleting (a controller made it again)', async () => {
    const port = new FakeLeftovers([[LB], [LB]]);
    const err = await caught(() => checkLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b', deleteLeftovers: true, confirmed: true }));
    expect(err.code).toBe('INCONSISTENT');
    expect(err.message).toContain('still there');
  });
});
