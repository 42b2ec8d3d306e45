/**
 * Every YAML example in the README is a configuration a reader may copy: each must validate, with
 * curvectl's own check and against the generated JSON Schema (what an editor sees). A fragment (no
 * `dns:`) is checked merged over a minimal dns section. An example followed by a
 * `$ curvectl config validate` block is a bad one: it must give exactly the problems printed there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkConfigText, formatProblem } from '../../../src/config/load.js';
import { configJsonSchema } from '../../../src/config/json-schema.js';

const readme = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

interface Example {
  readonly line: number;
  readonly text: string;
  readonly expected?: readonly string[];
}

function examples(): Example[] {
  const out: Example[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```\n/gm;
  const blocks: { lang: string; body: string; start: number; end: number }[] = [];
  for (let m = fence.exec(readme); m; m = fence.exec(readme)) {
    blocks.push({ lang: m[1] ?? '', body: m[2] ?? '', start: m.index, end: m.index + m[0].length });
  }
  blocks.forEach((b, i) => {
    if (b.lang !== 'yaml') return;
    const next = blocks[i + 1];
    const adjacent = next && readme.slice(b.end, next.start).trim() === '';
    const output = adjacent && next.body.startsWith('$ curvectl config validate') ? next.body.split('\n').slice(1).filter(Boolean) : undefined;
    out.push({ line: readme.slice(0, b.start).split('\n').length, text: b.body, ...(output ? { expected: output } : {}) });
  });
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(configJsonSchema());
const minimalDns = 'dns:\n  zone: example.com\n  record: api-origin.example.com\n';

const all = examples();
const good = all.filter((e) => !e.expected);
const bad = all.filter((e) => e.expected);

describe('README configuration examples', () => {
  it('has good and bad examples to check (the harness finds them)', () => {
    expect(good.length).toBeGreaterThanOrEqual(2);
    expect(bad.length).toBeGreaterThanOrEqual(1);
  });

  it.each(good.map((e) => [e.line, e] as const))('the example at README line %i validates', (_line, example) => {
    const text = /^dns:/m.test(example.text) ? example.text : `${minimalDns}${example.text}`;
    const check = checkConfigText(text);
    expect(check.problems.map((p) => formatProblem('curvectl.yaml', p))).toEqual([]);
    expect(validateSchema(parse(text)), JSON.stringify(validateSchema.errors)).toBe(true);
  });

  it.each(bad.map((e) => [e.line, e] as const))('the bad example at README line %i fails with the problems shown', (_line, example) => {
    const check = checkConfigText(example.text);
    expect(check.problems.map((p) => formatProblem('curvectl.yaml', p))).toEqual(example.expected);
    // The editor flags the same keys.
    expect(validateSchema(parse(example.text))).toBe(false);
    const flagged = (validateSchema.errors ?? []).map((e) => `${e.instancePath}|${String((e.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty ?? (e.params as { missingProperty?: string }).missingProperty ?? '')}`);
    expect(flagged).toEqual(expect.arrayContaining(['/dns|recrod', '/dns|record', '/shift/step|', '/gates/0/expectStatus|']));
  });
});
