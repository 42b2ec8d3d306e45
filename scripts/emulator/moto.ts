/**
 * An emulated AWS (moto_server) for the demo and the integration tests: one process per test file
 * (or demo run), on loopback and a free port, pointed at by the standard AWS variables only (the
 * code under test never knows). Lives outside test/ because `npm run demo`, a user-facing script,
 * starts it too; it is not part of what users install (package.json "files").
 * See shared/design/emulator.md for what moto can and cannot show.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';

export interface EmulatorEnv {
  AWS_ENDPOINT_URL: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_REGION: string;
  AWS_DEFAULT_REGION: string;
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: string;
  AWS_EC2_METADATA_DISABLED: string;
  [key: string]: string;
}

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  endpoint: string;
  port: number;
  /** Environment for the SDK, Terraform and the curvectl binary: spread it over process.env. */
  env: EmulatorEnv;
  /** Wipes every resource in the emulator (POST /moto-api/reset, ~65 ms). */
  reset(): Promise<void>;
  /** Kills the process; safe to call twice. */
  stop(): Promise<void>;
  /** Creates a public hosted zone and returns its id without the "/hostedzone/" prefix. */
  createHostedZone(name: string): Promise<string>;
}

export interface StartEmulatorOptions {
  /** How long to wait for the server to answer; default 30 s. */
  readyTimeoutMs?: number;
  /** Region of env.AWS_REGION; default eu-west-1. */
  region?: string;
  /**
   * Load AWS's managed IAM policies (MOTO_IAM_LOAD_MANAGED_POLICIES); default true, as the real cluster
   * stack attaches them. They are ~1,300 policies, nearly all of /moto-api/data.json's 4 MB, and each
   * dump of it costs moto ~1.7 s of CPU: a suite that only runs the cluster stub (no IAM at all) and
   * compares the whole state around every invocation turns them off.
   */
  managedPolicies?: boolean;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every emulator this process started when the process ends, even after a crash. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    running.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** A port nobody listens on right now: bind port 0 on loopback, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited before answering (code ${child.exitCode}, signal ${child.signalCode}):\n${output()}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

async function startOnce(port: number, options: StartEmulatorOptions): Promise<Emulator> {
  const region = options.region ?? 'eu-west-1';
  const endpoint = `http://127.0.0.1:${port}`;
  // moto logs every request. Into a file, never a pipe to this process: a pipe is only drained while
  // this process's event loop runs, so a caller blocked in spawnSync (the bench, a test) while moto
  // writes more than the pipe holds (64 kB, some 600 requests) would hang moto, and with it the caller.
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'curvectl-moto-'));
  const logFile = path.join(logDir, 'moto.log');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        // The cluster stack attaches AWS-managed IAM policies (AmazonEKSClusterPolicy, ...); moto only
        // knows them when asked to load them.
        MOTO_IAM_LOAD_MANAGED_POLICIES: options.managedPolicies === false ? 'false' : 'true',
      },
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  installExitHook();
  running.add(child);
  /** The end of moto's log, for an error message. */
  const log = (): string => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      running.delete(child);
      rmSync(logDir, { recursive: true, force: true });
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });

  try {
    await waitUntilReady(endpoint, child, options.readyTimeoutMs ?? 30_000, log);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }

  const env: EmulatorEnv = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  let stopped = false;
  return {
    endpoint,
    port,
    env,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
    async createHostedZone(name: string) {
      const client = new Route53Client({
        endpoint,
        region,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      try {
        const out = await client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: randomUUID() }));
        const id = out.HostedZone?.Id;
        if (!id) throw new Error(`CreateHostedZone ${name} returned no id`);
        return id.replace(/^\/hostedzone\//, '');
      } finally {
        client.destroy();
      }
    },
  };
}

/** Starts moto_server on a free loopback port and waits until it answers (about 0.4 s). */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  let lastError: unknown;
  // A port found free can be taken by another test file before moto binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(await freePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
