// ARCHITECTURE.md stays true: every file it names exists, and every port file is in its table.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../_helpers/repo-root.js';

const doc = readFileSync(path.join(repoRoot, 'ARCHITECTURE.md'), 'utf8');
const named = [...new Set([...doc.matchAll(/`((?:src|test|bin)\/[^`\s]+)`/g)].map((m) => m[1]!))];

describe('ARCHITECTURE.md', () => {
  it('names only files and folders that exist', () => {
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !existsSync(path.join(repoRoot, p)))).toEqual([]);
  });

  it('lists every port file of src/core/ports/', () => {
    const ports = readdirSync(path.join(repoRoot, 'src/core/ports')).map((f) => `src/core/ports/${f}`);
    expect(ports.filter((p) => !named.includes(p))).toEqual([]);
  });

  it('names every rule of the boundary check', async () => {
    const rules = ((await import(path.join(repoRoot, '.dependency-cruiser.cjs'))) as { default: { forbidden: { name: string }[] } }).default.forbidden;
    expect(rules.map((r) => r.name).filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});
