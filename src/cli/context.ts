/**
 * Everything a command needs, created lazily: a command that never touches AWS never loads the SDK,
 * and `init` runs without a configuration. This is the composition root: the only place that
 * knows which adapter implements which port.
 */
import os from 'node:os';
import path from 'node:path';
import { CurvectlError } from '../core/errors.js';
import type { IoHost } from '../core/io-host.js';
import type { Clock, CommandPort, HttpClientPort, HttpProbePort, Interrupts, JsonPathPort, Stacks, StateStore } from '../core/ports.js';
import type { LoadedConfig } from '../config/load.js';
import type { AwsPorts } from '../adapters/aws/clients.js';
import type { DynamoDbStateStore } from '../adapters/state/dynamodb.js';
import type { GateChecker } from '../core/gates/types.js';
import { colourEnabled, makePaint } from '../io/paint.js';
import type { Paint } from '../io/render.js';
import { TerminalHost } from '../io/terminal-host.js';
import { JsonlHost } from '../io/jsonl-host.js';
import { secretsFromEnv } from '../core/redact.js';
import { SignalInterrupts } from './interrupts.js';
import { osUserName } from '../adapters/os-user.js';

/** text (default), json (one document), jsonl (every event as a line, the result last). */
export type OutputFormat = 'text' | 'json' | 'jsonl';

/** The flags every command takes (commander's camelCase names). */
export interface GlobalOptions {
  readonly config: string | undefined;
  readonly output: OutputFormat;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly color: boolean;
  readonly verbose: boolean;
}

export interface Context {
  readonly globals: GlobalOptions;
  readonly io: IoHost;
  readonly paint: Paint;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Who is acting, for locks and the audit trail: $USER@host. */
  readonly actor: string;
  readonly interrupts: Interrupts;
  /** Writes one record to the -o jsonl stream (the result, or a `status --watch` change); nothing otherwise. */
  emitRecord(record: Record<string, unknown> & { type: string }): void;
  config(): Promise<LoadedConfig>;
  stacks(): Promise<Stacks>;
  aws(): Promise<AwsPorts>;
  state(): Promise<StateStore>;
  clock(): Promise<Clock>;
  probes(): Promise<{ http: HttpProbePort; httpClient: HttpClientPort; jsonPath: JsonPathPort; command: CommandPort }>;
  /** The configured health gates, wired to the AWS ports and probes. */
  gates(): Promise<GateChecker>;
  /** Waits for background work that must end before the result is printed (notifications, each within its timeout). */
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export function createContext(globals: GlobalOptions, options: { mutates: boolean }): Context {
  const env = process.env;
  const cwd = process.cwd();
  const stderrTty = Boolean(process.stderr.isTTY);
  const paint = makePaint(colourEnabled({ noColor: !globals.color, env, isTTY: stderrTty }));
  const terminal = new TerminalHost({
    stderr: process.stderr,
    stdin: process.stdin,
    paint,
    assumeYes: globals.yes,
    verbose: globals.verbose,
  });
  // -o jsonl: every event on stdout as a JSON line; questions still go to the terminal host.
  const jsonl = globals.output === 'jsonl' ? new JsonlHost({ stdout: process.stdout, prompts: terminal, secrets: () => secretsFromEnv(env) }) : undefined;
  const io: IoHost = jsonl ?? terminal;
  const interrupts = new SignalInterrupts(() => {
    io.notify({
      level: 'warn',
      code: 'interrupt.requested',
      text: 'Stopping at the next safe point (never in the middle of a change). Press Ctrl-C again to exit at once; "curvectl shift resume" continues later.',
    });
  });
  if (options.mutates) interrupts.install();
  const user = env.USER ?? env.LOGNAME ?? osUserName();
  const actor = `${user}@${os.hostname()}`;

  const config = once(async (): Promise<LoadedConfig> => {
    const { loadConfig } = await import('../config/load.js');
    return loadConfig({ path: globals.config, env, cwd });
  });

  const stacks = once(async (): Promise<Stacks> => {
    const loaded = await config();
    const c = loaded.config;
    const [{ Terraform }, { TerraformStacks, minimumTerraformVersion }, { runProcess }, s3] = await Promise.all([
      import('../adapters/terraform/runner.js'),
      import('../adapters/terraform/stacks.js'),
      import('../adapters/process.js'),
      c.terraform.backend.type === 's3' ? import('../adapters/aws/s3-keys.js') : undefined,
    ]);
    const terraform = new Terraform({ binary: c.terraform.binary, run: runProcess, env, minVersion: minimumTerraformVersion(c.terraform.backend) });
    // A team shares the desired weights too: the var file becomes this checkout's copy of them.
    const team = c.state.backend === 'dynamodb' ? await dynamoDbState() : undefined;
    return new TerraformStacks({
      terraform,
      stacksDir: path.resolve(loaded.dir, c.terraform.stacksDir),
      dns: { zone: c.dns.zone, record: c.dns.record, ttl: c.dns.ttl },
      backend: c.terraform.backend,
      clusterDefaults: { kubernetesVersion: c.cluster.kubernetesVersion, variables: c.cluster.variables },
      platformVariables: c.platform.variables,
      ...(c.region ? { region: c.region } : {}),
      ...(team ? { desiredWeights: team.desiredWeights() } : {}),
      ...(s3 ? { listObjectKeys: s3.s3ObjectKeyLister() } : {}),
    });
  });

  const aws = once(async (): Promise<AwsPorts> => {
    const loaded = await config();
    const { createAwsPorts } = await import('../adapters/aws/clients.js');
    return createAwsPorts({
      ...(loaded.config.region ? { region: loaded.config.region } : {}),
      dns: { zone: loaded.config.dns.zone, record: loaded.config.dns.record },
    });
  });

  // One DynamoDB store per process: the desired weights are written under the leases it holds.
  const dynamoDbState = once(async (): Promise<DynamoDbStateStore> => {
    const loaded = await config();
    const s = loaded.config.state;
    if (s.backend !== 'dynamodb') throw new CurvectlError('INTERNAL', 'The DynamoDB state store was asked for while state.backend is not dynamodb.');
    const { DynamoDbStateStore } = await import('../adapters/state/dynamodb.js');
    const region = s.region ?? loaded.config.region;
    return new DynamoDbStateStore({
      table: s.table,
      ...(region ? { region } : {}),
      leaseMs: s.leaseMs,
      owner: user,
      host: os.hostname(),
      pid: process.pid,
      // A lost or taken-over lease is something the operator must see, whatever the command.
      onWarning: (w) => io.notify({ level: 'warn', code: w.code, text: w.text }),
    });
  });

  // Notifications (notify: in curvectl.yaml) are fed from the journal: every event the state store
  // writes is offered to the notifier, which sends the chosen ones in the background.
  let notifier: import('../core/notifier.js').Notifier | undefined;
  const state = once(async (): Promise<StateStore> => {
    const store = await baseState();
    const loaded = await config();
    const targets = loaded.config.notify ?? [];
    if (targets.length === 0) return store;
    const [{ Notifier }, { FetchWebhookSender }, { tapJournal }] = await Promise.all([
      import('../core/notifier.js'),
      import('../adapters/webhook-sender.js'),
      import('../core/journal-tap.js'),
    ]);
    const n = new Notifier({
      targets,
      env,
      webhooks: new FetchWebhookSender(),
      io,
      record: loaded.config.dns.record,
      signal: interrupts.signal,
    });
    if (!n.active) return store;
    notifier = n;
    return tapJournal(store, (event) => n.onJournal(event));
  });

  const baseState = once(async (): Promise<StateStore> => {
    const loaded = await config();
    const s = loaded.config.state;
    switch (s.backend) {
      case 'local': {
        const { LocalStateStore } = await import('../adapters/state/local.js');
        return new LocalStateStore({
          dir: path.resolve(loaded.dir, s.dir),
          owner: user,
          host: os.hostname(),
          pid: process.pid,
          onWarning: (text) => io.notify({ level: 'warn', code: 'lock.taken-over', text }),
        });
      }
      case 'dynamodb':
        return dynamoDbState();
      default: {
        const never: never = s;
        throw new CurvectlError('INTERNAL', `Unknown state backend ${JSON.stringify(never)}.`);
      }
    }
  });

  const clock = once(async (): Promise<Clock> => {
    const { systemClock } = await import('../adapters/clock.js');
    return systemClock;
  });

  const probes = once(async () => {
    const [{ HttpProbe }, { FetchHttpClient }, { JsonPathPlus }, { ProcessCommandPort }, { runProcess }] = await Promise.all([
      import('../adapters/http-probe.js'),
      import('../adapters/http-client.js'),
      import('../adapters/json-path.js'),
      import('../adapters/command.js'),
      import('../adapters/process.js'),
    ]);
    return { http: new HttpProbe(), httpClient: new FetchHttpClient(), jsonPath: new JsonPathPlus(), command: new ProcessCommandPort(runProcess) };
  });

  const gates = once(async (): Promise<GateChecker> => {
    const [loaded, ports, p, c, { GateRunner }, { EksKubernetes }] = await Promise.all([
      config(),
      aws(),
      probes(),
      clock(),
      import('../core/gates/index.js'),
      import('../adapters/kubernetes/eks-kubernetes.js'),
    ]);
    const region = loaded.config.region;
    return new GateRunner({
      gates: loaded.config.gates,
      clock: c,
      gateErrorLimit: loaded.config.shift.gateErrorLimit,
      eks: ports.eks,
      elbv2: ports.elbv2,
      cloudwatch: ports.cloudwatch,
      http: p.http,
      httpClient: p.httpClient,
      jsonPath: p.jsonPath,
      command: p.command,
      kubernetes: new EksKubernetes({ eks: ports.eks, env, ...(region ? { region } : {}) }),
      environment: env,
    });
  });

  return {
    globals,
    io,
    paint,
    cwd,
    env,
    actor,
    interrupts,
    emitRecord: (record) => jsonl?.emit(record),
    config,
    stacks,
    aws,
    state,
    clock,
    probes,
    gates,
    settle: async () => {
      await notifier?.flush();
    },
    dispose: () => {
      interrupts.uninstall();
      return Promise.resolve();
    },
  };
}

