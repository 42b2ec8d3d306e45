/**
 * Static checks of terraform/: formatting, `terraform validate` where the providers are available
 * offline (cluster, traffic, the cluster stub), parsing where they are not (platform: helm and
 * kubernetes), and the variable validation messages a user sees at plan time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import {
  clusterStubDir,
  copyStacks,
  repoRoot,
  terraformDir,
  terraformTestEnv,
  tf,
  tfOk,
  type CopiedStacks,
} from '../../_helpers/terraform-env.js';
import { parseDir } from './hcl.js';

let work: string;
let env: Record<string, string>;
let stacks: CopiedStacks;
let emulator: Emulator;
const started = Date.now();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-validate-'));
  emulator = await startEmulator();
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work);
  await Promise.all(
    [stacks.cluster, stacks.traffic].map((cwd) => tfOk(['init', '-input=false', '-no-color'], { cwd, env })),
  );
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`[validate.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('formatting', () => {
  it('terraform fmt -check -recursive passes for terraform/ and the fixtures', async () => {
    for (const dir of [terraformDir, join(repoRoot, 'test', 'fixtures')]) {
      const result = await tf(['fmt', '-check', '-recursive', '-diff', '-no-color', dir], { cwd: repoRoot, env });
      expect(result.stdout, `files needing terraform fmt under ${dir}`).toBe('');
      expect(result.exitCode).toBe(0);
    }
  });
});

describe('terraform validate', () => {
  it.each(['cluster', 'traffic'] as const)('stacks/%s is valid', async (stack) => {
    const result = await tfOk(['validate', '-json', '-no-color'], { cwd: stacks[stack], env });
    const report = JSON.parse(result.stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('the cluster stub is valid and needs no provider', async () => {
    const dir = join(work, 'stub');
    const copy = await copyStacks(dir, { clusterStub: true });
    await tfOk(['init', '-backend=false', '-input=false', '-no-color'], { cwd: copy.cluster, env });
    const report = JSON.parse((await tfOk(['validate', '-json'], { cwd: copy.cluster, env })).stdout) as { valid: boolean };
    expect(report.valid).toBe(true);
  });
});

describe('platform stack (helm and kubernetes providers are not available offline: parsed instead)', () => {
  it('declares the Istio, gateway (CRDs + chart) and Flux releases with pinned versions', async () => {
    const mod = await parseDir(join(terraformDir, 'modules', 'cluster-platform'));
    const releases = mod.resource.helm_release ?? {};
    expect(Object.keys(releases).sort()).toEqual(['ambassador', 'fleet_sync', 'flux', 'gateway_crds', 'istio_base', 'istiod']);
    const chart = (name: string) => releases[name]?.chart;
    expect([chart('istio_base'), chart('istiod'), chart('flux'), chart('fleet_sync')]).toEqual(['base', 'istiod', 'flux2', 'flux2-sync']);
    // The gateway chart is edge-stack or emissary-ingress, chosen by var.gateway (see platform-stack.test.ts).
    expect(chart('ambassador')).toBe('${local.gateway_chart.chart}');
    for (const [name, release] of Object.entries(releases)) {
      // Pinned through a validated *_version variable, directly or through a local built from them.
      expect(release.version, `${name} is pinned through a variable`).toMatch(/^\$\{(var\.[a-z_]+_version|local\.(gateway_chart|crds)\.version)\}$/);
    }
    // The gateway listens on the node ports the cluster stack's target groups forward to.
    expect(JSON.stringify(mod.locals)).toContain('var.ingress_node_ports.http');
    expect(JSON.stringify(mod.locals)).toContain('NodePort');
    // Flux: source, kustomize and helm controllers; GitRepository + Kustomization on the fleet repo.
    expect(String(releases.flux?.values)).toMatch(/sourceController\s*=\s*\{ create = true \}/);
    expect(String(releases.flux?.values)).toMatch(/helmController\s*=\s*\{ create = true \}/);
    const sync = String(releases.fleet_sync?.values);
    for (const v of ['var.fleet_repo_url', 'var.fleet_repo_branch', 'var.fleet_repo_path']) expect(sync).toContain(v);
    for (const v of ['istio_version', 'ambassador_chart_version', 'emissary_chart_version', 'flux_chart_version', 'flux_sync_chart_version']) {
      expect(mod.variable[v]?.validation, `${v} is validated`).toBeDefined();
    }
  });

  it('the stack takes the contract variables, reads the cluster state by workspace and authenticates with EKS through an exec plugin', async () => {
    const stack = await parseDir(join(terraformDir, 'stacks', 'platform'));
    for (const v of [
      'cluster_name',
      'cluster_state_backend',
      'cluster_state_config',
      'fleet_repo_url',
      'fleet_repo_branch',
      'fleet_repo_path',
      'istio_version',
      'ambassador_chart_version',
      'flux_chart_version',
      'flux_sync_chart_version',
    ]) {
      expect(stack.variable[v], v).toBeDefined();
    }
    const remote = stack.data.terraform_remote_state?.cluster;
    expect(remote).toMatchObject({
      backend: '${var.cluster_state_backend}',
      config: '${var.cluster_state_config}',
      workspace: '${var.cluster_name}',
    });
    // Authentication is an exec plugin ("aws eks get-token"), not a 15-minute token read at plan time.
    expect(stack.data.aws_eks_cluster_auth).toBeUndefined();
    expect(JSON.stringify(stack.provider.helm)).toContain('local.eks_token_args');
    expect(JSON.stringify(stack.provider.kubernetes)).toContain('local.eks_token_args');
    expect(stack.module.platform?.source).toBe('../../modules/cluster-platform');
    expect(JSON.stringify(stack.terraform)).toContain('"local"');
  });
});

describe('the stack contract', () => {
  it('cluster stack and cluster stub share the contract variables and outputs', async () => {
    const real = await parseDir(join(terraformDir, 'stacks', 'cluster'));
    const stub = await parseDir(clusterStubDir);
    for (const dir of [real, stub]) {
      expect(Object.keys(dir.variable)).toEqual(expect.arrayContaining(['cluster_name', 'kubernetes_version']));
      expect(Object.keys(dir.output)).toEqual(
        expect.arrayContaining(['cluster_name', 'kubernetes_version', 'ingress_dns_name', 'cluster_endpoint', 'cluster_certificate_authority']),
      );
      expect(JSON.stringify(dir.terraform)).toContain('"local"');
    }
  });

  it('traffic stack takes the variables curvectl writes and gives records and record_fqdn', async () => {
    const traffic = await parseDir(join(terraformDir, 'stacks', 'traffic'));
    expect(Object.keys(traffic.variable)).toEqual(
      expect.arrayContaining([
        'zone_name',
        'record_name',
        'ttl',
        'cluster_weighting',
        'cluster_state_backend',
        'cluster_state_config',
        'health_checks',
        'edge_enabled',
      ]),
    );
    expect(traffic.variable.ttl?.default).toBe(60);
    expect(traffic.variable.cluster_state_backend?.default).toBe('local');
    expect(traffic.variable.cluster_state_config?.default).toEqual({
      path: '../cluster/terraform.tfstate',
      workspace_dir: '../cluster/terraform.tfstate.d',
    });
    expect(Object.keys(traffic.output)).toEqual(expect.arrayContaining(['record_fqdn', 'records']));
  });

  it('every file under terraform/ parses', async () => {
    for (const dir of [
      'modules/eks-cluster',
      'modules/cluster-platform',
      'modules/weighted-dns',
      'modules/edge',
      'stacks/cluster',
      'stacks/platform',
      'stacks/traffic',
    ]) {
      const parsed = await parseDir(join(terraformDir, dir));
      expect(parsed.files.length, dir).toBeGreaterThan(0);
    }
  });
});

describe('variable validation at plan time (nothing is created)', () => {
  // Terraform wraps diagnostics at the terminal width.
  const oneLine = (text: string) => text.replace(/\s+/g, ' ');

  async function planCluster(workspace: string, vars: string[]) {
    const cwd = stacks.cluster;
    await tfOk(['workspace', 'select', '-or-create', workspace, '-no-color'], { cwd, env });
    return tf(['plan', '-input=false', '-no-color', '-lock=false', ...vars.flatMap((v) => ['-var', v])], { cwd, env });
  }

  it('rejects a bad cluster name with the rule', async () => {
    const result = await planCluster('cluster-a', ['cluster_name=Cluster_A', 'kubernetes_version=1.35']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('cluster_name must be 2-24 lowercase letters, digits and hyphens');
  });

  it('rejects a bad Kubernetes version', async () => {
    const result = await planCluster('cluster-a', ['cluster_name=cluster-a', 'kubernetes_version=1.35.2']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('kubernetes_version must be a Kubernetes minor version like "1.35"');
  });

  it('rejects a workspace that is not the cluster name', async () => {
    const result = await planCluster('cluster-b', ['cluster_name=cluster-a', 'kubernetes_version=1.35']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('The Terraform workspace must be named after the cluster');
  });

  it('rejects node group sizes out of order', async () => {
    const result = await planCluster('cluster-a', ['cluster_name=cluster-a', 'kubernetes_version=1.35', 'node_min_size=3', 'node_max_size=2']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('node_min_size <= node_desired_size <= node_max_size');
  });
});
