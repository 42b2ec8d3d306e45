/**
 * The command-line entry point: commander wiring only. Each command's module is imported when that
 * command runs, so `--help` and `--version` load commander and nothing else (no AWS SDK, no prompts).
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CommandModule } from './command.js';
import type { GlobalOptions, OutputFormat } from './context.js';
import { noticeNodeSupport } from './node-support.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

type Loader = () => Promise<CommandModule>;

/** Runs a command module with the global options merged in; errors and exit codes are handled in one place. */
function action(load: Loader) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as Record<string, unknown>;
    const { runCommand } = await import('./run.js');
    await runCommand(load, globalsFrom(opts), opts, cmd.processedArgs as unknown[]);
  };
}

function globalsFrom(opts: Record<string, unknown>): GlobalOptions {
  return {
    config: opts.config as string | undefined,
    output: (opts.output as OutputFormat | undefined) ?? 'text',
    yes: Boolean(opts.yes),
    dryRun: Boolean(opts.dryRun),
    color: opts.color !== false,
    verbose: Boolean(opts.verbose),
  };
}

export function buildProgram(): Command {
  const program = new Command('curvectl')
    .description(
      'Replace a live EKS cluster with a new one without dropping a request: create it, shift weighted Route 53 traffic to it step by step behind health gates, then retire the old one.',
    )
    .version(pkg.version, '--version', 'print the version')
    .option('-c, --config <path>', 'configuration file (default: ./curvectl.yaml, env CURVECTL_CONFIG)')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'jsonl']).default('text'))
    .option('-y, --yes', 'answer every question with its default and run unattended (required without a terminal)')
    .option('--dry-run', 'show what would change and the exact commands, change nothing')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('-v, --verbose', 'more detail, including the causes of errors')
    // A fixed width keeps the help identical on every terminal, so bin/curvectl.js can serve it from
    // dist/help.txt without loading commander.
    .configureHelp({ helpWidth: 100 })
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  program
    .command('init')
    .description('write curvectl.yaml and the Terraform stacks into a directory (local state, or S3 + DynamoDB for a team)')
    .argument('[dir]', 'target directory', '.')
    .requiredOption('--zone <zone>', 'Route 53 hosted zone, e.g. example.com')
    .requiredOption('--record <fqdn>', 'the fixed weighted name (CloudFront origin), e.g. api-origin.example.com')
    .option('--ttl <seconds>', 'TTL of the weighted records', '60')
    .option('--region <region>', 'AWS region to record in the configuration')
    .addOption(
      new Option('--backend <type>', 'where Terraform state, the lock and the journal live: local files, or S3 + DynamoDB shared by a team')
        .choices(['local', 's3'])
        .default('local'),
    )
    .option('--bucket <name>', 'S3 bucket for Terraform state (with --backend s3)')
    .option('--table <name>', 'DynamoDB table for the lock and the journal (with --backend s3)')
    .option('--force', 'overwrite existing files')
    .action(action(() => import('./commands/init.js')));

  program
    .command('status')
    .description('clusters, desired and live weights, drift, lock and any operation in progress')
    .option('-w, --watch', 'keep watching: print the status again whenever it changes, until Ctrl-C')
    .option('--interval <duration>', 'with --watch: time between reads, e.g. 2s (default 5s)')
    .action(action(() => import('./commands/status.js')));

  const cluster = program.command('cluster').description('create and list clusters, and get a kubeconfig for one');
  cluster
    .command('list')
    .description('the clusters curvectl knows')
    .action(action(() => import('./commands/cluster-list.js')));
  cluster
    .command('create')
    .description('build a cluster (and its platform), wait for its gates, register it in traffic')
    .argument('<name>', 'cluster name, e.g. cluster-b')
    .option('--kubernetes-version <version>', 'EKS Kubernetes version, e.g. 1.35 (default from configuration)')
    .option('--skip-platform', 'do not apply the platform stack (Istio, Ambassador, Flux)')
    .action(action(() => import('./commands/cluster-create.js')));
  cluster
    .command('kubeconfig')
    .description('a kubeconfig context for the cluster (exec "aws eks get-token"), printed or merged into your kubeconfig')
    .argument('<name>', 'cluster name')
    .option('--write', 'merge it into the first file of KUBECONFIG, or ~/.kube/config, and make it the current context')
    .option('--force', 'with --write: replace an entry of the same name that differs')
    .action(action(() => import('./commands/cluster-kubeconfig.js')));

  const shift = program
    .command('shift')
    .description('move traffic to a cluster step by step, with health gates and fast rollback')
    .option('--to <name>', 'cluster to shift traffic to')
    .option('--step <points>', 'percentage points per step (default from configuration, 10)')
    .option('--steps <percents>', 'a step schedule instead of --step: the percentages the target reaches, e.g. 1,5,25,50,100 (ending at --until)')
    .option('--until <percent>', 'stop when the target has this share', '100')
    .option('--bake <duration>', 'time to watch gates after each step, e.g. 30s, 5m (at least the TTL)')
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL')
    .option('--from <name>', 'take the traffic from this cluster only (default: proportionally from the others)')
    .action(action(() => import('./commands/shift.js')));
  shift
    .command('resume')
    .description('continue a held or interrupted shift')
    .option('--bake <duration>', 'time to watch gates after each remaining step')
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL')
    .action(action(() => import('./commands/shift-resume.js')));
  shift
    .command('abort')
    .description('roll an unfinished shift back to where it started')
    .option('--force', "overwrite Route 53 even if someone else changed the live weights (asks you to type 'overwrite')")
    .action(action(() => import('./commands/shift-abort.js')));

  program
    .command('retire')
    .description('destroy a cluster that gets no traffic and has drained')
    .argument('<name>', 'cluster to retire')
    .option('--drain <duration>', 'how long its weight must have been 0 (default twice the TTL)')
    .option('--delete-leftovers', 'delete the AWS resources tagged for the cluster that Terraform does not manage (load balancers, volumes, ...) instead of stopping')
    .action(action(() => import('./commands/retire.js')));

  program
    .command('cycle')
    .description('create the new cluster, shift all traffic to it, drain and retire the old one')
    .requiredOption('--from <old>', 'cluster to replace')
    .requiredOption('--to <new>', 'cluster to replace it with (created if missing)')
    .option('--step <points>', 'percentage points per step')
    .option('--steps <percents>', 'a step schedule instead of --step: the percentages the new cluster reaches, ending at 100')
    .option('--bake <duration>', 'time to watch gates after each step')
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL')
    .option('--drain <duration>', 'how long the old cluster drains before it is destroyed')
    .option('--kubernetes-version <version>', 'version for the new cluster')
    .option('--skip-platform', 'do not apply the platform stack on the new cluster')
    .action(action(() => import('./commands/cycle.js')));

  program
    .command('unlock')
    .description('clear a stale lock (one whose holder is gone)')
    .option('--force', 'clear it even if the holder may still be running (dangerous)')
    .action(action(() => import('./commands/unlock.js')));

  program
    .command('history')
    .description('the audit trail: every operation and step, oldest first')
    .option('--op <id>', 'only this operation')
    .option('-n, --limit <count>', 'only the last N events')
    .option('--report <file>', 'with --op: write its change record as one self-contained HTML page (plan, steps, gates, chart)')
    .action(action(() => import('./commands/history.js')));

  program
    .command('completion')
    .description('print a shell completion script (commands, options, cluster names); see the README to install it')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(action(() => import('./commands/completion.js')));

  const state = program.command('state').description('the shared state of a team: S3 bucket and DynamoDB table');
  state
    .command('bootstrap')
    .description('create the S3 bucket and DynamoDB table(s) curvectl.yaml names, with safe settings; safe to run again')
    .action(action(() => import('./commands/state-bootstrap.js')));

  program
    .command('iam-policy')
    .description("least-privilege IAM policies: curvectl's own calls, and separately what Terraform needs, scoped to this configuration")
    .addOption(new Option('--role <role>', 'who runs it: an operator (everything), CI (status and shifts) or the one-time state bootstrap').choices(['operator', 'ci', 'bootstrap']).default('operator'))
    .option('--cluster <name...>', 'also allow EKS reads on these clusters (a trailing * allows a prefix, e.g. cluster-*)')
    .addOption(new Option('--part <part>', 'print only one policy document').choices(['curvectl', 'terraform']))
    .action(action(() => import('./commands/iam-policy.js')));

  const configCommand = program.command('config').description('the schema of curvectl.yaml, and a check of a file against it');
  configCommand
    .command('schema')
    .description('print the JSON Schema of curvectl.yaml (for editors: init points the file at a copy of it)')
    .action(action(() => import('./commands/config-schema.js')));
  configCommand
    .command('validate')
    .description('check a configuration file and print every problem as file:line:column')
    .argument('[file]', 'file to check (default: --config, CURVECTL_CONFIG or ./curvectl.yaml)')
    .action(action(() => import('./commands/config-validate.js')));

  for (const sub of [...program.commands, ...cluster.commands, ...shift.commands, ...state.commands, ...configCommand.commands]) {
    sub.exitOverride().configureOutput({ outputError: () => undefined });
  }
  return program;
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
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) {
        process.exitCode = 0;
        return;
      }
      const { reportUsageError } = await import('./run.js');
      if (err.code === 'commander.help') {
        // A command group without its subcommand ("curvectl cluster"): commander printed its help.
        process.exitCode = 2;
        return;
      }
      reportUsageError(err, argv);
      return;
    }
    const { reportError, outputFormatOf } = await import('./run.js');
    reportError(err, { output: outputFormatOf(argv), verbose: argv.includes('-v') || argv.includes('--verbose') });
  }
}
