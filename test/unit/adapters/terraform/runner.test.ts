import { mkdtemp, readFile, rm, writeFile, mkdir, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../../src/core/errors.js';
import {
  INIT_STAMP_FILE,
  MIN_TERRAFORM_VERSION,
  Terraform,
  compareVersions,
  parseWorkspaceList,
  summarisePlannedChanges,
} from '../../../../src/adapters/terraform/runner.js';
import { repoRoot } from '../../../_helpers/repo-root.js';
import { fakeRunner, type FakeAnswer, type RecordedCall } from '../../../_helpers/fake-process.js';

const VERSION = { stdout: JSON.stringify({ terraform_version: '1.11.4', platform: 'linux_amd64' }) };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'curvectl-runner-'));
  await writeFile(path.join(dir, 'main.tf'), 'resource "terraform_data" "a" {}\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function terraformWith(handler: (call: RecordedCall) => FakeAnswer | Promise<FakeAnswer>) {
  const run = fakeRunner((call) => (call.args[0] === 'version' ? VERSION : handler(call)));
  return { tf: new Terraform({ binary: 'terraform', run, env: { FROM_CALLER: 'x', TF_WORKSPACE: 'leaked' } }), run };
}

const nonVersion = (calls: RecordedCall[]) => calls.filter((c) => c.args[0] !== 'version');

describe('Terraform version check', () => {
  it('runs version -json once and caches it', async () => {
    const { tf, run } = terraformWith(() => ({}));
    await expect(tf.version()).resolves.toEqual({ version: '1.11.4', platform: 'linux_amd64' });
    await tf.version();
    expect(run.calls.filter((c) => c.args[0] === 'version')).toHaveLength(1);
    expect(run.calls[0]?.args).toEqual(['version', '-json']);
  });

  it('refuses a version older than 1.5 with an ENVIRONMENT error', async () => {
    const run = fakeRunner(() => ({ stdout: JSON.stringify({ terraform_version: '1.4.7' }) }));
    const err = await new Terraform({ run, minVersion: '1.5.0' }).version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CurvectlError);
    expect((err as CurvectlError).code).toBe('ENVIRONMENT');
    expect((err as CurvectlError).message).toBe('terraform is version 1.4.7; curvectl needs 1.5.0 or later.');
  });

  it('names the binary when it is missing', async () => {
    const run = fakeRunner(() => ({
      throws: new CurvectlError('ENVIRONMENT', 'tofu was not found on PATH.', { hint: 'Install tofu' }),
    }));
    const err = (await new Terraform({ binary: 'tofu', run }).version().catch((e: unknown) => e)) as CurvectlError;
    expect(err.code).toBe('ENVIRONMENT');
    expect(err.message).toBe('tofu was not found on PATH.');
    expect(err.hint).toMatch(/terraform\.binary/);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.5.0')).toBe(1);
    expect(compareVersions('1.5.0', '1.5.0')).toBe(0);
    expect(compareVersions('1.4.99', '1.5.0')).toBe(-1);
    expect(compareVersions('1.6.0-beta1', '1.5.0')).toBe(1);
    // A pre-release is older than its release.
    expect(compareVersions('1.10.0-beta1', '1.10.0')).toBe(-1);
  });

  it('refuses a pre-release of the minimum, and by default the minimum is what the stacks require', async () => {
    const run = fakeRunner(() => ({ stdout: JSON.stringify({ terraform_version: '1.9.0-rc1' }) }));
    const err = (await new Terraform({ run }).version().catch((e: unknown) => e)) as CurvectlError;
    expect(err.message).toBe(`terraform is version 1.9.0-rc1; curvectl needs ${MIN_TERRAFORM_VERSION} or later.`);
    for (const stack of ['cluster', 'platform', 'traffic']) {
      const versions = await readFile(path.join(repoRoot, 'terraform/stacks', stack, 'versions.tf'), 'utf8');
      const required = /required_version\s*=\s*">=\s*([0-9.]+)"/.exec(versions)?.[1];
      expect(required, `${stack}/versions.tf`).toBe(MIN_TERRAFORM_VERSION);
    }
  });
});

describe('Terraform.init', () => {
  it('runs init with the automation env, then skips while nothing changed', async () => {
    const { tf, run } = terraformWith(() => ({}));
    await expect(tf.init(dir)).resolves.toEqual({ skipped: false });
    await expect(tf.init(dir)).resolves.toEqual({ skipped: true });
    const inits = nonVersion(run.calls);
    expect(inits).toHaveLength(1);
    expect(inits[0]?.args).toEqual(['init', '-input=false', '-no-color']);
    expect(inits[0]?.options.cwd).toBe(dir);
    expect(inits[0]?.options.env).toMatchObject({
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      TF_WORKSPACE: 'default',
      FROM_CALLER: 'x',
    });
    const stamp = JSON.parse(await readFile(path.join(dir, INIT_STAMP_FILE), 'utf8')) as { hash: string };
    expect(stamp.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs again when a .tf file, the lock file or the backend config changes, not for var files', async () => {
    const { tf, run } = terraformWith(() => ({}));
    await tf.init(dir);
    await writeFile(path.join(dir, 'curvectl.auto.tfvars.json'), '{}');
    expect(await tf.init(dir)).toEqual({ skipped: true });
    await writeFile(path.join(dir, 'curvectl_override.tf'), 'terraform { backend "s3" {} }\n');
    expect(await tf.init(dir)).toEqual({ skipped: false });
    await writeFile(path.join(dir, '.terraform.lock.hcl'), '# lock\n');
    expect(await tf.init(dir)).toEqual({ skipped: false });
    expect(await tf.init(dir, { backendConfig: { bucket: 'b' } })).toEqual({ skipped: false });
    expect(await tf.init(dir, { backendConfig: { bucket: 'b' } })).toEqual({ skipped: true });
    expect(nonVersion(run.calls).at(-1)?.args).toEqual(['init', '-input=false', '-no-color', '-backend-config=bucket=b']);
  });

  it('runs again when a module recorded in modules.json changes', async () => {
    const moduleDir = path.join(dir, 'mod');
    await mkdir(moduleDir);
    await writeFile(path.join(moduleDir, 'main.tf'), '# v1\n');
    const { tf } = terraformWith((call) => {
      if (call.args[0] === 'init') {
        return mkdir(path.join(dir, '.terraform', 'modules'), { recursive: true })
          .then(() => writeFile(path.join(dir, '.terraform', 'modules', 'modules.json'), JSON.stringify({ Modules: [{ Key: '', Dir: '.' }, { Key: 'm', Dir: 'mod' }] })))
          .then(() => ({}));
      }
      return {};
    });
    await tf.init(dir);
    expect(await tf.init(dir)).toEqual({ skipped: true });
    await writeFile(path.join(moduleDir, 'main.tf'), '# v2: a new provider\n');
    expect(await tf.init(dir)).toEqual({ skipped: false });
  });

  it('turns a failed init into a TERRAFORM error with the stderr tail', async () => {
    const { tf } = terraformWith(() => ({ exitCode: 1, stderr: '│ Error: Failed to query available provider packages\n' }));
    const err = (await tf.init(dir, { stack: 'cluster' }).catch((e: unknown) => e)) as CurvectlError;
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toBe('Terraform failed in the cluster stack (exit code 1): Failed to query available provider packages');
    await expect(access(path.join(dir, INIT_STAMP_FILE))).rejects.toThrow();
  });
});

describe('Terraform workspaces', () => {
  it('parses workspace list output', () => {
    expect(parseWorkspaceList('* default\n  cluster-a\n  cluster-b\n\n\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n')).toEqual([
      'default',
      'cluster-a',
      'cluster-b',
    ]);
  });

  it('creates a missing workspace with TF_WORKSPACE equal to its name, once', async () => {
    const { tf, run } = terraformWith((call) => (call.args[1] === 'list' ? { stdout: '* default\n  cluster-a\n' } : {}));
    expect(await tf.ensureWorkspace(dir, 'cluster-a')).toEqual({ created: false });
    expect(await tf.ensureWorkspace(dir, 'cluster-b')).toEqual({ created: true });
    expect(await tf.ensureWorkspace(dir, 'cluster-b')).toEqual({ created: false });
    const calls = nonVersion(run.calls);
    expect(calls.map((c) => c.args)).toEqual([
      ['workspace', 'list'],
      ['workspace', 'new', 'cluster-b'],
    ]);
    expect(calls[1]?.options.env?.TF_WORKSPACE).toBe('cluster-b');
  });

  it('deletes with TF_WORKSPACE=default and never with -force unless asked', async () => {
    const { tf, run } = terraformWith((call) => (call.args[1] === 'list' ? { stdout: '* default\n  cluster-a\n' } : {}));
    expect(await tf.deleteWorkspace(dir, 'cluster-a')).toEqual({ deleted: true });
    expect(await tf.deleteWorkspace(dir, 'cluster-a')).toEqual({ deleted: false });
    const del = nonVersion(run.calls).find((c) => c.args[1] === 'delete');
    expect(del?.args).toEqual(['workspace', 'delete', 'cluster-a']);
    expect(del?.options.env?.TF_WORKSPACE).toBe('default');
  });
});

// planned_change lines as Terraform 1.11 prints them (the replace is a tainted record), and the plan's change_summary.
const plannedLine = (addr: string, type: string, action: string) =>
  JSON.stringify({ '@level': 'info', '@message': `${addr}: Plan to ${action}`, change: { resource: { addr, resource_type: type, implied_provider: 'aws' }, action }, type: 'planned_change' });
const planLines = [
  plannedLine('a.new', 'aws_x', 'create'),
  plannedLine('a.upd', 'aws_x', 'update'),
  plannedLine('module.dns.aws_route53_record.cluster["cluster-b"]', 'aws_route53_record', 'replace'),
  plannedLine('a.gone', 'aws_x', 'delete'),
  plannedLine('a.moved', 'aws_x', 'move'),
  plannedLine('data.aws_route53_zone.x', 'aws_route53_zone', 'read'),
  plannedLine('a.imported', 'aws_x', 'import'),
  plannedLine('a.forgotten', 'aws_x', 'remove'),
  '{"type":"change_summary","@message":"Plan: 2 to add, 1 to change, 2 to destroy.","changes":{"add":2,"change":1,"import":1,"remove":2,"operation":"plan"}}',
];

describe('Terraform.plan / apply / destroy / outputs', () => {
  it('lists the resources a plan changes: create, update, replace and delete, not a move, a read, an import or a forget alone', () => {
    expect(
      summarisePlannedChanges([
        { address: 'a.new', type: 'aws_x', action: 'create' },
        { address: 'a.rep', type: 'aws_eks_cluster', action: 'replace' },
        { address: 'a.moved', type: 'aws_x', action: 'move' },
        { address: 'data.x', type: 'aws_y', action: 'read' },
        { address: 'a.upd', type: 'aws_x', action: 'update' },
        { address: 'a.imp', type: 'aws_x', action: 'import' },
        { address: 'a.forget', type: 'aws_x', action: 'remove' },
        { address: 'a.gone', type: 'aws_x', action: 'delete' },
      ]),
    ).toEqual({ resources: ['a.new', 'a.rep', 'a.upd', 'a.gone'], replaced: [{ address: 'a.rep', type: 'aws_eks_cluster' }] });
  });

  it('plans to a file in the workspace, exit 2 = changes, summarised from its own -json stream (no show -json)', async () => {
    const { tf, run } = terraformWith((call) => (call.args[0] === 'plan' ? { exitCode: 2, stdoutLines: planLines } : {}));
    const events: string[] = [];
    const plan = await tf.plan(dir, {
      stack: 'cluster',
      workspace: 'cluster-b',
      varFiles: ['.terraform/curvectl/cluster-b.tfvars.json'],
      onProgress: (e) => events.push(`${e.stack}/${e.workspace}/${e.type}`),
    });
    expect(plan.changes).toBe(true);
    expect(plan.resourceChanges).toBe(true);
    expect(plan.summary).toEqual({ add: 2, change: 1, remove: 2 });
    expect(plan.resources).toEqual(['a.new', 'a.upd', 'module.dns.aws_route53_record.cluster["cluster-b"]', 'a.gone']);
    expect(plan.replaced).toEqual([{ address: 'module.dns.aws_route53_record.cluster["cluster-b"]', type: 'aws_route53_record' }]);
    expect(plan.planFile).toMatch(/^\.terraform\/curvectl\/cluster-b-[0-9a-f]{8}\.tfplan$/);
    const [planCall, ...others] = nonVersion(run.calls);
    expect(others).toEqual([]);
    expect(planCall?.args).toEqual([
      'plan',
      '-json',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-lock-timeout=120s',
      `-out=${plan.planFile}`,
      '-var-file=.terraform/curvectl/cluster-b.tfvars.json',
    ]);
    expect(planCall?.options).toMatchObject({ cwd: dir, reject: false, errorCode: 'TERRAFORM' });
    expect(planCall?.options.env).toMatchObject({ TF_WORKSPACE: 'cluster-b', TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' });
    expect(events).toEqual([...Array(8).fill('cluster/cluster-b/planned_change'), 'cluster/cluster-b/change_summary']);
    expect(plan.command).toBe(
      `TF_WORKSPACE=cluster-b terraform -chdir=${dir} plan -json -input=false -no-color -detailed-exitcode -lock-timeout=120s -out=${plan.planFile} -var-file=.terraform/curvectl/cluster-b.tfvars.json`,
    );
  });

  it('exit 0 = no changes; -destroy is passed through', async () => {
    const { tf, run } = terraformWith((call) =>
      call.args[0] === 'plan' ? { stdoutLines: ['{"type":"change_summary","changes":{"add":0,"change":0,"import":0,"remove":0,"operation":"plan"}}'] } : {},
    );
    const plan = await tf.plan(dir, { stack: 'traffic', destroy: true });
    expect(plan.changes).toBe(false);
    expect(plan.resourceChanges).toBe(false);
    expect(plan.summary).toEqual({ add: 0, change: 0, remove: 0 });
    expect(nonVersion(run.calls)[0]?.args).toContain('-destroy');
    expect(nonVersion(run.calls)[0]?.options.env?.TF_WORKSPACE).toBe('default');
  });

  it('fails closed when the plan printed no change summary: its changes are unknown, not none (and the plan file is removed)', async () => {
    let planFile = '';
    const { tf } = terraformWith((call) => {
      if (call.args[0] !== 'plan') return {};
      planFile = call.args.find((a) => a.startsWith('-out='))!.slice('-out='.length);
      mkdirSync(path.join(dir, path.dirname(planFile)), { recursive: true });
      writeFileSync(path.join(dir, planFile), 'plan');
      return { exitCode: 0, stdoutLines: [plannedLine('a.upd', 'aws_x', 'update')] };
    });
    const err = (await tf.plan(dir, { stack: 'traffic' }).catch((e: unknown) => e)) as CurvectlError;
    expect(err).toBeInstanceOf(CurvectlError);
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toBe('Could not read the plan of the traffic stack: terraform plan -json printed no change summary.');
    expect(existsSync(path.join(dir, planFile))).toBe(false);
  });

  it('a failed plan throws TERRAFORM with the error diagnostic as message', async () => {
    const { tf } = terraformWith(() => ({
      exitCode: 1,
      stdoutLines: [
        '{"type":"diagnostic","@level":"error","diagnostic":{"severity":"error","summary":"Invalid value for variable","detail":"cluster_name must be 2-24 lowercase letters."}}',
      ],
    }));
    const err = (await tf.plan(dir, { stack: 'cluster', workspace: 'x' }).catch((e: unknown) => e)) as CurvectlError;
    expect(err).toBeInstanceOf(CurvectlError);
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toBe('Terraform failed in the cluster stack (workspace x): Invalid value for variable. cluster_name must be 2-24 lowercase letters.');
  });

  it('applies the saved plan with -json and removes the plan file', async () => {
    await mkdir(path.join(dir, '.terraform', 'curvectl'), { recursive: true });
    await writeFile(path.join(dir, '.terraform', 'curvectl', 'p.tfplan'), 'plan');
    const { tf, run } = terraformWith(() => ({
      stdoutLines: ['{"type":"change_summary","@message":"Apply complete!","changes":{"add":0,"change":1,"remove":0,"operation":"apply"}}'],
    }));
    const summary = await tf.apply(dir, '.terraform/curvectl/p.tfplan', { stack: 'traffic' });
    expect(summary).toEqual({ add: 0, change: 1, remove: 0 });
    expect(nonVersion(run.calls)[0]?.args).toEqual(['apply', '-json', '-input=false', '-lock-timeout=120s', '.terraform/curvectl/p.tfplan']);
    await expect(access(path.join(dir, '.terraform', 'curvectl', 'p.tfplan'))).rejects.toThrow();
  });

  it('destroys with -auto-approve and var files', async () => {
    const { tf, run } = terraformWith(() => ({
      stdoutLines: ['{"type":"change_summary","changes":{"add":0,"change":0,"remove":7,"operation":"destroy"}}'],
    }));
    expect(await tf.destroy(dir, { stack: 'cluster', workspace: 'cluster-a', varFiles: ['v.json'] })).toEqual({ add: 0, change: 0, remove: 7 });
    expect(nonVersion(run.calls)[0]?.args).toEqual(['destroy', '-json', '-auto-approve', '-input=false', '-lock-timeout=120s', '-var-file=v.json']);
    expect(nonVersion(run.calls)[0]?.options.env?.TF_WORKSPACE).toBe('cluster-a');
  });

  it('reads outputs as JSON in the workspace', async () => {
    const { tf, run } = terraformWith(() => ({ stdout: '{"cluster_name":{"value":"cluster-a","type":"string","sensitive":false}}\n' }));
    expect(await tf.outputs(dir, 'cluster-a')).toEqual({ cluster_name: { value: 'cluster-a', type: 'string', sensitive: false } });
    expect(nonVersion(run.calls)[0]?.args).toEqual(['output', '-json', '-no-color']);
    expect(nonVersion(run.calls)[0]?.options.env?.TF_WORKSPACE).toBe('cluster-a');
  });

  it('serializes runs in one directory, not across directories', async () => {
    let active = 0;
    let maxActive = 0;
    const perDir = new Map<string, number>();
    let maxPerDir = 0;
    const { tf } = terraformWith(async (call) => {
      const key = call.options.cwd ?? '';
      active++;
      perDir.set(key, (perDir.get(key) ?? 0) + 1);
      maxActive = Math.max(maxActive, active);
      maxPerDir = Math.max(maxPerDir, perDir.get(key) ?? 0);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      perDir.set(key, (perDir.get(key) ?? 1) - 1);
      return call.args[0] === 'output' ? { stdout: '{}' } : {};
    });
    const other = await mkdtemp(path.join(tmpdir(), 'curvectl-runner-'));
    try {
      await tf.version();
      await Promise.all([
        tf.outputs(dir, 'a'),
        tf.outputs(dir, 'b'),
        tf.outputs(dir, 'c'),
        tf.outputs(other, 'a'),
        tf.outputs(other, 'b'),
      ]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    expect(maxPerDir).toBe(1);
    expect(maxActive).toBe(2);
  });
});
