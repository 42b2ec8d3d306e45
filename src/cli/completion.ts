/**
 * Shell completion. `curvectl completion bash|zsh|fish` prints a small script; on every TAB that
 * script runs the hidden `curvectl __complete -- <words>` and offers what it prints, one candidate a
 * line. The candidates come from commander's command tree (src/cli/program.ts, the only command
 * tree), so a new command or option completes without touching this file. Where a value is an
 * existing cluster's name, the tree's value parser says so (option-values.ts, clusterName with
 * existing: true); those names come from local files only (Terraform's local workspace directories
 * and the traffic var file), never from AWS.
 */
import type { CommandUnknownOpts as Command, Option } from '@commander-js/extra-typings';
import { takesExistingCluster } from './option-values.js';

export type Shell = 'bash' | 'zsh' | 'fish';

/** The candidates for the last word of `words` (the words after "curvectl", the last being the one under the cursor). */
export async function complete(program: Command, words: readonly string[], clusterNames: () => Promise<string[]>): Promise<string[]> {
  const current = words.length > 0 ? (words[words.length - 1] ?? '') : '';
  const before = words.slice(0, -1);
  let command = program;
  let positional = 0;
  let pendingOption: Option | undefined;
  for (const word of before) {
    if (pendingOption) {
      pendingOption = undefined;
      continue;
    }
    if (word === '--') break;
    if (word.startsWith('-')) {
      const option = findOption(command, word.split('=')[0] ?? word);
      if (option && (option.required || option.optional) && !word.includes('=')) pendingOption = option;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && positional === 0) {
      command = sub;
      continue;
    }
    positional += 1;
  }
  let candidates: string[];
  if (pendingOption) {
    const values = pendingOption.argChoices;
    candidates = values ? [...values] : takesExistingCluster(pendingOption.parseArg) ? await clusterNames() : [];
  } else if (current.startsWith('-')) {
    candidates = optionsOf(command);
  } else {
    const subs = positional === 0 ? command.commands.filter((c) => !isHidden(c)).map((c) => c.name()) : [];
    const argument = command.registeredArguments[positional];
    const values = argument?.argChoices
      ? [...argument.argChoices]
      : takesExistingCluster(argument?.parseArg)
        ? await clusterNames()
        : [];
    candidates = [...subs, ...values];
  }
  return [...new Set(candidates.filter((c) => c.startsWith(current)))].sort();
}

function isHidden(command: Command): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

/** The command's own options and those of every command above it (globals), long and short forms. */
function optionsOf(command: Command): string[] {
  const out: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) {
    for (const option of c.options) {
      if (option.hidden) continue;
      if (option.long) out.push(option.long);
      if (option.short) out.push(option.short);
    }
  }
  out.push('--help');
  return out;
}

function findOption(command: Command, flag: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
}

/** The script for a shell; `bin` is the command the script runs (curvectl). */
export function completionScript(shell: Shell, bin = 'curvectl'): string {
  switch (shell) {
    case 'bash':
      return `# curvectl completion for bash. Install:  curvectl completion bash > ~/.local/share/bash-completion/completions/curvectl
# (or add  source <(curvectl completion bash)  to ~/.bashrc)
_curvectl_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(${bin} __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _curvectl_complete ${bin}
`;
    case 'zsh':
      return `#compdef ${bin}
# curvectl completion for zsh. Install:  curvectl completion zsh > "\${fpath[1]}/_curvectl"
# (or add  source <(curvectl completion zsh)  to ~/.zshrc, after compinit)
_curvectl_complete() {
  local -a candidates
  candidates=(\${(f)"$(${bin} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)"})
  if (( \${#candidates} )); then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
compdef _curvectl_complete ${bin}
`;
    case 'fish':
      return `# curvectl completion for fish. Install:  curvectl completion fish > ~/.config/fish/completions/curvectl.fish
function __curvectl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    ${bin} __complete -- $tokens[2..-1] "$current" 2>/dev/null
end
complete -c ${bin} -f -a '(__curvectl_complete)'
`;
    default: {
      const never: never = shell;
      return never;
    }
  }
}
