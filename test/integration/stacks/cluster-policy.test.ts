/**
 * Plan-level policy of the cluster stack with its real-AWS defaults (add-ons, access entries,
 * access_config, upgrade policy, update_config: the parts moto cannot apply), planned with real
 * Terraform against moto and read with `terraform show -json`. One plan serves every assertion;
 * the refusals each plan once more and must fail before anything exists.
 *
 * moto answers every data source this plan reads (availability zones, the CloudFront origin-facing
 * prefix list, caller identity, VPC lookups). Lifecycle settings (create_before_destroy,
 * ignore_changes) are not in Terraform's JSON plan, so those are read from the HCL.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { copyStacks, exists, terraformDir, terraformTestEnv, tf, tfOk, type CopiedStacks } from '../../_helpers/terraform-env.js';
import { clientConfig } from './aws.js';
import { parseDir } from './hcl.js';
import { planJson, type Plan } from './plan.js';

const CLUSTER = 'cluster-p';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CI_ROLE = 'arn:aws:iam::123456789012:role/ci';
const M = 'module.cluster.';

let work: string;
let emulator: Emulator;
let env: Record<string, string>;
let stacks: CopiedStacks;
let plan: Plan;
const started = Date.now();

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-cluster-policy-'));
  emulator = await startEmulator();
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work);
  const cwd = stacks.cluster;
  await tfOk(['init', '-input=false', '-no-color'], { cwd, env });
  await tfOk(['workspace', 'new', CLUSTER, '-no-color'], { cwd, env });
  const accessEntries = {
    ci: {
      principal_arn: CI_ROLE,
      policy_associations: {
        admin: { policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' },
        view: { policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', access_scope: { type: 'namespace', namespaces: ['apps'] } },
      },
    },
  };
  plan = await planJson(
    [
      '-var', `cluster_name=${CLUSTER}`,
      '-var', 'kubernetes_version=1.35',
      '-var', 'ingress_cloudfront_only=true',
      '-var', `ingress_certificate_arn=${CERT}`,
      '-var', `access_entries=${JSON.stringify(accessEntries)}`,
      '-var', 'node_labels={"role"="general"}',
      '-var', 'node_taints=[{"key"="dedicated","value"="gateway","effect"="NO_SCHEDULE"}]',
      '-var', 'endpoint_public_access_cidrs=["203.0.113.0/24"]',
    ],
    { cwd, env },
  );
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`[cluster-policy.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('cluster access and identity', () => {
  it('access entries and the aws-auth ConfigMap, and no implicit admin for whoever created the cluster', () => {
    expect(plan.after(`${M}aws_eks_cluster.this`).access_config).toEqual([
      { authentication_mode: 'API_AND_CONFIG_MAP', bootstrap_cluster_creator_admin_permissions: false },
    ]);
  });

  it('access entries: the CI role from access_entries and the identity running the stack, each with its policies', () => {
    expect(plan.after(`${M}aws_eks_access_entry.this["ci"]`)).toMatchObject({ cluster_name: CLUSTER, principal_arn: CI_ROLE, type: 'STANDARD' });
    expect(plan.after(`${M}aws_eks_access_policy_association.this["ci/admin"]`)).toMatchObject({
      principal_arn: CI_ROLE,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: [{ type: 'cluster', namespaces: null }],
    });
    expect(plan.after(`${M}aws_eks_access_policy_association.this["ci/view"]`)).toMatchObject({
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
      access_scope: [{ type: 'namespace', namespaces: ['apps'] }],
    });
    // The runner's entry is the IAM principal behind the session (aws_iam_session_context); moto's
    // caller identity is the user "moto" (with an sts: ARN, which real STS gives only to sessions).
    expect(plan.after(`${M}aws_eks_access_entry.this["stack-runner"]`).principal_arn).toMatch(/:user\/moto$/);
    expect(plan.after(`${M}aws_eks_access_policy_association.this["stack-runner/admin"]`).policy_arn).toBe(
      'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
    );
  });

  it('an IAM OIDC provider for the cluster issuer, and the EBS CSI role trusts it for its service account', () => {
    expect(plan.after(`${M}aws_iam_openid_connect_provider.this[0]`).client_id_list).toEqual(['sts.amazonaws.com']);
    expect(plan.config('cluster', 'aws_iam_openid_connect_provider.this').expressions.url).toMatchObject({
      references: expect.arrayContaining(['aws_eks_cluster.this.identity']),
    });
    expect(plan.after(`${M}aws_iam_role.ebs_csi[0]`).name_prefix).toBe(`${CLUSTER}-ebs-csi-`);
    expect(plan.after(`${M}aws_iam_role_policy_attachment.ebs_csi[0]`).policy_arn).toBe('arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy');
  });

  it('IAM roles use name prefixes (role names are global to the account)', () => {
    expect(plan.after(`${M}aws_iam_role.control_plane`)).toMatchObject({ name_prefix: `${CLUSTER}-cp-` });
    expect(plan.after(`${M}aws_iam_role.nodes`)).toMatchObject({ name_prefix: `${CLUSTER}-nodes-` });
    for (const role of ['control_plane', 'nodes', 'ebs_csi[0]']) {
      expect(plan.change(`${M}aws_iam_role.${role}`).change.after_unknown.name, role).toBe(true);
    }
  });
});

describe('cluster baseline', () => {
  it('managed add-ons: vpc-cni and the pod identity agent before the nodes, the rest after them', () => {
    const before = plan.addresses().filter((a) => a.startsWith(`${M}aws_eks_addon.before_nodes`));
    const after = plan.addresses().filter((a) => a.startsWith(`${M}aws_eks_addon.after_nodes`));
    expect(before.map((a) => plan.after(a).addon_name).sort()).toEqual(['eks-pod-identity-agent', 'vpc-cni']);
    expect(after.map((a) => plan.after(a).addon_name).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'kube-proxy']);
    expect(plan.config('cluster', 'aws_eks_node_group.this').depends_on).toContain('aws_eks_addon.before_nodes');
    expect(plan.config('cluster', 'aws_eks_addon.after_nodes').depends_on).toContain('aws_eks_node_group.this');
    expect(plan.config('cluster', 'aws_eks_addon.after_nodes').expressions.service_account_role_arn).toMatchObject({
      references: expect.arrayContaining(['aws_iam_role.ebs_csi']),
    });
  });

  it('launch template: IMDSv2 required, hop limit 1', () => {
    expect(plan.after(`${M}aws_launch_template.nodes`).metadata_options).toEqual([
      { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 },
    ]);
  });

  it('node group: follows the control plane version, name prefix, launch template, update_config, labels and taints', () => {
    const ng = plan.after(`${M}aws_eks_node_group.this`);
    expect(ng).toMatchObject({
      node_group_name_prefix: `${CLUSTER}-default-`,
      labels: { role: 'general' },
      taint: [{ key: 'dedicated', value: 'gateway', effect: 'NO_SCHEDULE' }],
      update_config: [{ max_unavailable_percentage: 33 }],
    });
    const cfg = plan.config('cluster', 'aws_eks_node_group.this').expressions;
    expect(cfg.version).toMatchObject({ references: expect.arrayContaining(['aws_eks_cluster.this.version']) });
    expect(JSON.stringify(cfg.launch_template)).toContain('aws_launch_template.nodes.id');
  });

  it('node group lifecycle: create_before_destroy, desired_size left alone after creation (from the HCL)', async () => {
    const mod = await parseDir(join(terraformDir, 'modules', 'eks-cluster'));
    const lifecycle = JSON.stringify(mod.resource.aws_eks_node_group?.this?.lifecycle);
    expect(lifecycle).toContain('"create_before_destroy":true');
    expect(lifecycle).toContain('scaling_config[0].desired_size');
  });

  it('create_before_destroy cannot collide on names: the node group, its launch template and the roles get generated names; the cluster keeps its own, so its replacement is refused by curvectl', () => {
    // create_before_destroy propagates to what the node group depends on (Terraform docs, lifecycle
    // meta-argument). Replaced objects with a generated name can exist twice; the cluster cannot, and
    // curvectl's applyCluster refuses any plan that replaces an aws_eks_cluster (stacks.ts).
    expect(plan.change(`${M}aws_eks_node_group.this`).change.after_unknown.node_group_name).toBe(true);
    expect(plan.after(`${M}aws_launch_template.nodes`).name_prefix).toBe(`${CLUSTER}-nodes-`);
    expect(plan.change(`${M}aws_launch_template.nodes`).change.after_unknown.name).toBe(true);
    expect(plan.change(`${M}aws_iam_role_policy.control_plane_kms`).change.after_unknown.name).toBe(true);
    expect(plan.change(`${M}aws_eks_cluster.this`)).toMatchObject({ type: 'aws_eks_cluster', change: { actions: ['create'] } });
    expect(plan.after(`${M}aws_eks_cluster.this`).name).toBe(CLUSTER);
  });

  it('control plane: api, audit and authenticator logs to a log group with retention, secrets encrypted with KMS, STANDARD upgrade policy', () => {
    const eks = plan.after(`${M}aws_eks_cluster.this`);
    expect(eks.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator']);
    expect(plan.after(`${M}aws_cloudwatch_log_group.control_plane`)).toMatchObject({ name: `/aws/eks/${CLUSTER}/cluster`, retention_in_days: 90 });
    expect(plan.config('cluster', 'aws_eks_cluster.this').depends_on).toContain('aws_cloudwatch_log_group.control_plane');
    expect(eks.encryption_config).toEqual([{ provider: [{}], resources: ['secrets'] }]);
    expect(JSON.stringify(plan.config('cluster', 'aws_eks_cluster.this').expressions.encryption_config)).toContain('local.kms_key_arn');
    expect(plan.after(`${M}aws_kms_key.secrets[0]`).enable_key_rotation).toBe(true);
    expect(eks.upgrade_policy).toEqual([{ support_type: 'STANDARD' }]);
  });

  it('API endpoint: private on, public restricted to the given CIDRs', () => {
    expect(plan.after(`${M}aws_eks_cluster.this`).vpc_config).toMatchObject([
      { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] },
    ]);
  });

  it('the VPC range is derived from the cluster name, and availability zones need no opt-in', async () => {
    const vpc = plan.after(`${M}aws_vpc.this[0]`);
    expect(vpc.cidr_block).toMatch(/^10\.\d{1,3}\.0\.0\/16$/);
    expect(vpc.cidr_block).not.toBe('10.0.0.0/16');
    const mod = await parseDir(join(terraformDir, 'modules', 'eks-cluster'));
    expect(JSON.stringify(mod.data.aws_availability_zones?.available)).toContain('opt-in-not-required');
  });
});

describe('ingress', () => {
  it('the NLB gets its security group at creation; with the edge on it admits only CloudFront origin-facing addresses', () => {
    expect(plan.config('cluster', 'aws_lb.ingress').expressions.security_groups).toMatchObject({
      references: expect.arrayContaining(['aws_security_group.ingress.id']),
    });
    for (const port of ['http', 'https']) {
      const rule = plan.after(`${M}aws_vpc_security_group_ingress_rule.ingress_cloudfront["${port}"]`);
      expect(rule.prefix_list_id, port).toMatch(/^pl-/);
      expect(rule.cidr_ipv4, port).toBeNull();
    }
    expect(plan.addresses().filter((a) => a.includes('ingress_clients'))).toEqual([]);
    // The nodes accept the node ports from the load balancer's group only.
    expect(plan.config('cluster', 'aws_vpc_security_group_ingress_rule.nodes_ingress').expressions.referenced_security_group_id).toMatchObject({
      references: expect.arrayContaining(['aws_security_group.ingress.id']),
    });
  });

  it('TLS ends at the NLB with the given certificate and is re-encrypted to the gateway', () => {
    expect(plan.after(`${M}aws_lb_listener.ingress["https"]`)).toMatchObject({ port: 443, protocol: 'TLS', certificate_arn: CERT, ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(plan.after(`${M}aws_lb_listener.ingress["http"]`)).toMatchObject({ port: 80, protocol: 'TCP', certificate_arn: null });
    expect(plan.after(`${M}aws_lb_target_group.ingress["https"]`)).toMatchObject({ port: 30443, protocol: 'TLS' });
  });

  it('target groups check the gateway readiness path over HTTP on the HTTP node port', () => {
    for (const port of ['http', 'https']) {
      expect(plan.after(`${M}aws_lb_target_group.ingress["${port}"]`).health_check, port).toMatchObject([
        { protocol: 'HTTP', port: '30080', path: '/ambassador/v0/check_ready', matcher: '200' },
      ]);
    }
  });
});

describe('refused at plan time with one clear message, nothing created', () => {
  async function refusedPlan(workspace: string, vars: string[]) {
    const cwd = stacks.cluster;
    await tfOk(['workspace', 'select', '-or-create', workspace, '-no-color'], { cwd, env });
    return tf(['plan', '-input=false', '-no-color', '-lock=false', ...vars.flatMap((v) => ['-var', v])], { cwd, env });
  }

  async function nothingCreated(workspace: string) {
    expect(await exists(join(stacks.cluster, 'terraform.tfstate.d', workspace, 'terraform.tfstate'))).toBe(false);
    const ec2 = new EC2Client(clientConfig(emulator.env));
    try {
      const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag-key', Values: ['curvectl/cluster'] }] }));
      expect(Vpcs).toEqual([]);
    } finally {
      ec2.destroy();
    }
  }

  it('a VPC smaller than /20', async () => {
    const result = await refusedPlan('cluster-q', ['cluster_name=cluster-q', 'kubernetes_version=1.35', 'vpc_cidr=10.1.0.0/24']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('vpc_cidr must be an IPv4 CIDR block from /16 to /20');
    expect(oneLine(result.stderr).match(/Error:/g)).toHaveLength(1);
    await nothingCreated('cluster-q');
  });

  it('a cluster name that makes an invalid load balancer name', async () => {
    const result = await refusedPlan('internal-api', ['cluster_name=internal-api', 'kubernetes_version=1.35']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('cluster_name must not start with "internal-"');
    expect(oneLine(result.stderr).match(/Error:/g)).toHaveLength(1);
    await nothingCreated('internal-api');
  });

  it('an access entry that names a session instead of a role', async () => {
    const bad = JSON.stringify({ x: { principal_arn: 'arn:aws:sts::123456789012:assumed-role/ci/session' } });
    const result = await refusedPlan('cluster-q', ['cluster_name=cluster-q', 'kubernetes_version=1.35', `access_entries=${bad}`]);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('principal_arn must be an IAM role or user ARN');
    await nothingCreated('cluster-q');
  });
});
