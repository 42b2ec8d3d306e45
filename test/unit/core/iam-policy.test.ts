import { describe, expect, it } from 'vitest';
import { actionsFor, curvectlPolicy, LEFTOVER_DELETE_SID, terraformPolicy } from '../../../src/core/iam-policy.js';

const scope = { partition: 'aws', region: 'eu-west-1', account: '123456789012', zoneId: 'Z123', clusters: ['cluster-a', 'cluster-b'] };

describe('iam policies', () => {
  it('scope Route 53 to the zone and EKS to the clusters, with no DynamoDB or S3 for local state', () => {
    const doc = curvectlPolicy('operator', scope);
    const resourceOf = (a: string) => doc.Statement.find((s) => s.Action.includes(a))?.Resource;
    expect(resourceOf('route53:ChangeResourceRecordSets')).toBe('arn:aws:route53:::hostedzone/Z123');
    expect(resourceOf('eks:DescribeCluster')).toEqual(['arn:aws:eks:eu-west-1:123456789012:cluster/cluster-a', 'arn:aws:eks:eu-west-1:123456789012:cluster/cluster-b']);
    expect(JSON.stringify(doc)).not.toMatch(/dynamodb|s3:/);
    expect(doc.Statement.every((s) => s.Effect === 'Allow' && s.Action.length > 0)).toBe(true);
  });

  it('add the table and the state bucket for a team, each scoped to its ARN', () => {
    const doc = curvectlPolicy('ci', { ...scope, table: 'curvectl', stateBucket: 'acme-state' });
    const resourceOf = (a: string) => doc.Statement.find((s) => s.Action.includes(a))?.Resource;
    expect(resourceOf('dynamodb:ConditionCheckItem')).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/curvectl');
    expect(resourceOf('s3:ListBucket')).toBe('arn:aws:s3:::acme-state');
    expect(JSON.stringify(doc)).not.toContain('CreateTable');
  });

  it('bootstrap gets only what state bootstrap calls', () => {
    expect(actionsFor('bootstrap', { dynamodbState: true, s3Backend: true })).toEqual(expect.arrayContaining(['s3:CreateBucket', 'dynamodb:CreateTable', 'dynamodb:UpdateContinuousBackups']));
    expect(actionsFor('bootstrap', { dynamodbState: true, s3Backend: true })).not.toContain('route53:ChangeResourceRecordSets');
    expect(terraformPolicy('bootstrap', scope).Statement).toEqual([]);
  });

  it('gives CI Terraform for the traffic stack only', () => {
    const doc = terraformPolicy('ci', { ...scope, stateBucket: 'acme-state' });
    expect(JSON.stringify(doc)).not.toContain('eks:CreateCluster');
    expect(JSON.stringify(doc)).toContain('route53:ChangeResourceRecordSets');
    expect(JSON.stringify(terraformPolicy('operator', scope))).toContain('eks:CreateCluster');
  });

  it("retire --delete-leftovers: the operator's deletes in statements of their own, conditioned on the cluster tags", () => {
    const doc = curvectlPolicy('operator', { ...scope, clusters: ['cluster-a', 'team-*'] });
    const deletes = ['ec2:DeleteNetworkInterface', 'ec2:DeleteSecurityGroup', 'ec2:DeleteVolume', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DeleteTargetGroup'];
    const leftover = doc.Statement.filter((st) => st.Sid.startsWith(LEFTOVER_DELETE_SID));
    expect(leftover.map((st) => st.Sid)).toEqual([`${LEFTOVER_DELETE_SID}Elbv2Tag`, `${LEFTOVER_DELETE_SID}ClusterA`]);
    for (const st of leftover) {
      expect(st.Action).toEqual(deletes);
      expect(st.Resource).toEqual([
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/*',
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/*',
        'arn:aws:ec2:eu-west-1:123456789012:volume/*',
        'arn:aws:ec2:eu-west-1:123456789012:security-group/*',
        'arn:aws:ec2:eu-west-1:123456789012:network-interface/*',
      ]);
    }
    expect(leftover[0]!.Condition).toEqual({ StringLike: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': ['cluster-a', 'team-*'] } });
    // The tag key names the cluster; a pattern cannot be a condition key, so team-* gets no such statement.
    expect(leftover[1]!.Condition).toEqual({ Null: { 'aws:ResourceTag/kubernetes.io/cluster/cluster-a': 'false' } });
    // No delete anywhere without a tag condition, and none for CI (it never retires).
    expect(doc.Statement.filter((st) => !st.Condition).flatMap((st) => st.Action).filter((a) => /:Delete/.test(a))).toEqual([]);
    expect(actionsFor('ci', { dynamodbState: true, s3Backend: true }).filter((a) => deletes.includes(a))).toEqual([]);
  });
});
