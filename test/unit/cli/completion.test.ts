import type { Argument, CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { complete, completionScript } from '../../../src/cli/completion.js';
import { takesExistingCluster } from '../../../src/cli/option-values.js';

const names = async () => ['cluster-a', 'cluster-b'];
const program = buildProgram();
const at = (...words: string[]) => complete(program, words, names);

function commandAt(path: string[]): Command | undefined {
  let c: Command | undefined = program;
  for (const p of path) c = c?.commands.find((s) => s.name() === p);
  return c;
}

describe('completion candidates from the commander tree', () => {
  it('completes command names, and subcommands of a group', async () => {
    expect(await at('sh')).toEqual(['shift']);
    expect(await at('')).toEqual(expect.arrayContaining(['cluster', 'completion', 'cycle', 'retire', 'shift', 'status']));
    expect(await at('cluster', '')).toEqual(expect.arrayContaining(['create', 'list']));
    expect(await at('shift', 're')).toEqual(['resume']);
  });

  it('completes each command its own options and the global ones, as commander has them', async () => {
    const opts = await at('shift', '--');
    for (const o of (commandAt(['shift'])?.options ?? []) as Option[]) expect(opts).toContain(o.long);
    expect(opts).toEqual(expect.arrayContaining(['--steps', '--step', '--to', '--output', '--yes', '--help']));
    expect(await at('retire', '--d')).toEqual(['--delete-leftovers', '--drain', '--dry-run']);
  });

  it('completes choices, and cluster names where a value is an existing cluster', async () => {
    expect(await at('-o', '')).toEqual(['json', 'jsonl', 'text']);
    expect(await at('status', '--output', 'js')).toEqual(['json', 'jsonl']);
    expect(await at('completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(await at('retire', '')).toEqual(['cluster-a', 'cluster-b']);
    expect(await at('cluster', 'kubeconfig', '')).toEqual(['cluster-a', 'cluster-b']);
    expect(await at('retire', 'cluster-b', '')).toEqual([]);
    expect(await at('shift', '--to', 'cluster-')).toEqual(['cluster-a', 'cluster-b']);
    expect(await at('-c', 'x.yaml', 'cycle', '--from', 'cluster-a', '--to', '')).toEqual(['cluster-a', 'cluster-b']);
    // A new name: nothing to offer.
    expect(await at('cluster', 'create', '')).toEqual([]);
    // An option's value is not the positional: the cluster still comes next.
    expect(await at('retire', '--drain', '10m', '')).toEqual(['cluster-a', 'cluster-b']);
  });

  it('takes the cluster-valued options and arguments from the tree\'s value parsers', () => {
    const found: string[] = [];
    const walk = (c: Command, path: string[]): void => {
      for (const o of c.options as readonly Option[]) if (takesExistingCluster(o.parseArg)) found.push([...path, o.long].join(' '));
      for (const a of c.registeredArguments as readonly Argument[]) if (takesExistingCluster(a.parseArg)) found.push([...path, `<${a.name()}>`].join(' '));
      for (const sub of c.commands) walk(sub, [...path, sub.name()]);
    };
    walk(program, []);
    // cluster create <name> is deliberately absent: it takes a new name.
    expect(found.sort()).toEqual(['cluster kubeconfig <name>', 'cycle --from', 'cycle --to', 'retire <name>', 'shift --from', 'shift --to']);
  });

  it('does not offer the hidden command', async () => {
    expect(await at('__')).toEqual([]);
  });

  it('prints a script per shell that runs the hidden command', () => {
    for (const shell of ['bash', 'zsh', 'fish'] as const) expect(completionScript(shell)).toContain('curvectl __complete --');
    expect(completionScript('bash')).toContain('complete -o default -F _curvectl_complete curvectl');
    expect(completionScript('zsh').startsWith('#compdef curvectl')).toBe(true);
  });
});
