import { describe, expect, it } from 'vitest';
import { parseConfigText, renderDefaultConfig } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';

describe('renderDefaultConfig for a team (init --backend s3)', () => {
  it('round-trips: S3 state with native locking, lock and journal in DynamoDB, every other default unchanged', () => {
    const text = renderDefaultConfig({ zone: 'example.com', record: 'api-origin.example.com', team: { bucket: 'team-tf-state', table: 'curvectl' } });
    const config = parseConfigText(text, 'curvectl.yaml');
    const defaults = configSchema.parse({ dns: { zone: 'example.com', record: 'api-origin.example.com' } });
    expect(config).toEqual({
      ...defaults,
      terraform: { ...defaults.terraform, backend: { type: 's3', bucket: 'team-tf-state', keyPrefix: 'curvectl', useLockfile: true } },
      state: { backend: 'dynamodb', table: 'curvectl', leaseMs: 60_000 },
    });
    expect(text).toContain('curvectl state bootstrap creates it');
    expect(text).not.toMatch(/backend: local/);
  });

  it('takes the region from the top level for both (written once)', () => {
    const config = parseConfigText(
      renderDefaultConfig({ zone: 'example.com', record: 'api.example.com', region: 'eu-west-1', team: { bucket: 'b-1', table: 't-1' } }),
      'curvectl.yaml',
    );
    expect(config.region).toBe('eu-west-1');
    expect(config.terraform.backend).not.toHaveProperty('region');
    expect(config.state).not.toHaveProperty('region');
  });

  it('quotes names safely', () => {
    const text = renderDefaultConfig({ zone: 'example.com', record: 'api.example.com', team: { bucket: 'b.with.dots', table: 'T_1-x.y' } });
    expect(text).toContain('bucket: "b.with.dots"');
    expect(text).toContain('table: "T_1-x.y"');
  });

  it('leaves the default (local) output as it was without team options', () => {
    // The local output must not move: team options only ever add.
    const text = renderDefaultConfig({ zone: 'example.com', record: 'api.example.com', region: 'eu-west-1' });
    expect(text).toContain('  backend:\n    type: local\n');
    expect(text).toContain('state:\n  backend: local\n  dir: ".curvectl"\n');
    expect(text.endsWith('  dir: ".curvectl"\n')).toBe(true);
  });
});
