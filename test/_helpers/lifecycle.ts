/**
 * For the lifecycle suites (test/integration/lifecycle): workspaces on the real cluster stack, what
 * the emulator holds of one cluster (read through the SDK, never through curvectl), the Terraform
 * workspaces of a stack, and a side-loaded cluster-stack apply that lets a suite build a second
 * cluster while curvectl builds the first.
 */
import { DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListClustersCommand, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListHostedZonesByNameCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createWorkspace, type Workspace, type WorkspaceOptions } from './cli.js';
import type { Emulator } from './emulator.js';
import { tfOk } from './terraform-env.js';

/** Gates of the real-cluster suites: the EKS control plane and its node groups. */
export const REAL_GATES = [{ type: 'eks' }, { type: 'nodegroups' }];

/**
 * Cluster-stack variables against moto (see terraform/README.md, "Emulators"): its node groups have
 * no Auto Scaling groups behind them, so the nodes are not bound to the target groups; it has no EKS
 * add-on or access-entry API, gives every cluster the same OIDC issuer (so a second cluster's OIDC
 * provider would collide), and it neither keeps access_config, upgrade_policy nor a node group's
 * update_config, so those are left to EKS.
 */
export const EMULATOR_CLUSTER_VARIABLES = {
  bind_ingress_to_nodes: false,
  cluster_addons: {},
  creator_admin_access_entry: false,
  create_oidc_provider: false,
  authentication_mode: null,
  upgrade_support_type: null,
  node_update_max_unavailable_percentage: null,
};

/** A workspace on the real cluster stack, with the eks and nodegroups gates. */
export function createRealWorkspace(options: Omit<WorkspaceOptions, 'clusterStub'> & { terraformBinary?: string }): Promise<Workspace> {
  return createWorkspace({
    gates: REAL_GATES,
    ...options,
    clusterStub: false,
    config: [
      [['cluster', 'variables'], EMULATOR_CLUSTER_VARIABLES],
      ...(options.terraformBinary ? [[['terraform', 'binary'], options.terraformBinary] as [string[], unknown]] : []),
      ...(options.config ?? []),
    ],
  });
}

function clientConfig(emulator: Emulator) {
  return {
    endpoint: emulator.endpoint,
    region: emulator.env.AWS_REGION,
    credentials: { accessKeyId: emulator.env.AWS_ACCESS_KEY_ID, secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY },
  };
}

export interface ClusterInventory {
  /** EKS status, or null when DescribeCluster says it does not exist. */
  eks: { status: string | undefined; version: string | undefined } | null;
  /** Node groups with their status (empty when there is no cluster). */
  nodegroups: { name: string; status: string | undefined }[];
  /** The "<name>-ingress" load balancer. */
  loadBalancers: { name: string; type: string | undefined; dnsName: string | undefined; state: string | undefined }[];
  /** Target groups whose name starts with "<name>-". */
  targetGroups: string[];
  /** Resources tagged curvectl/cluster=<name>. */
  vpcs: string[];
  subnets: string[];
  securityGroups: string[];
  internetGateways: string[];
  /** NAT gateways tagged for it and not deleted. */
  natGateways: string[];
}

/** Everything the emulator holds of cluster `name`, read straight through the SDK. */
export async function clusterInventory(emulator: Emulator, name: string): Promise<ClusterInventory> {
  const config = clientConfig(emulator);
  const eks = new EKSClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const ec2 = new EC2Client(config);
  try {
    const { clusters = [] } = await eks.send(new ListClustersCommand({}));
    let eksInfo: ClusterInventory['eks'] = null;
    const nodegroups: ClusterInventory['nodegroups'] = [];
    if (clusters.includes(name)) {
      const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
      eksInfo = { status: cluster?.status, version: cluster?.version };
      const listed = await eks.send(new ListNodegroupsCommand({ clusterName: name }));
      for (const ng of listed.nodegroups ?? []) {
        const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName: name, nodegroupName: ng }));
        nodegroups.push({ name: ng, status: nodegroup?.status });
      }
    }
    const { LoadBalancers = [] } = await elb.send(new DescribeLoadBalancersCommand({}));
    const { TargetGroups = [] } = await elb.send(new DescribeTargetGroupsCommand({}));
    // Tags are matched here, not with tag: filters: moto ignores some of them (DescribeNatGateways).
    const [vpcs, subnets, sgs, igws, nats] = await Promise.all([
      ec2.send(new DescribeVpcsCommand({})),
      ec2.send(new DescribeSubnetsCommand({})),
      ec2.send(new DescribeSecurityGroupsCommand({})),
      ec2.send(new DescribeInternetGatewaysCommand({})),
      ec2.send(new DescribeNatGatewaysCommand({})),
    ]);
    const ours = (tags: { Key?: string; Value?: string }[] | undefined) => (tags ?? []).some((t) => t.Key === 'curvectl/cluster' && t.Value === name);
    return {
      eks: eksInfo,
      nodegroups,
      loadBalancers: LoadBalancers.filter((lb) => lb.LoadBalancerName === `${name}-ingress`).map((lb) => ({
        name: lb.LoadBalancerName ?? '',
        type: lb.Type,
        dnsName: lb.DNSName,
        state: lb.State?.Code,
      })),
      targetGroups: TargetGroups.map((t) => t.TargetGroupName ?? '').filter((n) => n.startsWith(`${name}-`)),
      vpcs: (vpcs.Vpcs ?? []).filter((v) => ours(v.Tags)).map((v) => v.VpcId ?? ''),
      subnets: (subnets.Subnets ?? []).filter((v) => ours(v.Tags)).map((v) => v.SubnetId ?? ''),
      securityGroups: (sgs.SecurityGroups ?? []).filter((v) => ours(v.Tags)).map((v) => v.GroupId ?? ''),
      internetGateways: (igws.InternetGateways ?? []).filter((v) => ours(v.Tags)).map((v) => v.InternetGatewayId ?? ''),
      natGateways: (nats.NatGateways ?? []).filter((v) => ours(v.Tags) && v.State !== 'deleted').map((v) => v.NatGatewayId ?? ''),
    };
  } finally {
    eks.destroy();
    elb.destroy();
    ec2.destroy();
  }
}

/** What clusterInventory reports for a cluster of which nothing is left. */
export const NOTHING_LEFT: ClusterInventory = {
  eks: null,
  nodegroups: [],
  loadBalancers: [],
  targetGroups: [],
  vpcs: [],
  subnets: [],
  securityGroups: [],
  internetGateways: [],
  natGateways: [],
};

/** `terraform workspace list` in a stack directory, asked of Terraform itself (not curvectl). */
export async function terraformWorkspaces(ws: Workspace, stack: 'cluster' | 'platform' | 'traffic'): Promise<string[]> {
  const dir = ws.stacks[stack];
  try {
    await stat(path.join(dir, '.terraform'));
  } catch {
    return ['default']; // never initialised: only the default workspace can exist
  }
  const result = await tfOk(['workspace', 'list', '-no-color'], { cwd: dir, env: ws.env });
  return result.stdout
    .split('\n')
    .map((l) => l.replace(/^\*/, '').trim())
    .filter((l) => l !== '')
    .sort();
}

/**
 * Applies the cluster stack for `name` with plain Terraform, the way curvectl would (same variables,
 * workspace = name), so a suite can build a cluster concurrently with a curvectl run in the same
 * workspace. It waits for curvectl to have initialised the stack (its init stamp, written after a
 * successful `terraform init`; `cluster create` does it first, `cluster list` no longer runs
 * Terraform): a second `terraform init` beside a running curvectl would race on .terraform. A later
 * `curvectl cluster create <name>` then finds nothing to change in the stack.
 */
export async function sideloadClusterStack(ws: Workspace, name: string, kubernetesVersion = '1.35'): Promise<void> {
  const dir = ws.stacks.cluster;
  await initialised(dir);
  const varDir = path.join(dir, '.terraform', 'sideload');
  await mkdir(varDir, { recursive: true });
  const varFile = path.join(varDir, `${name}.tfvars.json`);
  await writeFile(varFile, JSON.stringify({ ...EMULATOR_CLUSTER_VARIABLES, cluster_name: name, kubernetes_version: kubernetesVersion }));
  const env = { ...ws.env, TF_WORKSPACE: name };
  const workspaces = await terraformWorkspaces(ws, 'cluster');
  if (!workspaces.includes(name)) await tfOk(['workspace', 'new', '-no-color', name], { cwd: dir, env });
  await tfOk(['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=60s', `-var-file=${varFile}`], { cwd: dir, env });
}

/** Resolves once curvectl's init stamp exists in a stack directory (two minutes at most). */
async function initialised(dir: string): Promise<void> {
  const stampFile = path.join(dir, '.terraform', 'curvectl-init.json');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await stat(stampFile);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`curvectl did not initialise ${dir} within two minutes`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Journal event types, in order. */
export async function journalTypes(ws: Workspace): Promise<string[]> {
  return (await ws.journal()).map((e) => e.type);
}

/** A snapshot of everything a refused command must leave alone. */
export interface Snapshot {
  live: Record<string, number>;
  desired: Record<string, number>;
  journal: number;
  clusterWorkspaces: string[];
  locks: string[];
  varFile: string;
}

export async function snapshot(ws: Workspace): Promise<Snapshot> {
  let locks: string[] = [];
  try {
    locks = (await readdir(path.join(ws.dir, '.curvectl', 'locks'))).sort();
  } catch {
    locks = [];
  }
  let varFile = '';
  try {
    varFile = await readFile(path.join(ws.stacks.traffic, 'cluster_weighting.auto.tfvars.json'), 'utf8');
  } catch {
    varFile = '(missing)';
  }
  return {
    live: await ws.liveWeights(),
    desired: varFile === '(missing)' ? {} : await ws.desiredWeights(),
    journal: (await ws.journal()).length,
    clusterWorkspaces: await terraformWorkspaces(ws, 'cluster'),
    locks,
    varFile,
  };
}

/** The weighted records under the workspace's record: set identifier => { weight, value }, from Route 53 itself. */
export async function weightedRecords(emulator: Emulator, ws: Workspace): Promise<Record<string, { weight: number | undefined; value: string | undefined }>> {
  const route53 = new Route53Client(clientConfig(emulator));
  try {
    const zones = await route53.send(new ListHostedZonesByNameCommand({ DNSName: ws.zone }));
    const zone = zones.HostedZones?.find((z) => z.Name === `${ws.zone}.`);
    if (!zone?.Id) throw new Error(`no hosted zone ${ws.zone}`);
    const out: Record<string, { weight: number | undefined; value: string | undefined }> = {};
    const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone.Id }));
    for (const r of page.ResourceRecordSets ?? []) {
      if (r.Name !== `${ws.record}.` || r.Type !== 'CNAME' || !r.SetIdentifier) continue;
      out[r.SetIdentifier] = { weight: r.Weight, value: r.ResourceRecords?.[0]?.Value };
    }
    return out;
  } finally {
    route53.destroy();
  }
}

/** Wall-time bookkeeping for a suite: call `report()` in afterAll. */
export function stopwatch(file: string) {
  const started = Date.now();
  const parts: [string, number][] = [];
  return {
    async time<T>(label: string, run: () => Promise<T>): Promise<T> {
      const t0 = Date.now();
      try {
        return await run();
      } finally {
        parts.push([label, (Date.now() - t0) / 1000]);
      }
    },
    report(): void {
      const detail = parts.map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
      console.log(`[${file}] wall time ${((Date.now() - started) / 1000).toFixed(1)} s (${detail})`);
    },
  };
}

/**
 * An AWS endpoint that denies every request (HTTP 403, AccessDenied, in the XML error shape of the
 * query and REST-XML protocols that ELBv2 and Route 53 use). Pointing one service of one Terraform
 * run at it (AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2, AWS_ENDPOINT_URL_ROUTE_53) makes that run
 * fail the way a missing IAM permission does, with Terraform's own error diagnostics, after it has
 * created everything that does not depend on the service.
 */
export async function startDenyingEndpoint(): Promise<{ url: string; requests: () => number; stop: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    req.resume();
    req.on('end', () => {
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
        '<Message>injected by the test: this identity may not call the service</Message></Error><RequestId>denied-0001</RequestId></ErrorResponse>';
      res.writeHead(403, { 'content-type': 'text/xml', 'x-amzn-requestid': 'denied-0001' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
