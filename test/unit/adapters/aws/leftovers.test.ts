import * as Ec2 from '@aws-sdk/client-ec2';
import { DeleteSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import * as Elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LeftoversAdapter, type LeftoversAdapterOptions } from '../../../../src/adapters/aws/leftovers.js';
import type { Leftover } from '../../../../src/core/ports/leftovers.js';
import { rejection } from '../../../_helpers/rejection.js';

const ec2Mock = mockClient(EC2Client);
afterEach(() => ec2Mock.reset());

const group: Leftover = { kind: 'security-group', id: 'sg-0123', tag: 'elbv2.k8s.aws/cluster=b' };

function adapter(options: LeftoversAdapterOptions) {
  const ec2 = new EC2Client({ region: 'eu-west-1' });
  const elbv2 = new ElasticLoadBalancingV2Client({ region: 'eu-west-1' });
  return new LeftoversAdapter(async () => ({ sdk: Ec2, client: ec2 }), async () => ({ sdk: Elbv2, client: elbv2 }), options);
}

const awsError = (name: string) => Object.assign(new Error(`${name}: sg-0123 is busy`), { name, $metadata: { httpStatusCode: 400 } });

describe('LeftoversAdapter: deleting a security group', () => {
  it('retries while AWS still says DependencyViolation, then deletes it', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejectsOnce(awsError('DependencyViolation')).resolves({});
    await adapter({ retryMs: 0 }).delete([group]);
    expect(ec2Mock.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(2);
  });

  it('maps another error into the error family at once, naming the action', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(awsError('InvalidGroup.InUse'));
    const err = await rejection(adapter({ retryMs: 0 }).delete([group]));
    expect(err.code).toBe('AWS');
    expect(err.message).toBe('ec2:DeleteSecurityGroup failed: InvalidGroup.InUse: InvalidGroup.InUse: sg-0123 is busy');
    expect(ec2Mock.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(1);
  });

  it('maps DependencyViolation too once the time for retries is over', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(awsError('DependencyViolation'));
    const err = await rejection(adapter({ dependencyTimeoutMs: 0, retryMs: 0 }).delete([group]));
    expect(err.code).toBe('AWS');
    expect(err.details).toMatchObject({ action: 'ec2:DeleteSecurityGroup', awsError: 'DependencyViolation' });
  });
});
