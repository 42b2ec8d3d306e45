import { describe, expect, it } from 'vitest';
import {
  applyPlanArgs,
  destroyArgs,
  initArgs,
  outputJsonArgs,
  planArgs,
  versionJsonArgs,
  workspaceDeleteArgs,
  workspaceListArgs,
  workspaceNewArgs,
  workspaceSelectArgs,
} from '../../../../src/adapters/terraform/argv.js';

describe('terraform argv builders', () => {
  it('init is non-interactive, colourless, with backend config pairs in order', () => {
    expect(initArgs()).toEqual(['init', '-input=false', '-no-color']);
    expect(initArgs({ backendConfig: { bucket: 'b', key: 'curvectl/cluster.tfstate', use_lockfile: 'true' } })).toEqual([
      'init',
      '-input=false',
      '-no-color',
      '-backend-config=bucket=b',
      '-backend-config=key=curvectl/cluster.tfstate',
      '-backend-config=use_lockfile=true',
    ]);
    expect(initArgs({ reconfigure: true, upgrade: true })).toEqual(['init', '-input=false', '-no-color', '-reconfigure', '-upgrade']);
  });

  it('workspace commands', () => {
    expect(workspaceSelectArgs('cluster-a')).toEqual(['workspace', 'select', 'cluster-a']);
    expect(workspaceSelectArgs('cluster-a', { orCreate: true })).toEqual(['workspace', 'select', '-or-create', 'cluster-a']);
    expect(workspaceNewArgs('cluster-a')).toEqual(['workspace', 'new', 'cluster-a']);
    expect(workspaceDeleteArgs('cluster-a')).toEqual(['workspace', 'delete', 'cluster-a']);
    expect(workspaceDeleteArgs('cluster-a', { force: true })).toEqual(['workspace', 'delete', '-force', 'cluster-a']);
    expect(workspaceListArgs()).toEqual(['workspace', 'list']);
  });

  it('plan saves to a file with detailed exit codes and var files in order', () => {
    expect(planArgs({ out: 'p.tfplan', varFiles: ['a.json', 'b.json'] })).toEqual([
      'plan',
      '-json',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-lock-timeout=120s',
      '-out=p.tfplan',
      '-var-file=a.json',
      '-var-file=b.json',
    ]);
    expect(planArgs({ out: 'p.tfplan', destroy: true, json: false })).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-lock-timeout=120s',
      '-out=p.tfplan',
      '-destroy',
    ]);
  });

  it('apply of a saved plan needs neither -auto-approve nor var files', () => {
    expect(applyPlanArgs('p.tfplan')).toEqual(['apply', '-json', '-input=false', '-lock-timeout=120s', 'p.tfplan']);
  });

  it('output, version and destroy', () => {
    expect(outputJsonArgs()).toEqual(['output', '-json', '-no-color']);
    expect(versionJsonArgs()).toEqual(['version', '-json']);
    expect(destroyArgs()).toEqual(['destroy', '-json', '-auto-approve', '-input=false', '-lock-timeout=120s']);
    expect(destroyArgs({ varFiles: ['v.json'] })).toEqual(['destroy', '-json', '-auto-approve', '-input=false', '-lock-timeout=120s', '-var-file=v.json']);
  });
});
