/**
 * Plan-level policy of the traffic stack (weighted DNS, health checks, the CloudFront edge) with real
 * Terraform against moto, read with `terraform show -json`, plus its refusals. The clusters are the
 * contract stub (no AWS resources), so one plan serves every assertion; refusals that need a
 * cluster with an internal load balancer, or one without TLS at its load balancer, call the modules
 * directly from a small root module.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../_helpers/emulator.js';
import { copyStacks, exists, terraformTestEnv, tf, tfOk, writeVarFile, type CopiedStacks } from '../../_helpers/terraform-env.js';
import { weightedRecords } from './aws.js';
import { planJson, type Plan } from './plan.js';

const ZONE = 'example.test';
const RECORD = 'api-origin.example.test';
const EDGE_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let work: string;
let emulator: Emulator;
let env: Record<string, string>;
let stacks: CopiedStacks;
let zoneId: string;
let plan: Plan;
const started = Date.now();

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'curvectl-traffic-policy-'));
  emulator = await startEmulator();
  env = { ...(await terraformTestEnv(work)), ...emulator.env };
  stacks = await copyStacks(work, { clusterStub: true });
  zoneId = await emulator.createHostedZone(ZONE);
  await Promise.all([stacks.cluster, stacks.traffic].map((cwd) => tfOk(['init', '-input=false', '-no-color'], { cwd, env })));
  for (const name of ['cluster-a', 'cluster-b']) {
    await tfOk(['workspace', 'new', name, '-no-color'], { cwd: stacks.cluster, env });
    await tfOk(['apply', '-auto-approve', '-input=false', '-no-color', '-var', `cluster_name=${name}`, '-var', 'kubernetes_version=1.35'], { cwd: stacks.cluster, env });
  }
  await writeVarFile(stacks.traffic, 'curvectl.auto.tfvars.json', { zone_name: ZONE, record_name: RECORD, ttl: 60, cluster_state_backend: 'local' });
  await writeVarFile(stacks.traffic, 'cluster_weighting.auto.tfvars.json', { cluster_weighting: { 'cluster-a': 90, 'cluster-b': 10 } });
  plan = await planJson(
    ['-var', 'health_checks=true', '-var', 'edge_enabled=true', '-var', 'edge_aliases=["www.example.test"]', '-var', `edge_acm_certificate_arn=${EDGE_CERT}`],
    { cwd: stacks.traffic, env },
  );
});

afterAll(async () => {
  await emulator?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`[traffic-policy.test] wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('the CloudFront edge', () => {
  it('uses the managed CachingDisabled and AllViewerExceptHostHeader policies, not legacy forwarded_values', () => {
    const cf = plan.after('module.edge[0].aws_cloudfront_distribution.this');
    const behaviour = (cf.default_cache_behavior as Record<string, unknown>[])[0]!;
    expect(behaviour).toMatchObject({ cache_policy_id: CACHING_DISABLED, origin_request_policy_id: ALL_VIEWER_EXCEPT_HOST, viewer_protocol_policy: 'redirect-to-https' });
    expect(behaviour.forwarded_values).toEqual([]);
  });

  it('reaches the fixed name over HTTPS and serves the aliases with the us-east-1 certificate', () => {
    const cf = plan.after('module.edge[0].aws_cloudfront_distribution.this');
    expect(cf.aliases).toEqual(['www.example.test']);
    expect((cf.origin as Record<string, unknown>[])[0]).toMatchObject({
      domain_name: RECORD,
      custom_origin_config: [expect.objectContaining({ origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'] })],
    });
    expect(cf.viewer_certificate).toMatchObject([{ acm_certificate_arn: EDGE_CERT, cloudfront_default_certificate: false, minimum_protocol_version: 'TLSv1.2_2021' }]);
  });
});

describe('Route 53 health checks', () => {
  it('ask each load balancer for the gateway readiness path over HTTPS, with its name as Host and SNI', () => {
    for (const name of ['cluster-a', 'cluster-b']) {
      const hc = plan.after(`module.dns.aws_route53_health_check.cluster["${name}"]`);
      expect(hc, name).toMatchObject({
        type: 'HTTPS',
        port: 443,
        resource_path: '/ambassador/v0/check_ready',
        enable_sni: true,
        fqdn: `${name}-ingress-0123456789.elb.eu-west-1.amazonaws.com`,
      });
    }
  });
});

describe('refused at plan time with one clear message, nothing changed', () => {
  it('a record at the zone apex (Route 53 has no CNAME there)', async () => {
    const result = await tf(['plan', '-input=false', '-no-color', '-lock=false', '-var', `record_name=${ZONE}`], { cwd: stacks.traffic, env });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('record_name must not be the zone apex');
    expect(oneLine(result.stderr).match(/Error:/g)).toHaveLength(1);
    expect(await exists(join(stacks.traffic, 'terraform.tfstate'))).toBe(false);
    expect(await weightedRecords(emulator.env, zoneId, ZONE)).toEqual({});
  });

  /** A root module beside the copied modules that calls one of them with the given body. */
  async function rootModule(name: string, body: string): Promise<string> {
    const dir = join(stacks.root, 'probe', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'main.tf'), body);
    await tfOk(['init', '-input=false', '-no-color'], { cwd: dir, env });
    return dir;
  }

  it('health checks with an internal ingress load balancer (health checkers cannot reach it)', async () => {
    const dir = await rootModule(
      'internal',
      [
        'provider "aws" {}',
        'module "dns" {',
        '  source        = "../../modules/weighted-dns"',
        `  zone_name     = "${ZONE}"`,
        '  record_name   = "api-origin"',
        '  health_checks = true',
        '  clusters = {',
        '    cluster-a = { weight = 100, target = "internal-cluster-a-ingress-1.eu-west-1.elb.amazonaws.com", internal = true }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const result = await tf(['plan', '-input=false', '-no-color'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('health_checks cannot be used with an internal ingress load balancer (cluster-a)');
    expect(oneLine(result.stderr).match(/Error:/g)).toHaveLength(1);
    expect(await exists(join(dir, 'terraform.tfstate'))).toBe(false);
  });

  it('an https-only edge in front of a load balancer without a certificate for the fixed name', async () => {
    const dir = await rootModule(
      'edge-tls',
      [
        'provider "aws" {}',
        'module "edge" {',
        '  source                      = "../../modules/edge"',
        `  origin_domain_name          = "${RECORD}"`,
        '  wait_for_deployment         = false',
        '  clusters_without_origin_tls = ["cluster-a"]',
        '}',
        '',
      ].join('\n'),
    );
    const result = await tf(['plan', '-input=false', '-no-color'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('the load balancers of cluster-a have no certificate for api-origin.example.test');
    expect(await exists(join(dir, 'terraform.tfstate'))).toBe(false);
  });

  it('edge aliases without a certificate', async () => {
    const result = await tf(['plan', '-input=false', '-no-color', '-lock=false', '-var', 'edge_enabled=true', '-var', 'edge_aliases=["www.example.test"]'], {
      cwd: stacks.traffic,
      env,
    });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('aliases need acm_certificate_arn');
    expect(await exists(join(stacks.traffic, 'terraform.tfstate'))).toBe(false);
  });
});
