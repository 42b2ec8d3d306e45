import { describe, expect, it } from 'vitest';
import { actionsFor, curvectlPolicy, terraformPolicy } from '../../../src/core/iam-policy.js';

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
});
