/**
 * The platform stack for real AWS. Its helm and kubernetes providers are not available offline, so
 * the Helm releases are proven by parsing the HCL (@cdktf/hcl2json): the gateway's CRDs before the
 * gateway, exec authentication, license wiring, the Istio injection setting, pinned chart versions.
 * The license rule is a variable validation, which needs no provider: the module's own
 * variables.tf is planned in a root module of its own, so the real message is what is checked.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraformDir, terraformTestEnv, tf, tfOk } from '../../_helpers/terraform-env.js';
import { parseDir, type HclDir } from './hcl.js';

let mod: HclDir;
let stack: HclDir;
let work: string;
let env: Record<string, string>;

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  mod = await parseDir(join(terraformDir, 'modules', 'cluster-platform'));
  stack = await parseDir(join(terraformDir, 'stacks', 'platform'));
  work = await mkdtemp(join(tmpdir(), 'curvectl-platform-'));
  env = { ...(await terraformTestEnv(work)) };
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const release = (name: string) => mod.resource.helm_release?.[name] ?? {};

describe('gateway', () => {
  it('installs the CRDs and apiext first, waits for them, and only then the gateway', () => {
    expect(release('gateway_crds')).toMatchObject({ wait: true, repository: '${local.crds.repository}', chart: '${local.crds.chart}', version: '${local.crds.version}' });
    expect(release('ambassador').depends_on).toEqual(expect.arrayContaining(['${helm_release.gateway_crds}', '${kubernetes_manifest.gateway_crds}']));
    expect(release('ambassador').wait).toBe(true);
    expect(JSON.stringify(mod.locals.crds)).toContain('emissary-crds-chart');
  });

  it("Edge Stack's CRDs by default from its official manifest of the pinned release, applied and waited for", () => {
    // Edge Stack publishes its CRDs (with apiext and emissary-system) as a manifest, not a chart.
    expect(mod.locals.crds_manifest_url).toBe('${coalesce(var.gateway_crds_manifest_url, "https://app.getambassador.io/yaml/edge-stack/${var.edge_stack_version}/aes-crds.yaml")}');
    expect(mod.locals.crds_from_manifest).toBe('${local.edge_stack && var.gateway_crds_chart == null}');
    expect(mod.variable.edge_stack_version?.default).toBe('3.12.2');
    expect(stack.variable.edge_stack_version?.default).toBe('3.12.2');
    // The chart 8.X.Y ships Edge Stack 3.X.Y: the pinned chart and release agree.
    expect(String(mod.variable.ambassador_chart_version?.default).replace(/^8\./, '3.')).toBe(mod.variable.edge_stack_version?.default);
    expect(stack.module.platform?.edge_stack_version).toBe('${var.edge_stack_version}');
    expect(stack.module.platform?.gateway_crds_manifest_url).toBe('${var.gateway_crds_manifest_url}');
    expect(mod.data.http?.gateway_crds?.url).toBe('${local.crds_manifest_url}');
    expect(JSON.stringify(mod.locals.crds_documents)).toContain('provider::kubernetes::manifest_decode_multi(data.http.gateway_crds[0].response_body)');
    // Namespace first; CRDs waited for until Established, the apiext Deployment until rolled out.
    const docs = mod.resource.kubernetes_manifest?.gateway_crds ?? {};
    expect(docs.depends_on).toEqual(['${kubernetes_manifest.gateway_crds_namespace}']);
    const waits = JSON.stringify((docs.dynamic as Record<string, unknown>).wait);
    expect(waits).toContain('CustomResourceDefinition');
    expect(waits).toContain('Established');
    expect(waits).toContain('Deployment');
    expect(waits).toContain('"rollout":true');
    // The Emissary path's chart and namespace are not made alongside it.
    expect(release('gateway_crds').count).toBe('${local.crds_from_manifest ? 0 : 1}');
    expect(mod.resource.kubernetes_namespace_v1?.gateway_crds?.count).toBe('${local.crds_from_manifest ? 0 : 1}');
  });

  it('Emissary-ingress by default, Edge Stack behind one variable', () => {
    expect(mod.variable.gateway?.default).toBe('emissary');
    expect(stack.variable.gateway?.default).toBe('emissary');
    expect(stack.module.platform?.gateway).toBe('${var.gateway}');
    const chart = JSON.stringify(mod.locals.gateway_chart);
    expect(chart).toContain('edge-stack');
    expect(chart).toContain('emissary-ingress');
    expect(chart).toContain('var.ambassador_chart_version');
    expect(chart).toContain('var.emissary_chart_version');
  });

  it('passes the Edge Stack license as a sensitive value, never in the values YAML', () => {
    expect(mod.variable.ambassador_license_key?.sensitive).toBe(true);
    expect(stack.variable.ambassador_license_key?.sensitive).toBe(true);
    expect(stack.module.platform?.ambassador_license_key).toBe('${var.ambassador_license_key}');
    const dynamic = JSON.stringify((release('ambassador').dynamic as Record<string, unknown>).set_sensitive);
    expect(dynamic).toContain('licenseKey.value');
    expect(dynamic).toContain('var.ambassador_license_key');
    expect(JSON.stringify(release('ambassador').values)).not.toContain('license');
  });

  it('the gateway Service: NodePort on the cluster stack ports, externalTrafficPolicy Local', () => {
    const values = mod.locals.emissary_values as Record<string, Record<string, unknown>>;
    expect(values.service).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    expect(JSON.stringify(values.service)).toContain('var.ingress_node_ports.https');
  });

  it('Istio injection of the gateway is a setting, on by default, following the Istio integration', () => {
    expect(mod.variable.gateway_istio_injection?.default).toBe(true);
    expect(stack.module.platform?.gateway_istio_injection).toBe('${var.gateway_istio_injection}');
    const ns = JSON.stringify(mod.resource.kubernetes_namespace_v1?.ambassador);
    expect(ns).toContain('var.gateway_istio_injection ? \\"enabled\\" : \\"disabled\\"');
    const annotations = JSON.stringify(mod.locals.istio_pod_annotations);
    expect(annotations).toContain('sidecar.istio.io/inject');
    expect(annotations).toContain('traffic.sidecar.istio.io/includeInboundPorts');
  });
});

describe('providers and versions', () => {
  it('authenticate with "aws eks get-token" through an exec block', async () => {
    const versions = await readFile(join(terraformDir, 'stacks', 'platform', 'versions.tf'), 'utf8');
    for (const p of ['kubernetes', 'helm']) {
      const body = JSON.stringify(stack.provider[p]);
      expect(body, p).toContain('exec');
      expect(body, p).toContain('client.authentication.k8s.io/v1beta1');
      expect(body, p).not.toMatch(/"token":/);
    }
    expect(JSON.stringify(stack.locals.eks_token_args)).toContain('get-token');
    expect(versions).not.toMatch(/data "aws_eks_cluster_auth"/);
  });

  it('every chart version is pinned, and the defaults are current releases', () => {
    const defaults = Object.fromEntries(
      ['istio_version', 'ambassador_chart_version', 'emissary_chart_version', 'flux_chart_version', 'flux_sync_chart_version'].map((v) => [v, stack.variable[v]?.default]),
    );
    for (const [name, value] of Object.entries(defaults)) expect(value, name).toMatch(/^\d+\.\d+\.\d+$/);
    expect(defaults).toEqual({
      istio_version: '1.30.0',
      ambassador_chart_version: '8.12.2',
      emissary_chart_version: '4.0.1',
      flux_chart_version: '2.18.3',
      flux_sync_chart_version: '1.14.5',
    });
    // The stack and the module agree on every default.
    for (const name of Object.keys(defaults)) expect(mod.variable[name]?.default, name).toBe(defaults[name]);
  });
});

describe('Edge Stack without a license is refused at plan time', () => {
  async function planVariables(vars: string[]) {
    const dir = join(work, 'vars');
    await mkdir(dir, { recursive: true });
    await copyFile(join(terraformDir, 'modules', 'cluster-platform', 'variables.tf'), join(dir, 'variables.tf'));
    await writeFile(join(dir, 'main.tf'), 'terraform {\n  required_version = ">= 1.9.0"\n}\n');
    await tfOk(['init', '-input=false', '-no-color'], { cwd: dir, env });
    return tf(['plan', '-input=false', '-no-color', '-var', 'cluster_name=cluster-a', '-var', 'fleet_repo_url=https://example.test/fleet.git', ...vars.flatMap((v) => ['-var', v])], {
      cwd: dir,
      env,
    });
  }

  it('names what is missing and how to get it', async () => {
    const result = await planVariables(['gateway=edge-stack']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('gateway "edge-stack" needs ambassador_license_key');
    expect(oneLine(result.stderr)).toContain('Get one from Ambassador Labs');
    expect(oneLine(result.stderr).match(/Error:/g)).toHaveLength(1);
  });

  it('passes with a license, and Emissary needs none (negative control)', async () => {
    expect((await planVariables(['gateway=edge-stack', 'ambassador_license_key=eyJ.test.jwt'])).exitCode).toBe(0);
    expect((await planVariables([])).exitCode).toBe(0);
  });

  it('refuses an Edge Stack release that is not the one of the chart (the CRDs must match the gateway)', async () => {
    const result = await planVariables(['gateway=edge-stack', 'ambassador_license_key=eyJ.test.jwt', 'edge_stack_version=3.11.0']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain('edge_stack_version must be the Edge Stack release of ambassador_chart_version');
    const both = await planVariables(['gateway=edge-stack', 'ambassador_license_key=eyJ.test.jwt', 'edge_stack_version=3.11.0', 'ambassador_chart_version=8.11.0']);
    expect(both.exitCode, both.stderr).toBe(0);
  });
});
