/**
 * The command tree: every command, argument and option of curvectl, with the parser of each value
 * (src/cli/option-values.ts). It is the only description of the command line: main.ts wires each
 * command to its lazily imported module, the usage errors name the command from it, and shell
 * completion walks it. The typed options of a command are inferred from it (commander's
 * extra-typings), so a command module cannot read a flag the tree does not declare.
 *
 * It has no actions and imports no command module, so command modules may import its types.
 */
import { readFileSync } from 'node:fs';
import type * as typed from '@commander-js/extra-typings';
import * as commander from 'commander';
import {
  bucketName,
  clusterName,
  clusterPatterns,
  count,
  dnsName,
  duration,
  interval,
  kubernetesVersion,
  schedule,
  tableName,
  ttlSeconds,
  wholeNumber,
} from './option-values.js';

// Commander's own classes, seen through commander's extra-typings (a development dependency: types
// only), which infer each command's options and arguments from the declarations below. At run time
// this is plain commander, so start-up loads nothing more than before.
const { Command, Option, Argument } = commander as unknown as typeof typed;

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function declareProgram() {
  const program = new Command('curvectl')
    .description(
      'Replace a live EKS cluster with a new one without dropping a request: create it, shift weighted Route 53 traffic to it step by step behind health gates, then retire the old one.',
    )
    .version(pkg.version, '--version', 'print the version')
    .option('-c, --config <path>', 'configuration file (default: ./curvectl.yaml, env CURVECTL_CONFIG)')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'jsonl']).default('text' as const))
    .option('-y, --yes', 'answer every question with its default and run unattended (required without a terminal)')
    .option('--dry-run', 'show what would change and the exact commands, change nothing')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('-v, --verbose', 'more detail, including the causes of errors')
    // A fixed width keeps the help identical on every terminal, so bin/curvectl.js can serve it from
    // dist/help.txt without loading commander.
    .configureHelp({ helpWidth: 100 })
    .showHelpAfterError(false);

  const init = program
    .command('init')
    .description('write curvectl.yaml and the Terraform stacks into a directory (local state, or S3 + DynamoDB for a team)')
    .argument('[dir]', 'target directory', '.')
    .requiredOption('--zone <zone>', 'Route 53 hosted zone, e.g. example.com', dnsName('zone name', 'example.com'))
    .requiredOption('--record <fqdn>', 'the fixed weighted name (CloudFront origin), e.g. api-origin.example.com', dnsName('record name', 'api-origin.example.com'))
    .option('--ttl <seconds>', 'TTL of the weighted records', ttlSeconds, 60)
    .option('--region <region>', 'AWS region to record in the configuration')
    .addOption(
      new Option('--backend <type>', 'where Terraform state, the lock and the journal live: local files, or S3 + DynamoDB shared by a team')
        .choices(['local', 's3'])
        .default('local' as const),
    )
    .option('--bucket <name>', 'S3 bucket for Terraform state (with --backend s3)', bucketName)
    .option('--table <name>', 'DynamoDB table for the lock and the journal (with --backend s3)', tableName)
    .option('--force', 'overwrite existing files');

  const status = program
    .command('status')
    .description('clusters, desired and live weights, drift, lock and any operation in progress')
    .option('-w, --watch', 'keep watching: print the status again whenever it changes, until Ctrl-C')
    .option('--interval <duration>', 'with --watch: time between reads, e.g. 2s (default 5s)', interval('--interval', 'status --watch'));

  const cluster = program.command('cluster').description('create and list clusters, and get a kubeconfig for one');
  const clusterList = cluster.command('list').description('the clusters curvectl knows');
  const clusterCreate = cluster
    .command('create')
    .description('build a cluster (and its platform), wait for its gates, register it in traffic')
    // A new name: completion offers none (existing: false).
    .argument('<name>', 'cluster name, e.g. cluster-b', clusterName('cluster name', { existing: false }))
    .option('--kubernetes-version <version>', 'EKS Kubernetes version, e.g. 1.35 (default from configuration)', kubernetesVersion('--kubernetes-version'))
    .option('--skip-platform', 'do not apply the platform stack (Istio, Ambassador, Flux)');
  const clusterKubeconfig = cluster
    .command('kubeconfig')
    .description('a kubeconfig context for the cluster (exec "aws eks get-token"), printed or merged into your kubeconfig')
    .argument('<name>', 'cluster name', clusterName('cluster name', { existing: true }))
    .option('--write', 'merge it into the first file of KUBECONFIG, or ~/.kube/config, and make it the current context')
    .option('--force', 'with --write: replace an entry of the same name that differs');

  const shift = program
    .command('shift')
    .description('move traffic to a cluster step by step, with health gates and fast rollback')
    // Not a requiredOption: commander would then demand it of `shift resume` and `shift abort` too.
    .option('--to <name>', 'cluster to shift traffic to', clusterName('--to cluster name', { existing: true }))
    .option('--step <points>', 'percentage points per step (default from configuration, 10)', wholeNumber('--step', 1, 100, 'percentage points'))
    .option(
      '--steps <percents>',
      'a step schedule instead of --step: the percentages the target reaches, e.g. 1,5,25,50,100 (ending at --until)',
      schedule('--steps'),
    )
    .option('--until <percent>', 'stop when the target has this share', wholeNumber('--until', 0, 100, 'percent'), 100)
    .option('--bake <duration>', 'time to watch gates after each step, e.g. 30s, 5m (at least the TTL)', duration('--bake'))
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL')
    .option('--from <name>', 'take the traffic from this cluster only (default: proportionally from the others)', clusterName('--from cluster name', { existing: true }));
  const shiftResume = shift
    .command('resume')
    .description('continue a held or interrupted shift')
    .option('--bake <duration>', 'time to watch gates after each remaining step', duration('--bake'))
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL');
  const shiftAbort = shift
    .command('abort')
    .description('roll an unfinished shift back to where it started')
    .option('--force', "overwrite Route 53 even if someone else changed the live weights (asks you to type 'overwrite')");

  const retire = program
    .command('retire')
    .description('destroy a cluster that gets no traffic and has drained')
    .argument('<name>', 'cluster to retire', clusterName('cluster name', { existing: true }))
    .option('--drain <duration>', 'how long its weight must have been 0 (default twice the TTL)', duration('--drain'))
    .option(
      '--delete-leftovers',
      'delete the AWS resources tagged for the cluster that Terraform does not manage (load balancers, volumes, ...) instead of stopping',
    );

  const cycle = program
    .command('cycle')
    .description('create the new cluster, shift all traffic to it, drain and retire the old one')
    .requiredOption('--from <old>', 'cluster to replace', clusterName('--from cluster name', { existing: true }))
    // Usually a new name, but an existing one is taken over: completion offers the known ones.
    .requiredOption('--to <new>', 'cluster to replace it with (created if missing)', clusterName('--to cluster name', { existing: true }))
    .option('--step <points>', 'percentage points per step', wholeNumber('--step', 1, 100, 'percentage points'))
    .option('--steps <percents>', 'a step schedule instead of --step: the percentages the new cluster reaches, ending at 100', schedule('--steps'))
    .option('--bake <duration>', 'time to watch gates after each step', duration('--bake'))
    .option('--allow-short-bake', 'allow a bake shorter than the record TTL')
    .option('--drain <duration>', 'how long the old cluster drains before it is destroyed', duration('--drain'))
    .option('--kubernetes-version <version>', 'version for the new cluster', kubernetesVersion('--kubernetes-version'))
    .option('--skip-platform', 'do not apply the platform stack on the new cluster');

  const unlock = program
    .command('unlock')
    .description('clear a stale lock (one whose holder is gone)')
    .option('--force', 'clear it even if the holder may still be running (dangerous)');

  const history = program
    .command('history')
    .description('the audit trail: every operation and step, oldest first')
    .option('--op <id>', 'only this operation')
    .option('-n, --limit <count>', 'only the last N events', count('--limit', 'events'))
    .option('--report <file>', 'with --op: write its change record as one self-contained HTML page (plan, steps, gates, chart)');

  const completion = program
    .command('completion')
    .description('print a shell completion script (commands, options, cluster names); see the README to install it')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']));

  const state = program.command('state').description('the shared state of a team: S3 bucket and DynamoDB table');
  const stateBootstrap = state
    .command('bootstrap')
    .description('create the S3 bucket and DynamoDB table(s) curvectl.yaml names, with safe settings; safe to run again');

  const iamPolicy = program
    .command('iam-policy')
    .description("least-privilege IAM policies: curvectl's own calls, and separately what Terraform needs, scoped to this configuration")
    .addOption(
      new Option('--role <role>', 'who runs it: an operator (everything), CI (status and shifts) or the one-time state bootstrap')
        .choices(['operator', 'ci', 'bootstrap'])
        .default('operator' as const),
    )
    .option('--cluster <name...>', 'also allow EKS reads on these clusters (a trailing * allows a prefix, e.g. cluster-*)', clusterPatterns)
    .addOption(new Option('--part <part>', 'print only one policy document').choices(['curvectl', 'terraform']));

  const configCommand = program.command('config').description('the schema of curvectl.yaml, and a check of a file against it');
  const configSchema = configCommand
    .command('schema')
    .description('print the JSON Schema of curvectl.yaml (for editors: init points the file at a copy of it)');
  const configValidate = configCommand
    .command('validate')
    .description('check a configuration file and print every problem as file:line:column')
    .argument('[file]', 'file to check (default: --config, CURVECTL_CONFIG or ./curvectl.yaml)');

  return {
    program,
    commands: {
      init,
      status,
      clusterList,
      clusterCreate,
      clusterKubeconfig,
      shift,
      shiftResume,
      shiftAbort,
      retire,
      cycle,
      unlock,
      history,
      completion,
      stateBootstrap,
      iamPolicy,
      configSchema,
      configValidate,
    },
  };
}

type Commands = ReturnType<typeof declareProgram>['commands'];
export type CommandKey = keyof Commands;

/** The typed options of a command: its own flags, parsed (the global ones are in GlobalFlags). */
export type OptionsOf<K extends CommandKey> = ReturnType<Commands[K]['opts']>;
/** The typed positional arguments of a command, parsed. */
export type ArgsOf<K extends CommandKey> = Commands[K]['processedArgs'];
/** The global flags, parsed. */
export type GlobalFlags = ReturnType<ReturnType<typeof declareProgram>['program']['opts']>;
