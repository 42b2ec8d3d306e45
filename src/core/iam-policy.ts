/**
 * Least-privilege IAM for curvectl: every AWS action curvectl's own code calls, in one list, with the
 * resource each is scoped to and which role needs it; and, separately, what Terraform needs to apply
 * the stacks. `curvectl iam-policy` renders them; a test runs a full cycle through a recording proxy
 * and checks that the actions called and the actions listed here are the same (EXCEPTIONS aside).
 * Adding an AWS call to curvectl means adding its action here: that test fails until it is.
 *
 * Resource-level permissions follow the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/): Route 53 record changes
 * and listings are scoped to the hosted zone, GetChange to change/*, ListHostedZonesByName and the
 * ELBv2 / CloudWatch metric reads support no resource ("*"), EKS reads are scoped to the clusters and
 * their node groups, DynamoDB to the table, S3 to the state bucket. The deletes of `retire
 * --delete-leftovers` are scoped by the cluster tags the leftovers check looks for: each of them
 * (ELBv2 DeleteLoadBalancer and DeleteTargetGroup on loadbalancer/targetgroup; EC2 DeleteVolume,
 * DeleteSecurityGroup, DeleteNetworkInterface on volume, security-group, network-interface) has a
 * required resource type whose condition keys include aws:ResourceTag/${TagKey} (Service
 * Authorization Reference, "Actions, resources, and condition keys for AWS Elastic Load Balancing
 * V2" and "... for Amazon EC2").
 */

export type IamRole = 'operator' | 'ci' | 'bootstrap';
export const IAM_ROLES: readonly IamRole[] = ['operator', 'ci', 'bootstrap'];

/** What a resource pattern is built from. */
export type ResourceKind = 'any' | 'zone' | 'change' | 'cluster' | 'nodegroup' | 'alarm' | 'table' | 'stateBucket' | 'leftover';

export interface CurvectlAction {
  readonly action: string;
  readonly resource: ResourceKind;
  readonly roles: readonly IamRole[];
  /** Only with this configuration. */
  readonly when?: 'dynamodbState' | 's3Backend';
  /** The command(s) that call it, for the reviewer. */
  readonly why: string;
}

const both: readonly IamRole[] = ['operator', 'ci'];

/** Every action curvectl's own code calls (the SDK calls in src/adapters/aws and src/adapters/state). */
export const CURVECTL_ACTIONS: readonly CurvectlAction[] = [
  { action: 'route53:ListHostedZonesByName', resource: 'any', roles: both, why: 'find the hosted zone id of dns.zone (every command that reads weights)' },
  { action: 'route53:ListResourceRecordSets', resource: 'zone', roles: both, why: 'read the live weights (status, shift, create, retire)' },
  { action: 'route53:ChangeResourceRecordSets', resource: 'zone', roles: both, why: 'one atomic change per shift step and per rollback' },
  { action: 'route53:GetChange', resource: 'change', roles: both, why: 'wait until a change is INSYNC' },
  { action: 'eks:DescribeCluster', resource: 'cluster', roles: both, why: 'status, the eks gate, cluster kubeconfig' },
  { action: 'eks:ListNodegroups', resource: 'cluster', roles: both, why: 'the nodegroups gate' },
  { action: 'eks:DescribeNodegroup', resource: 'nodegroup', roles: both, why: 'the nodegroups gate' },
  { action: 'elasticloadbalancing:DescribeLoadBalancers', resource: 'any', roles: both, why: 'the target-health gate finds the load balancer by its DNS name' },
  { action: 'elasticloadbalancing:DescribeTargetGroups', resource: 'any', roles: both, why: 'the target-health gate' },
  { action: 'elasticloadbalancing:DescribeTargetHealth', resource: 'any', roles: both, why: 'the target-health gate' },
  { action: 'cloudwatch:DescribeAlarms', resource: 'any', roles: both, why: 'the alarm gate (DescribeAlarms by name supports no resource scoping)' },
  { action: 'cloudwatch:GetMetricStatistics', resource: 'any', roles: both, why: 'the metric gate' },
  { action: 'cloudwatch:GetMetricData', resource: 'any', roles: both, why: 'the observed share (status, bakes) and the flow-verified drain (retire): AWS/NetworkELB flows' },
  { action: 'elasticloadbalancing:DescribeTags', resource: 'any', roles: both, why: 'retire: load balancers and target groups tagged for the cluster outside Terraform' },
  { action: 'ec2:DescribeSecurityGroups', resource: 'any', roles: both, why: 'retire: security groups tagged for the cluster outside Terraform (Describe* supports no resource scoping)' },
  { action: 'ec2:DescribeVolumes', resource: 'any', roles: both, why: 'retire: EBS volumes tagged for the cluster outside Terraform' },
  { action: 'ec2:DescribeNetworkInterfaces', resource: 'any', roles: both, why: 'retire: network interfaces tagged for the cluster outside Terraform' },
  // retire --delete-leftovers only; the operator's (CI applies only the traffic stack, so it never
  // retires). Its own statements, conditioned on the cluster tags (LEFTOVER_DELETE_SID).
  { action: 'elasticloadbalancing:DeleteLoadBalancer', resource: 'leftover', roles: ['operator'], why: 'retire --delete-leftovers: load balancers of LoadBalancer Services tagged for the cluster' },
  { action: 'elasticloadbalancing:DeleteTargetGroup', resource: 'leftover', roles: ['operator'], why: 'retire --delete-leftovers: their target groups' },
  { action: 'ec2:DeleteVolume', resource: 'leftover', roles: ['operator'], why: 'retire --delete-leftovers: EBS volumes of PersistentVolumes tagged for the cluster' },
  { action: 'ec2:DeleteSecurityGroup', resource: 'leftover', roles: ['operator'], why: 'retire --delete-leftovers: security groups the load balancer controller made' },
  { action: 'ec2:DeleteNetworkInterface', resource: 'leftover', roles: ['operator'], why: 'retire --delete-leftovers: detached network interfaces tagged for the cluster' },
  { action: 'dynamodb:GetItem', resource: 'table', roles: both, when: 'dynamodbState', why: 'locks and the shared desired weights' },
  { action: 'dynamodb:PutItem', resource: 'table', roles: both, when: 'dynamodbState', why: 'locks, journal events' },
  { action: 'dynamodb:UpdateItem', resource: 'table', roles: both, when: 'dynamodbState', why: 'lease renewal, desired weights (in a transaction)' },
  { action: 'dynamodb:DeleteItem', resource: 'table', roles: both, when: 'dynamodbState', why: 'releasing a lock' },
  { action: 'dynamodb:Query', resource: 'table', roles: both, when: 'dynamodbState', why: 'the journal (history, resume)' },
  { action: 'dynamodb:ConditionCheckItem', resource: 'table', roles: both, when: 'dynamodbState', why: 'the desired-weights transaction checks the lease' },
  { action: 's3:ListBucket', resource: 'stateBucket', roles: both, when: 's3Backend', why: 'status reads the cluster workspaces from the state bucket' },
  { action: 'sts:GetCallerIdentity', resource: 'any', roles: ['operator', 'ci', 'bootstrap'], why: 'iam-policy (account id), and the token of `aws eks get-token`' },
  // state bootstrap
  { action: 's3:CreateBucket', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap' },
  { action: 's3:ListBucket', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap (HeadBucket)' },
  { action: 's3:GetBucketVersioning', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap' },
  { action: 's3:PutBucketVersioning', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap' },
  { action: 's3:GetBucketPublicAccessBlock', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap' },
  { action: 's3:PutBucketPublicAccessBlock', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap' },
  { action: 's3:GetEncryptionConfiguration', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap (GetBucketEncryption)' },
  { action: 's3:PutEncryptionConfiguration', resource: 'stateBucket', roles: ['bootstrap'], when: 's3Backend', why: 'state bootstrap (PutBucketEncryption)' },
  { action: 'dynamodb:CreateTable', resource: 'table', roles: ['bootstrap'], when: 'dynamodbState', why: 'state bootstrap' },
  { action: 'dynamodb:DescribeTable', resource: 'table', roles: ['bootstrap'], when: 'dynamodbState', why: 'state bootstrap' },
  { action: 'dynamodb:DescribeContinuousBackups', resource: 'table', roles: ['bootstrap'], when: 'dynamodbState', why: 'state bootstrap (point-in-time recovery)' },
  { action: 'dynamodb:UpdateContinuousBackups', resource: 'table', roles: ['bootstrap'], when: 'dynamodbState', why: 'state bootstrap (point-in-time recovery)' },
];

/** Listed although a run against an emulator may not show them, and why. */
export const EXCEPTIONS: readonly { readonly action: string; readonly reason: string }[] = [
  {
    action: 'sts:GetCallerIdentity',
    reason: 'never needs a permission (AWS: "No permissions are required to perform this operation"); listed so a reviewer sees the EKS token call',
  },
];

/** Terraform's needs per stack, by the resource types the stacks declare (terraform/modules). */
export const TERRAFORM_ACTIONS: Readonly<Record<'cluster' | 'platform' | 'traffic' | 'state', readonly string[]>> = {
  cluster: [
    'ec2:*Vpc*', 'ec2:*Subnet*', 'ec2:*RouteTable*', 'ec2:*Route', 'ec2:*InternetGateway*', 'ec2:*NatGateway*', 'ec2:*Address*',
    'ec2:*SecurityGroup*', 'ec2:CreateTags', 'ec2:DeleteTags', 'ec2:Describe*',
    'iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:TagRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
    'iam:ListInstanceProfilesForRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PassRole',
    'eks:CreateCluster', 'eks:DeleteCluster', 'eks:DescribeCluster', 'eks:UpdateClusterConfig', 'eks:UpdateClusterVersion', 'eks:TagResource',
    'eks:CreateNodegroup', 'eks:DeleteNodegroup', 'eks:DescribeNodegroup', 'eks:UpdateNodegroupConfig', 'eks:UpdateNodegroupVersion', 'eks:DescribeUpdate',
    'elasticloadbalancing:*LoadBalancer*', 'elasticloadbalancing:*TargetGroup*', 'elasticloadbalancing:*Listener*', 'elasticloadbalancing:*Targets',
    'elasticloadbalancing:AddTags', 'elasticloadbalancing:Describe*', 'elasticloadbalancing:ModifyLoadBalancerAttributes',
    'autoscaling:AttachLoadBalancerTargetGroups', 'autoscaling:DetachLoadBalancerTargetGroups', 'autoscaling:Describe*',
  ],
  platform: ['eks:DescribeCluster'],
  traffic: [
    'route53:GetHostedZone', 'route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', 'route53:GetChange',
    'route53:CreateHealthCheck', 'route53:GetHealthCheck', 'route53:UpdateHealthCheck', 'route53:DeleteHealthCheck', 'route53:ChangeTagsForResource', 'route53:ListTagsForResource',
    'cloudfront:CreateDistribution', 'cloudfront:GetDistribution', 'cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:TagResource', 'cloudfront:ListTagsForResource',
  ],
  state: ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
};

export interface PolicyContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly zoneId: string;
  /** Clusters to allow EKS reads on; a name may end in "*" (cluster-*). */
  readonly clusters: readonly string[];
  readonly table?: string;
  readonly stateBucket?: string;
  readonly lockTable?: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** The Sid prefix of the statements only `retire --delete-leftovers` needs. */
export const LEFTOVER_DELETE_SID = 'CurvectlRetireDeleteLeftovers';

/** Statements that are needed only sometimes, and when: printed with the policy. */
export const STATEMENT_NOTES: readonly { readonly sid: string; readonly when: string }[] = [
  {
    sid: `${LEFTOVER_DELETE_SID}*`,
    when:
      'needed only by "curvectl retire --delete-leftovers" (deletes load balancers, target groups, volumes, security groups and network interfaces tagged for the cluster outside Terraform); leave these statements out if nobody passes the flag. They allow a delete only on resources tagged elbv2.k8s.aws/cluster=<cluster>, or carrying the tag key kubernetes.io/cluster/<cluster> of a cluster named exactly (a condition key cannot hold a pattern, so for --cluster name-* only the first form is allowed)',
  },
];

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

function resources(kind: ResourceKind, c: PolicyContext): string[] {
  const p = c.partition;
  switch (kind) {
    case 'any':
    case 'alarm':
      return ['*'];
    case 'zone':
      return [`arn:${p}:route53:::hostedzone/${c.zoneId}`];
    case 'change':
      return [`arn:${p}:route53:::change/*`];
    case 'cluster':
      return c.clusters.map((n) => `arn:${p}:eks:${c.region}:${c.account}:cluster/${n}`);
    case 'nodegroup':
      return c.clusters.map((n) => `arn:${p}:eks:${c.region}:${c.account}:nodegroup/${n}/*/*`);
    case 'table':
      return c.table ? [`arn:${p}:dynamodb:${c.region}:${c.account}:table/${c.table}`] : [];
    case 'stateBucket':
      return c.stateBucket ? [`arn:${p}:s3:::${c.stateBucket}`] : [];
    case 'leftover':
      return [
        `arn:${p}:elasticloadbalancing:${c.region}:${c.account}:loadbalancer/*`,
        `arn:${p}:elasticloadbalancing:${c.region}:${c.account}:targetgroup/*`,
        `arn:${p}:ec2:${c.region}:${c.account}:volume/*`,
        `arn:${p}:ec2:${c.region}:${c.account}:security-group/*`,
        `arn:${p}:ec2:${c.region}:${c.account}:network-interface/*`,
      ];
    default: {
      const never: never = kind;
      throw new Error(`unknown resource kind ${String(never)}`);
    }
  }
}

/** The actions of a role under a configuration (what the policy allows, without resources). */
export function actionsFor(role: IamRole, config: { dynamodbState: boolean; s3Backend: boolean }): string[] {
  return [
    ...new Set(
      CURVECTL_ACTIONS.filter((a) => a.roles.includes(role) && (a.when === undefined || config[a.when])).map((a) => a.action),
    ),
  ].sort();
}

/** curvectl's own calls for a role: one statement per resource scope. */
export function curvectlPolicy(role: IamRole, c: PolicyContext): PolicyDocument {
  const config = { dynamodbState: c.table !== undefined, s3Backend: c.stateBucket !== undefined };
  const byScope = new Map<string, { kind: ResourceKind; actions: Set<string> }>();
  for (const a of CURVECTL_ACTIONS) {
    if (!a.roles.includes(role) || (a.when !== undefined && !config[a.when])) continue;
    const key = a.resource === 'alarm' ? 'any' : a.resource;
    const entry = byScope.get(key) ?? { kind: a.resource, actions: new Set<string>() };
    entry.actions.add(a.action);
    byScope.set(key, entry);
  }
  const statements: PolicyStatement[] = [];
  for (const [key, { kind, actions }] of byScope) {
    const res = resources(kind, c);
    if (res.length === 0) continue;
    if (kind === 'leftover') {
      statements.push(...leftoverStatements([...actions].sort(), res, c));
      continue;
    }
    statements.push({ Sid: sid(`Curvectl ${key}`), Effect: 'Allow', Action: [...actions].sort(), Resource: res.length === 1 ? res[0]! : res });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The leftover deletes, allowed only on what the leftovers check finds: resources tagged
 * elbv2.k8s.aws/cluster=<cluster> (one statement; StringLike takes the names and their patterns),
 * or carrying the tag key kubernetes.io/cluster/<cluster> (one statement per exactly named cluster:
 * the cluster is in the key, and condition keys take no wildcard). Conditions in one statement are
 * ANDed, so the two forms cannot share one (IAM user guide, "Condition element": evaluation logic).
 */
function leftoverStatements(actions: string[], res: string[], c: PolicyContext): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: `${LEFTOVER_DELETE_SID}Elbv2Tag`,
      Effect: 'Allow',
      Action: actions,
      Resource: res,
      Condition: { StringLike: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': [...c.clusters] } },
    },
  ];
  for (const name of c.clusters.filter((n) => !n.includes('*'))) {
    statements.push({
      Sid: sid(`${LEFTOVER_DELETE_SID} ${name}`),
      Effect: 'Allow',
      Action: actions,
      Resource: res,
      Condition: { Null: { [`aws:ResourceTag/kubernetes.io/cluster/${name}`]: 'false' } },
    });
  }
  return statements;
}

/** What Terraform needs for the stacks this role applies (operator: all three; ci: traffic; bootstrap: none). */
export function terraformPolicy(role: IamRole, c: PolicyContext): PolicyDocument {
  const stacks = role === 'operator' ? (['cluster', 'platform', 'traffic'] as const) : role === 'ci' ? (['traffic'] as const) : ([] as const);
  const statements: PolicyStatement[] = [];
  for (const stack of stacks) {
    const scoped = stack === 'traffic';
    const zoneActions: readonly string[] = TERRAFORM_ACTIONS.traffic.filter((a) => a === 'route53:ChangeResourceRecordSets' || a === 'route53:ListResourceRecordSets' || a === 'route53:GetHostedZone');
    if (scoped) {
      statements.push({ Sid: 'TerraformTrafficZone', Effect: 'Allow', Action: zoneActions, Resource: `arn:${c.partition}:route53:::hostedzone/${c.zoneId}` });
      statements.push({ Sid: 'TerraformTraffic', Effect: 'Allow', Action: TERRAFORM_ACTIONS.traffic.filter((a) => !zoneActions.includes(a)), Resource: '*' });
    } else {
      statements.push({ Sid: sid(`Terraform ${stack}`), Effect: 'Allow', Action: TERRAFORM_ACTIONS[stack], Resource: '*' });
    }
  }
  if (stacks.length > 0 && c.stateBucket) {
    statements.push({ Sid: 'TerraformStateBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:${c.partition}:s3:::${c.stateBucket}` });
    statements.push({ Sid: 'TerraformStateObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:${c.partition}:s3:::${c.stateBucket}/*` });
    if (c.lockTable) {
      statements.push({ Sid: 'TerraformStateLock', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: `arn:${c.partition}:dynamodb:${c.region}:${c.account}:table/${c.lockTable}` });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

function sid(text: string): string {
  return text.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_m, _s, ch: string) => ch.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '');
}
