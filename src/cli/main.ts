/**
 * The command-line entry point: commander wiring only. The tree (commands, options and the parser
 * of each value) is src/cli/program.ts; here each command gets its module, imported when that
 * command runs, so `--help` and `--version` load commander and nothing else (no AWS SDK, no prompts).
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { CommanderError } from 'commander';
import type { CommandModule } from './command.js';
import type { GlobalOptions } from './context.js';
import { noticeNodeSupport } from './node-support.js';
import { declareProgram, type ArgsOf, type CommandKey, type GlobalFlags, type OptionsOf } from './program.js';

type Loaders = { readonly [K in CommandKey]: () => Promise<CommandModule<OptionsOf<K>, ArgsOf<K>>> };

/** Each command's module; the compiler checks that its run() takes the options the tree declares. */
const MODULES: Loaders = {
  init: () => import('./commands/init.js'),
  status: () => import('./commands/status.js'),
  clusterList: () => import('./commands/cluster-list.js'),
  clusterCreate: () => import('./commands/cluster-create.js'),
  clusterKubeconfig: () => import('./commands/cluster-kubeconfig.js'),
  shift: () => import('./commands/shift.js'),
  shiftResume: () => import('./commands/shift-resume.js'),
  shiftAbort: () => import('./commands/shift-abort.js'),
  retire: () => import('./commands/retire.js'),
  cycle: () => import('./commands/cycle.js'),
  unlock: () => import('./commands/unlock.js'),
  history: () => import('./commands/history.js'),
  completion: () => import('./commands/completion.js'),
  stateBootstrap: () => import('./commands/state-bootstrap.js'),
  iamPolicy: () => import('./commands/iam-policy.js'),
  configSchema: () => import('./commands/config-schema.js'),
  configValidate: () => import('./commands/config-validate.js'),
};

/**
 * The command whose parse failed. Commander raises a usage error on the command it was parsing, so
 * the exit hook of each command records itself: the error names its command from the tree.
 */
const failedAt = new WeakMap<CommanderError, CommandUnknownOpts>();

export function buildProgram(): CommandUnknownOpts {
  const { program, commands } = declareProgram();
  for (const key of Object.keys(commands) as CommandKey[]) {
    const load = MODULES[key];
    const command = commands[key] as unknown as CommandUnknownOpts;
    command.action(async () => {
      const { runCommand } = await import('./run.js');
      await runCommand(load, globalOptions(command), commandOptions(command), command.processedArgs);
    });
  }
  const quiet = (c: CommandUnknownOpts): void => {
    c.exitOverride((err) => {
      failedAt.set(err, c);
      throw err;
    }).configureOutput({ outputError: () => undefined });
    for (const sub of c.commands) quiet(sub);
  };
  const root = program as unknown as CommandUnknownOpts;
  quiet(root);
  return root;
}

/**
 * A command's options, where an option it shares with its parent command was typed after it.
 * `shift` and `shift resume` both take --bake and --allow-short-bake; commander gives a parent's
 * options wherever they appear on the line (the root's -o and --no-color rely on that), so in
 * `shift resume --bake 0s` the value lands on `shift`, and resume would silently keep the shift's
 * original bake. The parent's value counts only when the operator typed it (source "cli").
 */
export function commandOptions(command: CommandUnknownOpts): Record<string, unknown> {
  const options: Record<string, unknown> = { ...command.opts() };
  const parent = command.parent;
  if (!parent) return options;
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === 'cli') continue;
    const shared = parent.options.some((p) => p.long === option.long);
    if (shared && parent.getOptionValueSource(key) === 'cli') options[key] = parent.getOptionValue(key);
  }
  return options;
}

/** The global flags as the context holds them, from the root of the tree (commander parsed them there). */
export function globalOptions(command: CommandUnknownOpts): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const flags = root.opts() as GlobalFlags;
  return {
    config: flags.config,
    output: flags.output,
    yes: flags.yes === true,
    dryRun: flags.dryRun === true,
    color: flags.color,
    verbose: flags.verbose === true,
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  noticeNodeSupport();
  const program = buildProgram();
  if (argv[2] === '__complete') {
    // Hidden: what the completion scripts run on every TAB ("curvectl __complete -- <words>").
    const { runCompletion } = await import('./complete-command.js');
    await runCompletion(program, argv.slice(argv[3] === '--' ? 4 : 3));
    return;
  }
  await runProgram(program, argv);
}

/** Parses and runs; every way out that is not the command's own result or error is settled here. */
export async function runProgram(program: CommandUnknownOpts, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) {
        process.exitCode = 0;
        return;
      }
      if (err.code === 'commander.help') {
        // A command group without its subcommand ("curvectl cluster"): commander printed its help.
        process.exitCode = 2;
        return;
      }
      const { reportUsageError } = await import('./run.js');
      reportUsageError(err, failedAt.get(err) ?? program, globalOptions(program));
      return;
    }
    // A value parser's BAD_INPUT (option-values.ts), thrown while commander parsed: the global flags
    // were parsed before any command's own (commander reads the root's options from the whole line first).
    const { reportError } = await import('./run.js');
    reportError(err, globalOptions(program));
  }
}
