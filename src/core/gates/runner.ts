/**
 * Evaluates the configured gates for a cluster. Every gate runs (concurrently) and reports pass,
 * fail or error with a one-line reason; an exception inside a gate is that gate's error, never the
 * caller's, except when the operation itself is being aborted (the abort is rethrown).
 */
import { isCurvectlError } from '../errors.js';
import type { Clock } from '../ports.js';
import { checkAlarms, checkMetric } from './cloudwatch.js';
import { checkEks, checkNodegroups } from './eks.js';
import { MissingPlaceholderError } from './placeholders.js';
import { checkCommand, checkHttp } from './probes.js';
import { checkPrometheus } from './prometheus.js';
import { checkWeb } from './web.js';
import { checkFlux } from './flux.js';
import { checkTargetHealth } from './target-health.js';
import { oneLine } from './text.js';
import { GateErrorTracker } from './tracker.js';
import type {
  GateCheck,
  GateChecker,
  GateContext,
  GateEnv,
  GatePorts,
  GateResultView,
  GateTarget,
  GateVerdict,
} from './types.js';
import type { GateSpec } from './spec.js';

export interface GateRunnerOptions extends GatePorts {
  /** The gates from curvectl.yaml, as the schema built them at load (defaults filled in, durations in ms). */
  readonly gates: readonly GateSpec[];
  readonly clock: Clock;
  /** shift.gateErrorLimit: consecutive errors of one gate tolerated before they count as a failure. */
  readonly gateErrorLimit: number;
  /** The environment headersFromEnv reads (default: none, so such a gate errors). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export class GateRunner implements GateChecker {
  private readonly gates: readonly GateSpec[];
  private readonly names: readonly string[];
  private readonly ports: GatePorts;
  private readonly clock: Clock;
  private readonly tracker: GateErrorTracker;
  private readonly environment: Readonly<Record<string, string | undefined>>;

  constructor(options: GateRunnerOptions) {
    this.gates = options.gates;
    this.names = gateNames(options.gates);
    this.clock = options.clock;
    this.tracker = new GateErrorTracker(options.gateErrorLimit);
    this.environment = options.environment ?? {};
    const { eks, elbv2, cloudwatch, http, command, httpClient, jsonPath, kubernetes } = options;
    this.ports = { eks, elbv2, cloudwatch, http, command, httpClient, jsonPath, kubernetes };
  }

  needsKubernetesVersion(): boolean {
    return this.gates.some((g) => g.type === 'eks' && g.version === undefined);
  }

  /** Every gate once, with the consecutive-error rule applied. */
  async check(target: GateTarget, signal?: AbortSignal, context: GateContext = {}): Promise<GateCheck> {
    const raw = await Promise.all(this.gates.map((gate, index) => this.evaluate(gate, index, target, signal, context)));
    const results = raw.map((result, index) => this.tracker.record(`${index}\u0000${target.cluster}`, result));
    return { verdict: verdictOf(results), results };
  }

  /** Forgets consecutive errors (e.g. between two operations in one process). */
  resetErrors(): void {
    this.tracker.reset();
  }

  /** One gate, without the consecutive-error rule. */
  async evaluate(gate: GateSpec, index: number, target: GateTarget, signal?: AbortSignal, context: GateContext = {}): Promise<GateResultView> {
    const name = this.names[index] ?? gate.type;
    const placeholders = { cluster: target.cluster, ingress: target.ingress, weight: context.weight };
    const env: GateEnv = { ports: this.ports, clock: this.clock, signal, context, placeholders, environment: this.environment };
    let verdict: GateVerdict;
    try {
      verdict = await runGate(gate, target, env);
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      verdict = { outcome: 'error', reason: errorReason(err) };
    }
    return { gate: name, cluster: target.cluster, outcome: verdict.outcome, reason: oneLine(verdict.reason) };
  }
}

function runGate(gate: GateSpec, target: GateTarget, env: GateEnv): Promise<GateVerdict> {
  switch (gate.type) {
    case 'eks':
      return checkEks(gate, target, env);
    case 'nodegroups':
      return checkNodegroups(gate, target, env);
    case 'target-health':
      return checkTargetHealth(gate, target, env);
    case 'alarm':
      return checkAlarms(gate, target, env);
    case 'metric':
      return checkMetric(gate, target, env);
    case 'http':
      return checkHttp(gate, target, env);
    case 'command':
      return checkCommand(gate, target, env);
    case 'prometheus':
      return checkPrometheus(gate, target, env);
    case 'web':
      return checkWeb(gate, target, env);
    case 'flux':
      return checkFlux(gate, target, env);
    default: {
      const never: never = gate;
      return Promise.resolve({ outcome: 'error', reason: `unknown gate type ${JSON.stringify(never)}` });
    }
  }
}

export function verdictOf(results: readonly GateResultView[]): GateCheck['verdict'] {
  if (results.some((r) => r.outcome === 'fail')) return 'fail';
  if (results.some((r) => r.outcome === 'error')) return 'error';
  return 'pass';
}

/** "eks", "alarm", and "alarm#2" when a type is configured more than once. */
export function gateNames(gates: readonly GateSpec[]): string[] {
  const totals = new Map<string, number>();
  for (const g of gates) totals.set(g.type, (totals.get(g.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  return gates.map((g) => {
    const n = (seen.get(g.type) ?? 0) + 1;
    seen.set(g.type, n);
    return (totals.get(g.type) ?? 0) > 1 ? `${g.type}#${n}` : g.type;
  });
}

function errorReason(err: unknown): string {
  if (err instanceof MissingPlaceholderError) return err.message;
  // curvectl's own errors are written as a sentence for the operator; their code (ENVIRONMENT, AWS)
  // says nothing more. A system error's code (ECONNREFUSED, ETIMEDOUT) is the useful part.
  if (isCurvectlError(err)) return err.message;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !err.message.includes(code) ? `${code}: ` : '';
    return `${prefix}${err.message || err.name}`;
  }
  return String(err);
}

/** One line for a progress display: "gates pass (eks, nodegroups)" or the first bad reason. */
export function summarizeCheck(check: GateCheck): string {
  if (check.results.length === 0) return 'no gates configured';
  const bad = check.results.find((r) => r.outcome === check.verdict && r.outcome !== 'pass');
  if (!bad) {
    const passed = check.results.filter((r) => r.outcome !== 'skipped').map((r) => r.gate);
    const skipped = check.results.filter((r) => r.outcome === 'skipped').map((r) => r.gate);
    if (passed.length === 0) return `gates skipped (${skipped.join(', ')})`;
    return `gates pass (${passed.join(', ')})${skipped.length > 0 ? `; skipped: ${skipped.join(', ')}` : ''}`;
  }
  return `${bad.gate} ${bad.outcome === 'fail' ? 'failed' : 'error'}: ${bad.reason}`;
}
