import { describe, expect, it } from 'vitest';
import { isCurvectlError } from '../../../../src/core/errors.js';
import { deleteLeftovers, findLeftovers, leftoversToDelete } from '../../../../src/core/lifecycle/leftovers-check.js';
import { FakeLeftovers, LEFTOVER_LB as LB, LEFTOVER_VOLUME as VOL } from '../../../_helpers/fake-leftovers.js';
import { ScriptedIoHost } from '../../../_helpers/fakes.js';

async function caught(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    if (isCurvectlError(err)) return err;
    throw err;
  }
  throw new Error('expected a CurvectlError');
}

describe('findLeftovers', () => {
  it('passes when nothing is tagged for the cluster', async () => {
    const port = new FakeLeftovers([[]]);
    expect(await findLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b' })).toEqual([]);
    expect(port.calls).toEqual(['find:cluster-b']);
  });

  it('refuses (exit 2) naming every leftover and what to do, deleting nothing', async () => {
    const port = new FakeLeftovers([[LB, VOL]]);
    const err = await caught(() => findLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b' }));
    expect(err.code).toBe('REFUSED');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('cluster-b has 2 AWS resources tagged for it that Terraform does not manage');
    expect(err.message).toContain('load-balancer k8s-web (arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1)');
    expect(err.message).toContain('volume vol-0abc [kubernetes.io/cluster/cluster-b=owned]');
    expect(err.hint).toContain('--delete-leftovers');
    expect(err.details).toEqual({ leftovers: [LB, VOL] });
    expect(port.deleted).toEqual([]);
  });

  it('with the flag returns them (to be confirmed), deleting nothing yet', async () => {
    const port = new FakeLeftovers([[LB, VOL]]);
    expect(await findLeftovers({ leftovers: port, io: new ScriptedIoHost() }, { name: 'cluster-b', deleteLeftovers: true })).toEqual([LB, VOL]);
    expect(port.deleted).toEqual([]);
    expect(leftoversToDelete('cluster-b', [LB, VOL])).toBe(
      'delete 2 AWS resources tagged for cluster-b that Terraform does not manage (load-balancer k8s-web (arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/k8s-web/1) [elbv2.k8s.aws/cluster=cluster-b]; volume vol-0abc [kubernetes.io/cluster/cluster-b=owned])',
    );
  });
});

describe('deleteLeftovers', () => {
  it('deletes them and looks again', async () => {
    const port = new FakeLeftovers([[]]);
    const io = new ScriptedIoHost();
    await deleteLeftovers({ leftovers: port, io }, 'cluster-b', [LB, VOL]);
    expect(port.calls).toEqual(['delete:2', 'find:cluster-b']);
    expect(io.codes()).toEqual(['retire.leftovers.deleting', 'retire.leftovers.deleting', 'retire.leftovers.deleted']);
  });

  it('does nothing when there is nothing to delete', async () => {
    const port = new FakeLeftovers([[LB]]);
    await deleteLeftovers({ leftovers: port, io: new ScriptedIoHost() }, 'cluster-b', []);
    expect(port.calls).toEqual([]);
  });

  it('fails closed when something is still there after deleting (a controller made it again)', async () => {
    const port = new FakeLeftovers([[LB]]);
    const err = await caught(() => deleteLeftovers({ leftovers: port, io: new ScriptedIoHost() }, 'cluster-b', [LB]));
    expect(err.code).toBe('INCONSISTENT');
    expect(err.message).toContain('still there');
  });
});
