import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurvectlError } from '../../../src/core/errors.js';
import { loadConfig, parseConfigText, renderDefaultConfig, resolveConfigPath } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'curvectl-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const minimal = 'dns:\n  zone: example.com\n  record: api.example.com\n';

async function errorOf(promise: Promise<unknown>): Promise<CurvectlError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CurvectlError);
  return err as CurvectlError;
}

function parseError(text: string): CurvectlError {
  try {
    parseConfigText(text, '/cfg/curvectl.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(CurvectlError);
    return err as CurvectlError;
  }
  throw new Error('expected an error');
}

describe('resolveConfigPath', () => {
  it('prefers --config, then CURVECTL_CONFIG, then ./curvectl.yaml', () => {
    expect(resolveConfigPath({ path: 'a.yaml', env: { CURVECTL_CONFIG: '/b.yaml' }, cwd: '/w' })).toBe('/w/a.yaml');
    expect(resolveConfigPath({ env: { CURVECTL_CONFIG: '/b.yaml' }, cwd: '/w' })).toBe('/b.yaml');
    expect(resolveConfigPath({ env: { CURVECTL_CONFIG: '' }, cwd: '/w' })).toBe('/w/curvectl.yaml');
    expect(resolveConfigPath({ env: {}, cwd: '/w' })).toBe('/w/curvectl.yaml');
  });
});

describe('loadConfig', () => {
  it('loads ./curvectl.yaml with every default filled in', async () => {
    await writeFile(path.join(dir, 'curvectl.yaml'), minimal);
    const loaded = await loadConfig({ env: {}, cwd: dir });
    expect(loaded.path).toBe(path.join(dir, 'curvectl.yaml'));
    expect(loaded.dir).toBe(dir);
    expect(loaded.config).toEqual({
      terraform: { binary: 'terraform', stacksDir: 'terraform/stacks', backend: { type: 'local' } },
      dns: { zone: 'example.com', record: 'api.example.com', ttl: 60 },
      platform: { enabled: true, variables: {} },
      cluster: { kubernetesVersion: '1.35', variables: {} },
      shift: { step: 10, bakeMs: 300_000, gateIntervalMs: 10_000, gateErrorLimit: 3 },
      retire: { maxFlows: 0, flowWindowMs: 300_000, requireFlowData: true, flowTimeoutMs: 1_800_000 },
      observed: { windowMs: 300_000, basis: 'bytes' },
      gates: [{ type: 'eks' }, { type: 'nodegroups' }],
      state: { backend: 'local', dir: '.curvectl' },
    });
  });

  it('reads the file named by CURVECTL_CONFIG', async () => {
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'other.yaml'), minimal);
    const loaded = await loadConfig({ env: { CURVECTL_CONFIG: 'sub/other.yaml' }, cwd: dir });
    expect(loaded.dir).toBe(path.join(dir, 'sub'));
  });

  it('says where it looked when the file is missing', async () => {
    const err = await errorOf(loadConfig({ env: {}, cwd: dir }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toBe(`No configuration at ${path.join(dir, 'curvectl.yaml')}.`);
    expect(err.hint).toBe('Run curvectl init, or pass --config.');
    expect(err.exitCode).toBe(2);
  });

  it('refuses a directory', async () => {
    const err = await errorOf(loadConfig({ path: '.', env: {}, cwd: dir }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toMatch(/is a directory/);
  });
});

describe('parseConfigText', () => {
  it('names file:line:col for malformed YAML', () => {
    const err = parseError('dns:\n  zone: example.com\n   record: api.example.com\n');
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toMatch(/^\/cfg\/curvectl\.yaml:\d+:\d+: invalid YAML: /);
    expect(err.details).toMatchObject({ file: '/cfg/curvectl.yaml', line: expect.any(Number), column: expect.any(Number) });
  });

  it('refuses duplicate keys', () => {
    const err = parseError(`${minimal}dns:\n  zone: other.com\n`);
    expect(err.message).toMatch(/^\/cfg\/curvectl\.yaml:4:1: invalid YAML: Map keys must be unique/);
  });

  it('names an unknown key first, with the allowed keys and the line, and lists every problem in details', () => {
    const err = parseError('dns:\n  zone: example.com\n  recrod: api.example.com\n');
    expect(err.message).toBe(
      "/cfg/curvectl.yaml: dns.recrod: unknown key 'recrod' (allowed: zone, record, ttl) (line 3) (and 1 more problem).",
    );
    const problems = err.details?.problems as Array<{ path: string; message: string }>;
    expect(problems.map((p) => p.path)).toEqual(['dns.recrod', 'dns.record']);
    expect(problems[1]?.message).toBe('missing; expected a string');
  });

  it('knows the allowed keys inside a discriminated union', () => {
    const err = parseError(`${minimal}gates:\n  - type: alarm\n    alarms: [a]\n    alarmz: [b]\n`);
    expect(err.message).toBe(
      "/cfg/curvectl.yaml: gates[0].alarmz: unknown key 'alarmz' (allowed: type, alarms, allowInsufficientData) (line 7).",
    );
  });

  it('explains invalid record and zone names', () => {
    expect(parseError('dns:\n  zone: example.com\n  record: not_a name\n').message).toBe(
      '/cfg/curvectl.yaml: dns.record: expected a DNS name like "api.example.com" (line 3).',
    );
    expect(parseError('dns:\n  zone: localhost\n  record: api.example.com\n').message).toBe(
      '/cfg/curvectl.yaml: dns.zone: expected a DNS name like "api.example.com" (line 2).',
    );
  });

  it('explains wrong types and unknown gate types', () => {
    expect(parseError(`${minimal}  ttl: "60"\n`).message).toBe('/cfg/curvectl.yaml: dns.ttl: expected a number, got "60" (line 4).');
    expect(parseError(`${minimal}gates:\n  - type: nope\n`).message).toBe(
      '/cfg/curvectl.yaml: gates[0].type: expected one of eks, nodegroups, target-health, alarm, metric, http, command, prometheus, web, flux, got "nope" (line 5).',
    );
    expect(parseError(`${minimal}shift:\n  bake: "10"\n`).message).toBe(
      '/cfg/curvectl.yaml: shift.bake: expected a duration like "30s", "5m", "1h" or "0s" (line 5).',
    );
  });

  it('says what is missing in an empty file', () => {
    expect(parseError('').message).toBe('/cfg/curvectl.yaml: dns: missing; expected a mapping.');
    expect(parseError('# only a comment\n').message).toBe('/cfg/curvectl.yaml: dns: missing; expected a mapping.');
  });

  it('refuses a document that is not a mapping', () => {
    expect(parseError('- a\n- b\n').message).toBe('/cfg/curvectl.yaml: (top level): expected a mapping, got a list (line 1).');
  });
});

describe('renderDefaultConfig', () => {
  it('round-trips through the loader with the schema defaults', () => {
    const text = renderDefaultConfig({ zone: 'example.com', record: 'api-origin.example.com' });
    const config = parseConfigText(text, 'curvectl.yaml');
    const defaults = configSchema.parse({ dns: { zone: 'example.com', record: 'api-origin.example.com' } });
    expect(config).toEqual(defaults);
    // The schema comment comes first (issue 15), then the file's own heading.
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+\n# curvectl configuration/);
  });

  it('writes region, ttl and version when given', () => {
    const config = parseConfigText(
      renderDefaultConfig({ zone: 'example.com', record: 'api.example.com', region: 'eu-west-1', ttl: 30, kubernetesVersion: '1.32' }),
      'curvectl.yaml',
    );
    expect(config.region).toBe('eu-west-1');
    expect(config.dns.ttl).toBe(30);
    expect(config.cluster.kubernetesVersion).toBe('1.32');
  });

  it('quotes values safely', () => {
    const text = renderDefaultConfig({ zone: 'example.com', record: 'api.example.com' });
    expect(text).toContain('zone: "example.com"');
  });
});
