import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { bootstrapJson, bootstrapTargets, type BootstrapReport } from '../../../src/core/state-bootstrap.js';

const dns = { zone: 'example.com', record: 'api.example.com' };

describe('bootstrapTargets: what curvectl.yaml asks the bootstrap to create', () => {
  it('nothing for local state and a local Terraform backend', () => {
    expect(bootstrapTargets(configSchema.parse({ dns }))).toEqual({ tables: [] });
  });

  it('the state table, the bucket and Terraform lock table, each in its own region or else the top-level one', () => {
    const config = configSchema.parse({
      dns,
      region: 'eu-west-1',
      state: { backend: 'dynamodb', table: 'curvectl-state', region: 'us-east-1' },
      terraform: { backend: { type: 's3', bucket: 'team-tf', dynamodbTable: 'tf-lock' } },
    });
    expect(bootstrapTargets(config)).toEqual({
      bucket: { name: 'team-tf', region: 'eu-west-1' },
      tables: [
        { name: 'curvectl-state', purpose: 'state', region: 'us-east-1' },
        { name: 'tf-lock', purpose: 'terraform-lock', region: 'eu-west-1' },
      ],
    });
  });

  it('leaves the region out when no level names one (the SDK chain decides)', () => {
    const targets = bootstrapTargets(configSchema.parse({ dns, terraform: { backend: { type: 's3', bucket: 'team-tf' } } }));
    expect(targets).toEqual({ bucket: { name: 'team-tf' }, tables: [] });
    expect(targets.bucket).not.toHaveProperty('region');
  });
});

describe('bootstrapJson', () => {
  it('is the report with each action as its kind, outcome and one AWS CLI command line', () => {
    const report: BootstrapReport = {
      dryRun: true,
      warnings: ['w'],
      resources: [
        {
          type: 'dynamodb-table',
          name: 't',
          region: 'eu-west-1',
          purpose: 'state',
          existed: false,
          settings: [],
          actions: [{ action: { kind: 'table-pitr', name: 't', region: 'eu-west-1' }, description: 'turn on PITR', command: ['aws', 'x'], outcome: 'planned' }],
        },
        { type: 's3-bucket', name: 'b', region: 'eu-west-1', existed: true, settings: ['versioning on'], actions: [] },
      ],
    };
    expect(bootstrapJson(report, (argv) => argv.join(' '))).toEqual({
      dryRun: true,
      resources: [
        {
          type: 'dynamodb-table', name: 't', region: 'eu-west-1', purpose: 'state', existed: false, settings: [],
          actions: [{ kind: 'table-pitr', description: 'turn on PITR', outcome: 'planned', command: 'aws x' }],
        },
        { type: 's3-bucket', name: 'b', region: 'eu-west-1', existed: true, settings: ['versioning on'], actions: [] },
      ],
      warnings: ['w'],
    });
  });
});
