import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkConfigText, formatProblem, parseConfigText, renderDefaultConfig } from '../../../src/config/load.js';
import { configJsonSchema, SCHEMA_COMMENT } from '../../../src/config/json-schema.js';

const ajv = new Ajv({ allErrors: true, strict: false });

describe('the JSON Schema of curvectl.yaml', () => {
  const schema = configJsonSchema();
  const validate = ajv.compile(schema);

  it('is generated from the zod schema: strict objects, required keys, defaults and gate types', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const props = schema.properties as Record<string, { required?: string[]; additionalProperties?: unknown }>;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['region', 'dns', 'terraform', 'shift', 'gates', 'state']));
    expect(props.dns?.required).toEqual(['zone', 'record']);
    expect(props.dns?.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['dns']);
    const gates = JSON.stringify(props.gates);
    for (const type of ['eks', 'nodegroups', 'target-health', 'alarm', 'metric', 'http', 'command']) expect(gates).toContain(`"const":"${type}"`);
  });

  it('accepts what init writes and refuses what the loader refuses', () => {
    const written = renderDefaultConfig({ zone: 'example.com', record: 'api.example.com' });
    expect(validate(parse(written))).toBe(true);
    expect(validate(parse('dns: { zone: example.com, record: api.example.com, ttl: -1 }'))).toBe(false);
    expect(validate(parse('dns: { zone: example.com, record: api.example.com }\nshift: { bake: 5 }'))).toBe(false);
    expect(validate(parse('dns: { zone: example.com, record: api.example.com }\ngates: [{ type: nope }]'))).toBe(false);
  });
});

describe('init writes the schema comment', () => {
  it('as the first line of curvectl.yaml, and the file still loads', () => {
    const written = renderDefaultConfig({ zone: 'example.com', record: 'api.example.com' });
    expect(written.split('\n')[0]).toBe(SCHEMA_COMMENT);
    expect(SCHEMA_COMMENT).toBe('# yaml-language-server: $schema=./curvectl.schema.json');
    expect(parseConfigText(written, 'curvectl.yaml').dns.record).toBe('api.example.com');
  });
});

describe('checkConfigText', () => {
  it('reports every problem with line and column, not only the first', () => {
    const text = 'dns:\n  zone: example.com\n  record: api.example.com\n  tll: 5\nshift:\n  bake: 5m\n  step: 200\nretire: { drain: soon }\n';
    const lines = checkConfigText(text).problems.map((p) => formatProblem('f.yaml', p));
    expect(lines).toEqual([
      "f.yaml:4:3: dns.tll: unknown key 'tll' (allowed: zone, record, ttl)",
      'f.yaml:7:9: shift.step: too big: expected number to be <=100',
      expect.stringMatching(/^f\.yaml:8:18: retire\.drain: expected a duration/),
    ]);
  });

  it('reports every YAML syntax error with its position', () => {
    const check = checkConfigText('dns:\n  zone: a\n  zone: b\nx: [1,\n');
    expect(check.syntax).toBe(true);
    expect(check.problems.length).toBeGreaterThanOrEqual(2);
    for (const p of check.problems) expect(p.line).toBeGreaterThan(0);
  });

  it('has no problems for a valid file', () => {
    expect(checkConfigText('dns: { zone: example.com, record: api.example.com }').problems).toEqual([]);
  });
});
