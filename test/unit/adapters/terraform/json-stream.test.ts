import { describe, expect, it } from 'vitest';
import type { TerraformProgress } from '../../../../src/core/ports.js';
import {
  TerraformJsonStream,
  parseTerraformJsonLine,
  resourceTypeOf,
  terraformError,
  toProgress,
} from '../../../../src/adapters/terraform/json-stream.js';

// Lines as Terraform 1.11 prints them (trimmed of timestamps that do not matter here).
const lines = [
  '{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","terraform":"1.11.4","type":"version","ui":"1.2"}',
  '{"@level":"info","@message":"aws_route53_record.weighted[\\"cluster-a\\"]: Plan to update","change":{"resource":{"addr":"aws_route53_record.weighted[\\"cluster-a\\"]","resource_type":"aws_route53_record"},"action":"update"},"type":"planned_change"}',
  '{"@level":"info","@message":"Plan: 0 to add, 1 to change, 0 to destroy.","changes":{"add":0,"change":1,"import":0,"remove":0,"operation":"plan"},"type":"change_summary"}',
  '{"@level":"info","@message":"aws_route53_record.weighted[\\"cluster-a\\"]: Modifying...","hook":{"resource":{"addr":"x"},"action":"update"},"type":"apply_start"}',
  '{"@level":"info","@message":"aws_route53_record.weighted[\\"cluster-a\\"]: Still modifying... [10s elapsed]","hook":{"resource":{"addr":"x"},"action":"update","elapsed_seconds":10},"type":"apply_progress"}',
  '{"@level":"info","@message":"aws_route53_record.weighted[\\"cluster-a\\"]: Modifications complete after 15s","hook":{"resource":{"addr":"x"},"action":"update","elapsed_seconds":15},"type":"apply_complete"}',
  '{"@level":"info","@message":"Apply complete! Resources: 0 added, 1 changed, 0 destroyed.","changes":{"add":0,"change":1,"import":0,"remove":0,"operation":"apply"},"type":"change_summary"}',
  '{"@level":"info","@message":"Outputs: 1","outputs":{"record":{"sensitive":false,"type":"string","value":"api.example.test"}},"type":"outputs"}',
  '{"@level":"info","@message":"some log line","type":"log"}',
];

describe('parseTerraformJsonLine', () => {
  it('parses UI messages and ignores everything else', () => {
    expect(parseTerraformJsonLine(lines[0]!)?.type).toBe('version');
    expect(parseTerraformJsonLine('')).toBeUndefined();
    expect(parseTerraformJsonLine('panic: runtime error')).toBeUndefined();
    expect(parseTerraformJsonLine('{"no":"type"}')).toBeUndefined();
    expect(parseTerraformJsonLine('{torn')).toBeUndefined();
  });
});

describe('TerraformJsonStream', () => {
  it('turns lines into progress events with counts, and keeps the summary and outputs', () => {
    const events: TerraformProgress[] = [];
    const stream = new TerraformJsonStream({ stack: 'traffic', workspace: 'default' }, (e) => events.push(e));
    for (const line of lines) stream.push(line);
    // No "version" event: "Terraform 1.11.4" is not progress.
    expect(events.map((e) => e.type)).toEqual([
      'planned_change',
      'change_summary',
      'apply_start',
      'apply_progress',
      'apply_complete',
      'change_summary',
      'outputs',
    ]);
    expect(events.every((e) => e.stack === 'traffic' && e.workspace === 'default')).toBe(true);
    expect(events[1]?.counts).toEqual({ add: 0, change: 1, remove: 0 });
    expect(events[3]?.message).toContain("Still modifying");
    expect(stream.summary).toEqual({ add: 0, change: 1, remove: 0 });
    expect(stream.plannedChanges).toEqual([{ address: 'aws_route53_record.weighted["cluster-a"]', type: 'aws_route53_record', action: 'update' }]);
    expect(stream.outputs?.record?.value).toBe('api.example.test');
    expect(stream.errors).toEqual([]);
  });

  it('collects diagnostics; errors become the error message (summary + detail)', () => {
    const stream = new TerraformJsonStream({ stack: 'cluster', workspace: 'cluster-b' });
    stream.pushAll(
      [
        '{"@level":"warn","@message":"Warning: Deprecated","diagnostic":{"severity":"warning","summary":"Deprecated","detail":"old"},"type":"diagnostic"}',
        '{"@level":"error","@message":"Error: creating EKS Cluster","diagnostic":{"severity":"error","summary":"creating EKS Cluster (cluster-b): operation error EKS: CreateCluster","detail":"ResourceInUseException: Cluster already exists with name: cluster-b","address":"module.cluster.aws_eks_cluster.this","range":{"filename":"main.tf","start":{"line":3}}},"type":"diagnostic"}',
        'not json at all',
      ].join('\n'),
    );
    expect(stream.diagnostics).toHaveLength(2);
    expect(stream.errors).toHaveLength(1);
    expect(stream.otherLines).toEqual(['not json at all']);
    const err = terraformError({ stack: 'cluster', workspace: 'cluster-b', command: 'terraform apply', diagnostics: stream.diagnostics });
    expect(err.code).toBe('TERRAFORM');
    expect(err.message).toBe(
      'Terraform failed in the cluster stack (workspace cluster-b): creating EKS Cluster (cluster-b): operation error EKS: CreateCluster (module.cluster.aws_eks_cluster.this). ResourceInUseException: Cluster already exists with name: cluster-b',
    );
    expect(err.hint).toBeTruthy();
    expect((err.details?.diagnostics as unknown[]).length).toBe(2);
  });

  it('falls back to the stderr tail when there is no diagnostic', () => {
    const err = terraformError({
      stack: 'traffic',
      command: 'terraform init',
      diagnostics: [],
      stderrTail: '╷\n│ Error: Backend configuration changed\n│\n│ A change in the backend configuration has been detected\n╵',
      exitCode: 1,
    });
    expect(err.message).toBe('Terraform failed in the traffic stack (exit code 1): Backend configuration changed');
  });

  it('scrubs credentials from diagnostics', () => {
    const stream = new TerraformJsonStream({ stack: 'traffic', workspace: 'default' });
    stream.push(
      '{"type":"diagnostic","diagnostic":{"severity":"error","summary":"bad key AKIAABCDEFGHIJKLMNOP","detail":"secret_key=abc/DEF+ghi"}}',
    );
    const message = terraformError({ stack: 'traffic', command: 'x', diagnostics: stream.diagnostics }).message;
    expect(message).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(message).not.toContain('abc/DEF+ghi');
  });

  it('a throwing progress listener does not break parsing', () => {
    const stream = new TerraformJsonStream({ stack: 'traffic', workspace: 'default' }, () => {
      throw new Error('renderer bug');
    });
    stream.pushAll(lines.join('\n'));
    expect(stream.summary).toEqual({ add: 0, change: 1, remove: 0 });
  });

  it('toProgress drops noise', () => {
    expect(toProgress({ type: 'log', '@message': 'x' }, { stack: 'traffic', workspace: 'default' })).toBeUndefined();
  });
});

describe('resourceTypeOf (a planned_change without resource_type)', () => {
  it('reads the type out of the address, through module prefixes and keys with dots', () => {
    expect(resourceTypeOf('aws_eks_cluster.this')).toBe('aws_eks_cluster');
    expect(resourceTypeOf('module.cluster.aws_eks_cluster.this')).toBe('aws_eks_cluster');
    expect(resourceTypeOf('module.a["x.y"].module.b[0].aws_route53_record.cluster["cluster-b"]')).toBe('aws_route53_record');
    expect(resourceTypeOf('module.dns.data.aws_route53_zone.this')).toBe('aws_route53_zone');
  });

  it('fills in the type the stream lacks, so a replaced EKS cluster is still seen as one', () => {
    const stream = new TerraformJsonStream({ stack: 'cluster', workspace: 'cluster-b' });
    stream.push('{"type":"planned_change","change":{"resource":{"addr":"module.cluster.aws_eks_cluster.this"},"action":"replace"}}');
    expect(stream.plannedChanges).toEqual([{ address: 'module.cluster.aws_eks_cluster.this', type: 'aws_eks_cluster', action: 'replace' }]);
  });
});
