import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import { Terraform } from '../../../../src/adapters/terraform/runner.js';
import { TerraformStacks, mapClusterOutputs, minimumTerraformVersion, type TerraformBackend } from '../../../../src/adapters/terraform/stacks.js';
import { FakeDesiredWeights } from '../../../_helpers/fakes.js';
import type { DesiredWeightsStore } from '../../../../src/core/ports/desired-weights-store.js';
import type { Weights } from '../../../../src/core/ports.js';
import { fakeRunner, type RecordedCall } from '../../../_helpers/fake-process.js';

let root: string;
let stacksDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'curvectl-stacks-'));
  stacksDir = path.join(root, 'terraform', 'stacks');
  for (const stack of ['cluster', 'platform', 'traffic']) {
    await mkdir(path.join(stacksDir, stack), { recursive: true });
    await writeFile(path.join(stacksDir, stack, 'main.tf'), `# ${stack}\n`);
  }
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface World {
  workspaces: Record<string, string[]>;
  planExit: number;
  /** plan exits 2 because only outputs differ. */
  outputsOnly?: boolean;
  /** The resource changes the plan prints (as planned_change lines) instead of the default one updated record. */
  resourceChanges?: { address: string; type: string; change: { actions: string[] } }[];
  outputs: Record<string, Record<string, { value: unknown }>>;
  /** The traffic var file as each traffic plan saw it (null: absent). */
  varFileAtPlan: (string | null)[];
  /** Every plan's -var-file arguments with their content at that moment (null: absent). */
  planVarFiles: Record<string, string | null>[];
}

/** A plan's -json stream for these changes: one planned_change each (a delete+create is a replace) and the change_summary. */
function planStream(changes: readonly { address: string; type: string; change: { actions: string[] } }[]): string[] {
  const actionOf = (actions: string[]) => (actions.includes('create') && actions.includes('delete') ? 'replace' : (actions[0] ?? 'noop'));
  const planned = changes.map((c) => ({ addr: c.address, type: c.type, action: actionOf(c.change.actions) })).filter((c) => c.action !== 'no-op');
  const count = (...actions: string[]) => planned.filter((c) => actions.includes(c.action)).length;
  return [
    ...planned.map((c) => JSON.stringify({ type: 'planned_change', '@message': `${c.addr}: Plan to ${c.action}`, change: { resource: { addr: c.addr, resource_type: c.type }, action: c.action } })),
    JSON.stringify({ type: 'change_summary', changes: { add: count('create', 'replace'), change: count('update'), remove: count('delete', 'replace'), import: 0, operation: 'plan' } }),
  ];
}

function setup(options: { backend?: TerraformBackend; world?: Partial<World>; desiredWeights?: DesiredWeightsStore } = {}) {
  const world: World = {
    workspaces: { cluster: ['default'], platform: ['default'], traffic: ['default'] },
    planExit: 2,
    outputs: {},
    varFileAtPlan: [],
    planVarFiles: [],
    ...options.world,
  };
  const stackOf = (call: RecordedCall) => path.basename(call.options.cwd ?? '');
  const run = fakeRunner((call) => {
    const [cmd, sub, ...rest] = call.args;
    const stack = stackOf(call);
    const ws = call.options.env?.TF_WORKSPACE ?? 'default';
    switch (cmd) {
      case 'version':
        return { stdout: '{"terraform_version":"1.11.4"}' };
      case 'init':
        return {};
      case 'workspace': {
        const list = (world.workspaces[stack] ??= ['default']);
        if (sub === 'list') return { stdout: list.map((n) => (n === ws ? `* ${n}` : `  ${n}`)).join('\n') };
        const name = rest.at(-1) ?? '';
        if (sub === 'new') list.push(name);
        if (sub === 'delete') list.splice(list.indexOf(name), 1);
        return {};
      }
      case 'plan':
        world.planVarFiles.push(
          Object.fromEntries(
            call.args
              .filter((a) => a.startsWith('-var-file='))
              .map((a) => a.slice('-var-file='.length))
              .map((f) => {
                try {
                  return [f, readFileSync(path.join(call.options.cwd ?? '', f), 'utf8')];
                } catch {
                  return [f, null];
                }
              }),
          ),
        );
        if (stack === 'traffic') {
          try {
            world.varFileAtPlan.push(readFileSync(path.join(stacksDir, 'traffic', 'cluster_weighting.auto.tfvars.json'), 'utf8'));
          } catch {
            world.varFileAtPlan.push(null);
          }
        }
        return { exitCode: world.planExit, stdoutLines: planStream(world.resourceChanges ?? (world.planExit === 2 && !world.outputsOnly ? [{ address: `aws_route53_record.weighted["${ws}"]`, type: 'aws_route53_record', change: { actions: ['update'] } }] : [])) };
      case 'apply':
        return { stdoutLines: [`{"type":"change_summary","changes":{"add":0,"change":${world.outputsOnly ? 0 : 1},"remove":0,"operation":"apply"}}`] };
      case 'destroy':
        return { stdoutLines: ['{"type":"change_summary","changes":{"add":0,"change":0,"remove":3,"operation":"destroy"}}'] };
      case 'output':
        return { stdout: JSON.stringify(world.outputs[`${stack}/${ws}`] ?? {}) };
      default:
        return { exitCode: 1, stderr: `unexpected ${call.args.join(' ')}` };
    }
  });
  const terraform = new Terraform({ run });
  const stacks = new TerraformStacks({
    terraform,
    stacksDir,
    dns: { zone: 'example.test', record: 'api.example.test', ttl: 60 },
    backend: options.backend ?? { type: 'local' },
    clusterDefaults: { kubernetesVersion: '1.35', variables: { node_desired_size: 3 } },
    platformVariables: { flux_git_url: 'https://git.example.test/fleet' },
    region: 'eu-west-1',
    ...(options.desiredWeights ? { desiredWeights: options.desiredWeights } : {}),
  });
  const calls = () => run.calls.filter((c) => c.args[0] !== 'version').map((c) => ({ stack: stackOf(c), ws: c.options.env?.TF_WORKSPACE, args: c.args.join(' ') }));
  return { stacks, run, world, calls };
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as unknown;

describe('desired weights file', () => {
  it('reads {} when absent, writes atomically with sorted keys, reads back', async () => {
    const { stacks } = setup();
    expect(await stacks.readDesiredWeights()).toEqual({});
    await stacks.writeDesiredWeights({ 'cluster-b': 10, 'cluster-a': 90 });
    const file = path.join(stacksDir, 'traffic', 'cluster_weighting.auto.tfvars.json');
    const text = await readFile(file, 'utf8');
    expect(text).toBe('{\n  "cluster_weighting": {\n    "cluster-a": 90,\n    "cluster-b": 10\n  }\n}\n');
    expect(await stacks.readDesiredWeights()).toEqual({ 'cluster-a': 90, 'cluster-b': 10 });
    // No temp file left behind (it would be loaded by nothing, but it is litter).
    expect((await readdir(path.join(stacksDir, 'traffic'))).sort()).toEqual(['cluster_weighting.auto.tfvars.json', 'main.tf']);
  });

  it('refuses a malformed file with a clear error', async () => {
    const { stacks } = setup();
    const file = path.join(stacksDir, 'traffic', 'cluster_weighting.auto.tfvars.json');
    await writeFile(file, '{"cluster_weighting": {"cluster-a": 90,');
    await expect(stacks.readDesiredWeights()).rejects.toMatchObject({ code: 'BAD_CONFIG', message: `${file} is not a valid weights file: it is not JSON.` });
    await writeFile(file, '{"cluster_weighting": {"cluster-a": "90"}}');
    await expect(stacks.readDesiredWeights()).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: `${file} is not a valid weights file: the weight of "cluster-a" must be an integer from 0 to 255.`,
    });
    await writeFile(file, '[]');
    await expect(stacks.readDesiredWeights()).rejects.toBeInstanceOf(CurvectlError);
    await writeFile(file, '{}');
    expect(await stacks.readDesiredWeights()).toEqual({});
  });

  it('refuses to write an invalid weight', async () => {
    const { stacks } = setup();
    await expect(stacks.writeDesiredWeights({ a: -1 })).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(stacks.writeDesiredWeights({ a: 2.5 })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

const weightsFile = () => path.join(stacksDir, 'traffic', 'cluster_weighting.auto.tfvars.json');
const fileOf = (weights: Weights) => `${JSON.stringify({ cluster_weighting: weights }, null, 2)}\n`;

describe('desired weights shared by a team', () => {
  it('reads the shared weights, not this checkout\'s file', async () => {
    const shared = new FakeDesiredWeights({ 'cluster-a': 50, 'cluster-b': 50 });
    const { stacks } = setup({ desiredWeights: shared });
    await writeFile(weightsFile(), fileOf({ 'cluster-a': 100 }));
    expect(await stacks.readDesiredWeights()).toEqual({ 'cluster-a': 50, 'cluster-b': 50 });
  });

  it('first use: nothing shared yet, so the file is the truth (or {} without one)', async () => {
    const { stacks } = setup({ desiredWeights: new FakeDesiredWeights() });
    expect(await stacks.readDesiredWeights()).toEqual({});
    await writeFile(weightsFile(), fileOf({ 'cluster-a': 100 }));
    expect(await stacks.readDesiredWeights()).toEqual({ 'cluster-a': 100 });
  });

  it('writes the shared copy first (sorted), then the file atomically', async () => {
    const shared = new FakeDesiredWeights();
    const { stacks } = setup({ desiredWeights: shared });
    await stacks.writeDesiredWeights({ 'cluster-b': 10, 'cluster-a': 90 });
    expect(shared.log).toEqual(['write {"cluster-a":90,"cluster-b":10}']);
    expect(await readFile(weightsFile(), 'utf8')).toBe(fileOf({ 'cluster-a': 90, 'cluster-b': 10 }));
    expect((await readdir(path.join(stacksDir, 'traffic'))).sort()).toEqual(['cluster_weighting.auto.tfvars.json', 'main.tf']);
  });

  it('a shared write that fails leaves the file alone; an invalid weight is refused before either', async () => {
    const shared = new FakeDesiredWeights({ 'cluster-a': 100 });
    const { stacks } = setup({ desiredWeights: shared });
    await writeFile(weightsFile(), fileOf({ 'cluster-a': 100 }));
    shared.failWrites = new CurvectlError('LOCKED', 'lost the lock');
    await expect(stacks.writeDesiredWeights({ 'cluster-a': 50, 'cluster-b': 50 })).rejects.toMatchObject({ code: 'LOCKED' });
    expect(await readFile(weightsFile(), 'utf8')).toBe(fileOf({ 'cluster-a': 100 }));
    shared.log = [];
    await expect(stacks.writeDesiredWeights({ a: -1 })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(shared.log).toEqual([]);
  });

  it('rewrites the file from the shared weights before every traffic run (fresh checkout, or a write cut short)', async () => {
    const shared = new FakeDesiredWeights({ 'cluster-a': 50, 'cluster-b': 50 });
    const { stacks, world } = setup({ desiredWeights: shared });
    // A fresh checkout has no file: terraform must still see the team's weights.
    await stacks.planTraffic();
    // A crash after the shared write and before the file's leaves a stale file behind.
    shared.weights = { 'cluster-a': 0, 'cluster-b': 100 };
    await stacks.applyTraffic();
    expect(world.varFileAtPlan).toEqual([fileOf({ 'cluster-a': 50, 'cluster-b': 50 }), fileOf({ 'cluster-a': 0, 'cluster-b': 100 })]);
  });

  it('leaves the file alone before a traffic run when nothing is shared yet', async () => {
    const { stacks, world } = setup({ desiredWeights: new FakeDesiredWeights() });
    await writeFile(weightsFile(), fileOf({ 'cluster-a': 100 }));
    await stacks.applyTraffic();
    expect(world.varFileAtPlan).toEqual([fileOf({ 'cluster-a': 100 })]);
  });

  it('runs no terraform when the shared weights cannot be read', async () => {
    const shared = new FakeDesiredWeights();
    shared.read = async () => {
      throw new CurvectlError('AWS', 'throttled');
    };
    const { stacks, calls } = setup({ desiredWeights: shared });
    await expect(stacks.applyTraffic()).rejects.toMatchObject({ code: 'AWS' });
    expect(calls().filter((c) => c.stack === 'traffic')).toEqual([]);
  });
});

describe('traffic stack', () => {
  it('writes curvectl.auto.tfvars.json from configuration before a run, then init, plan, apply (the plan summarised from its own stream)', async () => {
    const { stacks, calls } = setup();
    const events: string[] = [];
    const summary = await stacks.applyTraffic({ onProgress: (e) => events.push(e.type) });
    expect(summary).toEqual({ add: 0, change: 1, remove: 0 });
    expect(await readJson(path.join(stacksDir, 'traffic', 'curvectl.auto.tfvars.json'))).toEqual({
      zone_name: 'example.test',
      record_name: 'api.example.test',
      ttl: 60,
      cluster_state_backend: 'local',
      cluster_state_config: {
        path: path.join(stacksDir, 'cluster', 'terraform.tfstate'),
        workspace_dir: path.join(stacksDir, 'cluster', 'terraform.tfstate.d'),
      },
    });
    const c = calls();
    expect(c.map((x) => `${x.stack}:${x.ws}:${x.args.split(' ')[0]}`)).toEqual([
      'traffic:default:init',
      'traffic:default:plan',
      'traffic:default:apply',
    ]);
    expect(events).toEqual(['planned_change', 'change_summary', 'change_summary']);
  });

  it('skips apply when the plan has no changes', async () => {
    const { stacks, calls } = setup({ world: { planExit: 0 } });
    expect(await stacks.applyTraffic()).toEqual({ add: 0, change: 0, remove: 0 });
    expect(calls().some((x) => x.args.startsWith('apply'))).toBe(false);
  });

  it('an outputs-only difference (after a DNS-only rollback) is no change, but apply still saves the state', async () => {
    const { stacks, calls } = setup({ world: { outputsOnly: true } });
    const plan = await stacks.planTraffic();
    expect(plan.changes).toBe(false);
    expect(plan.resources).toEqual([]);
    expect(await stacks.applyTraffic()).toEqual({ add: 0, change: 0, remove: 0 });
    expect(calls().filter((x) => x.args.startsWith('apply'))).toHaveLength(1);
  });

  it('onlyIfUnchanged (the catch-up): an outputs-only plan is applied; a plan that changes a record is withheld, never applied', async () => {
    const caughtUp = setup({ world: { outputsOnly: true } });
    expect(await caughtUp.stacks.applyTraffic({ onlyIfUnchanged: true })).toEqual({ add: 0, change: 0, remove: 0 });
    expect(caughtUp.calls().filter((x) => x.args.startsWith('apply'))).toHaveLength(1);
    const changed = setup();
    expect(await changed.stacks.applyTraffic({ onlyIfUnchanged: true })).toEqual({ add: 0, change: 1, remove: 0, withheld: true });
    expect(changed.calls().some((x) => x.args.startsWith('apply'))).toBe(false);
  });

  it('planTraffic reports the changes and the exact commands, and leaves no plan file', async () => {
    const { stacks } = setup();
    const plan = await stacks.planTraffic();
    expect(plan.changes).toBe(true);
    expect(plan.resources).toEqual(['aws_route53_record.weighted["default"]']);
    const dir = path.join(stacksDir, 'traffic');
    expect(plan.commands).toHaveLength(2);
    expect(plan.commands[0]).toMatch(new RegExp(`^TF_WORKSPACE=default terraform -chdir=${dir} plan -json -input=false -no-color -detailed-exitcode -lock-timeout=120s -out=\\.terraform/curvectl/default-[0-9a-f]{8}\\.tfplan$`));
    expect(plan.commands[1]).toMatch(new RegExp(`^TF_WORKSPACE=default terraform -chdir=${dir} apply -json -input=false -lock-timeout=120s \\.terraform/curvectl/default-[0-9a-f]{8}\\.tfplan$`));
    const leftovers = await readdir(path.join(dir, '.terraform', 'curvectl')).catch(() => []);
    expect(leftovers.filter((f) => f.endsWith('.tfplan'))).toEqual([]);
  });

  it('planTrafficWeights plans other weights through -var-file overrides, without the lock, and leaves both var files as they were', async () => {
    const { stacks, world, calls } = setup();
    const dir = path.join(stacksDir, 'traffic');
    await stacks.writeDesiredWeights({ 'cluster-a': 100, 'cluster-b': 0 });
    const weightsFile = path.join(dir, 'cluster_weighting.auto.tfvars.json');
    const before = await readFile(weightsFile, 'utf8');
    const plan = await stacks.planTrafficWeights({ 'cluster-a': 100 });
    expect(await readFile(weightsFile, 'utf8')).toBe(before);
    // The settings file was not there and is still not there: the plan read a temporary copy.
    await expect(access(path.join(dir, 'curvectl.auto.tfvars.json'))).rejects.toThrow();
    expect(await readdir(path.join(dir, '.terraform', 'curvectl'))).toEqual([]);
    expect(calls().find((c) => c.args.startsWith('plan'))?.args).toContain('-lock=false');
    const seen = Object.entries(world.planVarFiles[0]!);
    expect(seen.map(([f]) => f)).toEqual([expect.stringMatching(/dry-run-[0-9a-f]{8}-weights\.tfvars\.json$/), expect.stringMatching(/dry-run-[0-9a-f]{8}-settings\.tfvars\.json$/)]);
    expect(JSON.parse(seen[0]![1]!)).toEqual({ cluster_weighting: { 'cluster-a': 100 } });
    expect(JSON.parse(seen[1]![1]!)).toMatchObject({ zone_name: 'example.test', record_name: 'api.example.test', ttl: 60 });
    expect(plan.commands.slice(0, 2)).toEqual([
      `# curvectl writes ${weightsFile}: {"cluster_weighting":{"cluster-a":100}}`,
      `# and ${path.join(dir, 'curvectl.auto.tfvars.json')} from curvectl.yaml (dns and the cluster state backend)`,
    ]);
    expect(plan.commands.slice(2)).toEqual(stacks.trafficApplyCommands());
  });
});

describe('cluster and platform stacks', () => {
  const outputs = {
    cluster_name: { value: 'cluster-b' },
    kubernetes_version: { value: '1.32' },
    ingress_dns_name: { value: 'b-nlb.elb.eu-west-1.amazonaws.com' },
    vpc_id: { value: 'vpc-1' },
  };

  it('maps outputs', () => {
    expect(mapClusterOutputs(outputs)).toEqual({ clusterName: 'cluster-b', kubernetesVersion: '1.32', ingressDnsName: 'b-nlb.elb.eu-west-1.amazonaws.com' });
    expect(mapClusterOutputs({})).toBeUndefined();
    expect(mapClusterOutputs({ cluster_name: { value: 'x' } })).toBeUndefined();
  });

  it('applyCluster writes the run var file, creates the workspace, plans, applies and reads outputs', async () => {
    const { stacks, calls } = setup({ world: { outputs: { 'cluster/cluster-b': outputs } } });
    const result = await stacks.applyCluster({ name: 'cluster-b', kubernetesVersion: '1.32', variables: { node_desired_size: 4 } });
    expect(result).toEqual({ clusterName: 'cluster-b', kubernetesVersion: '1.32', ingressDnsName: 'b-nlb.elb.eu-west-1.amazonaws.com' });
    expect(await readJson(path.join(stacksDir, 'cluster', '.terraform', 'curvectl', 'cluster-cluster-b.tfvars.json'))).toEqual({
      node_desired_size: 4,
      cluster_name: 'cluster-b',
      kubernetes_version: '1.32',
    });
    const c = calls();
    expect(c.map((x) => `${x.ws}:${x.args.split(' ').slice(0, 3).join(' ')}`)).toEqual([
      'default:init -input=false -no-color',
      'default:workspace list',
      'cluster-b:workspace new cluster-b',
      'cluster-b:plan -json -input=false',
      'cluster-b:apply -json -input=false',
      'cluster-b:output -json -no-color',
    ]);
    expect(c.find((x) => x.args.startsWith('plan'))?.args).toContain('-var-file=.terraform/curvectl/cluster-cluster-b.tfvars.json');
  });

  it('applyCluster refuses a plan that replaces the EKS cluster, applying nothing (the node group replaced alone is fine)', async () => {
    const replace = (address: string, type: string, actions = ['create', 'delete']) => ({ address, type, change: { actions } });
    const { stacks, calls } = setup({
      world: {
        outputs: { 'cluster/cluster-b': outputs },
        resourceChanges: [
          replace('module.cluster.aws_eks_cluster.this', 'aws_eks_cluster'),
          replace('module.cluster.aws_eks_node_group.this', 'aws_eks_node_group'),
          replace('module.cluster.aws_subnet.private[0]', 'aws_subnet', ['delete', 'create']),
        ],
      },
    });
    const err = await stacks.applyCluster({ name: 'cluster-b', kubernetesVersion: '1.35' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REFUSED', exitCode: 2, details: { replaced: ['module.cluster.aws_eks_cluster.this'] } });
    expect((err as Error).message).toBe("The cluster stack's plan for cluster-b replaces its EKS cluster (module.cluster.aws_eks_cluster.this); nothing was applied.");
    expect((err as CurvectlError).hint).toContain('curvectl cycle --from cluster-b --to <new-name>');
    expect(calls().some((c) => c.args.startsWith('apply'))).toBe(false);

    // Negative control: the node group's own replacement (create_before_destroy, name prefix) applies.
    const ok = setup({ world: { outputs: { 'cluster/cluster-b': outputs }, resourceChanges: [replace('module.cluster.aws_eks_node_group.this', 'aws_eks_node_group')] } });
    await ok.stacks.applyCluster({ name: 'cluster-b', kubernetesVersion: '1.35' });
    expect(ok.calls().some((c) => c.args.startsWith('apply'))).toBe(true);
  });

  it('planCluster of a new cluster leaves no workspace, var file or plan file behind, and prints the lines applyCluster then runs', async () => {
    const { stacks, world, calls } = setup();
    world.outputs['cluster/cluster-c'] = { cluster_name: { value: 'cluster-c' }, ingress_dns_name: { value: 'c.elb.test' }, kubernetes_version: { value: '1.35' } };
    const dir = path.join(stacksDir, 'cluster');
    const plan = await stacks.planCluster({ name: 'cluster-c', kubernetesVersion: '1.35' });
    expect(world.workspaces.cluster).toEqual(['default']);
    expect(await readdir(path.join(dir, '.terraform', 'curvectl'))).toEqual([]);
    // The dry run's own plan: no lock, a temporary copy of the variables the real run would write.
    const dryPlan = calls().find((c) => c.args.startsWith('plan'))!;
    expect(dryPlan.args).toContain('-lock=false');
    const [tempFile, tempContent] = Object.entries(world.planVarFiles[0]!)[0]!;
    expect(tempFile).toMatch(/^\.terraform\/curvectl\/dry-run-[0-9a-f]{8}-cluster-cluster-c\.tfvars\.json$/);
    expect(JSON.parse(tempContent!)).toEqual({ node_desired_size: 3, cluster_name: 'cluster-c', kubernetes_version: '1.35' });

    expect(plan.commands[0]).toBe(`# curvectl writes ${path.join(dir, '.terraform', 'curvectl', 'cluster-cluster-c.tfvars.json')} first (cluster_name, kubernetes_version, node_desired_size)`);
    const before = calls().length;
    await stacks.applyCluster({ name: 'cluster-c', kubernetesVersion: '1.35' });
    const real = calls()
      .slice(before)
      .filter((c) => /^(workspace new|plan|apply)/.test(c.args))
      .map((c) => `TF_WORKSPACE=${c.ws} terraform -chdir=${dir} ${c.args}`);
    // Exactly what the create runs, in order; the apply names the file the plan line saves.
    expect(plan.commands.slice(1)).toEqual(real);
    expect(real[1]).toContain('-out=.terraform/curvectl/cluster-cluster-c.tfplan -var-file=.terraform/curvectl/cluster-cluster-c.tfvars.json');
    expect(real[2]!.endsWith(' .terraform/curvectl/cluster-cluster-c.tfplan')).toBe(true);
  });

  it('planCluster of an existing cluster whose var file is current plans with that file and names no write', async () => {
    const { stacks, world } = setup({ world: { workspaces: { cluster: ['default', 'cluster-b'] }, outputs: { 'cluster/cluster-b': outputs } } });
    await stacks.applyCluster({ name: 'cluster-b', kubernetesVersion: '1.35' });
    const file = path.join(stacksDir, 'cluster', '.terraform', 'curvectl', 'cluster-cluster-b.tfvars.json');
    const content = await readFile(file, 'utf8');
    world.planVarFiles.length = 0;
    const plan = await stacks.planCluster({ name: 'cluster-b', kubernetesVersion: '1.35' });
    expect(Object.keys(world.planVarFiles[0]!)).toEqual(['.terraform/curvectl/cluster-cluster-b.tfvars.json']);
    expect(plan.commands.some((c) => c.startsWith('#') || c.includes('workspace new'))).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(content);
    expect(world.workspaces.cluster).toEqual(['default', 'cluster-b']);
  });

  it('planDestroy plans each stack with the workspace (-destroy, no lock), writes nothing, and prints the lines retire then runs', async () => {
    const { stacks, world, calls } = setup({ world: { workspaces: { cluster: ['default', 'cluster-a'], platform: ['default', 'cluster-a'] } } });
    const destroy = await stacks.planDestroy('cluster-a', { platform: true });
    expect(destroy.plans.map((p) => `${p.stack}/${p.workspace}`)).toEqual(['platform/cluster-a', 'cluster/cluster-a']);
    const dryPlans = calls().filter((c) => c.args.startsWith('plan'));
    expect(dryPlans.every((c) => c.args.includes('-destroy') && c.args.includes('-lock=false'))).toBe(true);
    for (const stack of ['cluster', 'platform']) {
      expect(await readdir(path.join(stacksDir, stack, '.terraform', 'curvectl'))).toEqual([]);
    }
    expect(world.workspaces).toMatchObject({ cluster: ['default', 'cluster-a'], platform: ['default', 'cluster-a'] });
    const before = calls().length;
    await stacks.destroyPlatform('cluster-a');
    await stacks.destroyCluster('cluster-a');
    await stacks.deleteWorkspaces('cluster-a', { platform: true });
    const real = calls()
      .slice(before)
      .filter((c) => /^(destroy|workspace delete)/.test(c.args))
      .map((c) => `TF_WORKSPACE=${c.ws} terraform -chdir=${path.join(stacksDir, c.stack)} ${c.args}`);
    expect(destroy.commands.filter((c) => !c.startsWith('#'))).toEqual(real);
    expect(destroy.commands.filter((c) => c.startsWith('#'))).toEqual([
      `# curvectl writes ${path.join(stacksDir, 'platform', '.terraform', 'curvectl', 'platform-cluster-a.tfvars.json')} first (cluster_name, cluster_state_backend, cluster_state_config, flux_git_url)`,
      `# curvectl writes ${path.join(stacksDir, 'cluster', '.terraform', 'curvectl', 'cluster-cluster-a.tfvars.json')} first (cluster_name, kubernetes_version, node_desired_size)`,
    ]);
  });

  it('planDestroy skips a stack without the workspace, as the destroys do', async () => {
    const { stacks } = setup({ world: { workspaces: { cluster: ['default', 'cluster-a'], platform: ['default'] } } });
    const destroy = await stacks.planDestroy('cluster-a', { platform: true });
    expect(destroy.plans.map((p) => p.stack)).toEqual(['cluster']);
    expect(destroy.commands.filter((c) => !c.startsWith('#')).map((c) => c.replace(/^.*-chdir=\S+ /, ''))).toEqual([
      'destroy -json -auto-approve -input=false -lock-timeout=120s -var-file=.terraform/curvectl/cluster-cluster-a.tfvars.json',
      'workspace delete cluster-a',
    ]);
  });

  it('refuses an invalid cluster name before running anything', async () => {
    const { stacks, calls } = setup();
    await expect(stacks.applyCluster({ name: 'Bad_Name', kubernetesVersion: '1.35' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(calls()).toEqual([]);
  });

  it('clusterOutputs never creates a workspace: unknown cluster -> undefined', async () => {
    const { stacks, calls } = setup();
    expect(await stacks.clusterOutputs('cluster-x')).toBeUndefined();
    expect(calls().some((x) => x.args.startsWith('output'))).toBe(false);
  });

  it('lists cluster workspaces except default, sorted', async () => {
    const { stacks, calls } = setup({ world: { workspaces: { cluster: ['default', 'cluster-b', 'cluster-a'] } } });
    // The local backend keeps each workspace as a directory of terraform.tfstate.d/ (read without Terraform).
    for (const name of ['cluster-b', 'cluster-a']) await mkdir(path.join(stacksDir, 'cluster', 'terraform.tfstate.d', name), { recursive: true });
    await writeFile(path.join(stacksDir, 'cluster', 'terraform.tfstate.d', 'stray-file'), '');
    expect(await stacks.listClusters()).toEqual(['cluster-a', 'cluster-b']);
    expect(calls()).toEqual([]);
  });

  it('lists no clusters before the cluster stack has any workspace, without Terraform', async () => {
    const { stacks, calls } = setup();
    expect(await stacks.listClusters()).toEqual([]);
    expect(calls()).toEqual([]);
  });

  it('lists S3 backend workspaces from the object keys, the way Terraform does, without Terraform', async () => {
    const requests: unknown[] = [];
    const { stacks: withLister } = setup({ backend: { type: 's3', bucket: 'state-bucket', keyPrefix: '/team/', useLockfile: true, region: 'eu-west-1' } });
    const lister = new TerraformStacks({
      ...(withLister as unknown as { options: ConstructorParameters<typeof TerraformStacks>[0] }).options,
      listObjectKeys: async (request) => {
        requests.push(request);
        return [
          'team/env:/cluster-b/team/cluster.tfstate',
          'team/env:/cluster-a/team/cluster.tfstate',
          'team/env:/cluster-a/team/cluster.tfstate.tflock',
          'team/env:/cluster-a/team/platform.tfstate',
          'team/env:/cluster-c/team/platform.tfstate',
          'team/env:/default/team/cluster.tfstate',
        ];
      },
    });
    expect(await lister.listClusters()).toEqual(['cluster-a', 'cluster-b']);
    expect(requests).toEqual([{ bucket: 'state-bucket', prefix: 'team/env:/', region: 'eu-west-1' }]);
  });

  it('platform apply passes cluster_name and platform variables; destroy and delete are no-ops when absent', async () => {
    const { stacks, calls, world } = setup({ world: { workspaces: { cluster: ['default', 'cluster-a'] } } });
    await stacks.applyPlatform('cluster-a');
    expect(await readJson(path.join(stacksDir, 'platform', '.terraform', 'curvectl', 'platform-cluster-a.tfvars.json'))).toEqual({
      flux_git_url: 'https://git.example.test/fleet',
      cluster_name: 'cluster-a',
      cluster_state_backend: 'local',
      cluster_state_config: {
        path: path.join(stacksDir, 'cluster', 'terraform.tfstate'),
        workspace_dir: path.join(stacksDir, 'cluster', 'terraform.tfstate.d'),
      },
    });
    expect(world.workspaces.platform).toEqual(['default', 'cluster-a']);
    await stacks.destroyPlatform('cluster-a');
    await stacks.destroyCluster('cluster-a');
    await stacks.deleteWorkspaces('cluster-a');
    expect(world.workspaces).toMatchObject({ cluster: ['default'], platform: ['default'] });
    const destroys = calls().filter((x) => x.args.startsWith('destroy'));
    expect(destroys.map((x) => `${x.stack}:${x.ws}`)).toEqual(['platform:cluster-a', 'cluster:cluster-a']);
    expect(destroys[1]?.args).toBe('destroy -json -auto-approve -input=false -lock-timeout=120s -var-file=.terraform/curvectl/cluster-cluster-a.tfvars.json');
    const deletes = calls().filter((x) => x.args.startsWith('workspace delete'));
    expect(deletes.map((x) => `${x.stack}:${x.ws}:${x.args}`)).toEqual([
      'platform:default:workspace delete cluster-a',
      'cluster:default:workspace delete cluster-a',
    ]);
    const before = calls().length;
    await stacks.destroyCluster('cluster-a');
    await stacks.deleteWorkspaces('cluster-a');
    expect(calls().slice(before).some((x) => x.args.startsWith('destroy') || x.args.startsWith('workspace delete'))).toBe(false);
  });
});

describe('S3 backend seam', () => {
  const s3: TerraformBackend = { type: 's3', bucket: 'state-bucket', keyPrefix: 'curvectl', useLockfile: true };

  it('writes curvectl_override.tf and passes -backend-config; traffic reads cluster state from S3', async () => {
    const { stacks, calls } = setup({ backend: s3 });
    await stacks.applyTraffic();
    const override = await readFile(path.join(stacksDir, 'traffic', 'curvectl_override.tf'), 'utf8');
    expect(override).toContain('backend "s3" {}');
    expect(calls()[0]?.args).toBe(
      'init -input=false -no-color -backend-config=bucket=state-bucket -backend-config=key=curvectl/traffic.tfstate -backend-config=workspace_key_prefix=curvectl/env: -backend-config=region=eu-west-1 -backend-config=use_lockfile=true',
    );
    expect(await readJson(path.join(stacksDir, 'traffic', 'curvectl.auto.tfvars.json'))).toMatchObject({
      cluster_state_backend: 's3',
      cluster_state_config: { bucket: 'state-bucket', key: 'curvectl/cluster.tfstate', workspace_key_prefix: 'curvectl/env:', region: 'eu-west-1' },
    });
  });

  it('gives every stack its own key under one workspace prefix, and points remote-state reads at the cluster stack', async () => {
    const { stacks, calls } = setup({ backend: s3, world: { workspaces: { cluster: ['default', 'cluster-a'], platform: ['default'], traffic: ['default'] } } });
    await stacks.listClusters();
    await stacks.applyPlatform('cluster-a');
    await stacks.applyTraffic();
    const inits = calls().filter((c) => c.args.startsWith('init'));
    const keyOf = (stack: string) => inits.find((c) => c.stack === stack)?.args.match(/-backend-config=key=(\S+)/)?.[1];
    expect([keyOf('cluster'), keyOf('platform'), keyOf('traffic')]).toEqual(['curvectl/cluster.tfstate', 'curvectl/platform.tfstate', 'curvectl/traffic.tfstate']);
    expect(inits.every((c) => c.args.includes('-backend-config=workspace_key_prefix=curvectl/env:') && c.args.includes('-backend-config=use_lockfile=true'))).toBe(true);
    for (const stack of ['cluster', 'platform', 'traffic']) {
      expect(await readFile(path.join(stacksDir, stack, 'curvectl_override.tf'), 'utf8')).toContain('backend "s3" {}');
    }
    // The platform stack reads the cluster's state exactly where the cluster stack writes it.
    const reference = { bucket: 'state-bucket', key: 'curvectl/cluster.tfstate', workspace_key_prefix: 'curvectl/env:', region: 'eu-west-1' };
    expect(await readJson(path.join(stacksDir, 'platform', '.terraform', 'curvectl', 'platform-cluster-a.tfvars.json'))).toMatchObject({
      cluster_state_backend: 's3',
      cluster_state_config: reference,
    });
    const clusterConfig = stacks.backendFiles('cluster').backendConfig ?? {};
    expect(Object.fromEntries(Object.keys(reference).map((k) => [k, clusterConfig[k]]))).toEqual(reference);
  });

  it('passes a DynamoDB lock table and the backend region, and leaves out S3-native locking when it is off', async () => {
    const { stacks } = setup({ backend: { type: 's3', bucket: 'b', region: 'us-west-2', keyPrefix: 'team', useLockfile: false, dynamodbTable: 'tf-locks' } });
    expect(stacks.backendFiles('traffic').backendConfig).toEqual({
      bucket: 'b',
      key: 'team/traffic.tfstate',
      workspace_key_prefix: 'team/env:',
      region: 'us-west-2',
      dynamodb_table: 'tf-locks',
    });
    expect(stacks.clusterStateReference()).toEqual({
      backend: 's3',
      config: { bucket: 'b', key: 'team/cluster.tfstate', workspace_key_prefix: 'team/env:', region: 'us-west-2' },
    });
  });

  it('normalises the key prefix: no leading or trailing slash (Terraform refuses them), none at all when empty', async () => {
    const slashes = setup({ backend: { ...s3, keyPrefix: '/teams/payments/' } }).stacks;
    expect(slashes.backendFiles('cluster').backendConfig).toMatchObject({ key: 'teams/payments/cluster.tfstate', workspace_key_prefix: 'teams/payments/env:' });
    expect(slashes.clusterStateReference().config).toMatchObject({ key: 'teams/payments/cluster.tfstate', workspace_key_prefix: 'teams/payments/env:' });
    const none = setup({ backend: { ...s3, keyPrefix: '' } }).stacks;
    expect(none.backendFiles('traffic').backendConfig).toMatchObject({ key: 'traffic.tfstate', workspace_key_prefix: 'env:' });
  });

  it('removes its override file when the backend is local again, but never a file it did not write', async () => {
    await setup({ backend: s3 }).stacks.applyTraffic();
    const file = path.join(stacksDir, 'traffic', 'curvectl_override.tf');
    await setup().stacks.applyTraffic();
    await expect(access(file)).rejects.toThrow();
    await writeFile(file, '# mine\n');
    await setup().stacks.applyTraffic();
    expect(await readFile(file, 'utf8')).toBe('# mine\n');
  });
});

describe('minimumTerraformVersion', () => {
  it('is what the stacks require, and 1.10 when the S3 backend locks with a lock file', () => {
    expect(minimumTerraformVersion({ type: 'local' })).toBe('1.9.0');
    expect(minimumTerraformVersion({ type: 's3', bucket: 'b', keyPrefix: 'k', useLockfile: true })).toBe('1.10.0');
    expect(minimumTerraformVersion({ type: 's3', bucket: 'b', keyPrefix: 'k', useLockfile: false, dynamodbTable: 't' })).toBe('1.9.0');
  });
});
