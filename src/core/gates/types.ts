/**
 * Health gates as the rest of the core sees them. A gate looks at one cluster and answers pass,
 * fail or error with a one-line reason; the runner adds the rule that too many consecutive errors
 * count as a failure.
 */
import type { Clock, CloudWatchPort, CommandPort, EksPort, Elbv2Port, HttpClientPort, HttpProbePort, JsonPathPort, KubernetesPort, Weights } from '../ports.js';
import type { PlaceholderValues } from './placeholders.js';

export type { Gate, GateSpec, GateType } from './spec.js';

/**
 * pass: healthy; fail: unhealthy; error: could not tell (counted against gateErrorLimit);
 * skipped: nothing to judge yet (the metric gate before the target has any traffic). Never blocks.
 */
export type GateOutcome = 'pass' | 'fail' | 'error' | 'skipped';

/** One gate's answer on one cluster, as checks report it and hosts render it. */
export interface GateResultView {
  readonly gate: string;
  readonly cluster: string;
  readonly outcome: GateOutcome;
  readonly reason: string;
}

/** The cluster a gate looks at, and what its placeholders stand for. */
export interface GateTarget {
  /** {cluster} */
  readonly cluster: string;
  /** {ingress}: the cluster's ingress load balancer DNS name (its weighted record's value). */
  readonly ingress?: string;
  /** Expected Kubernetes version for the eks gate when the gate sets none (the cluster stack's output). */
  readonly kubernetesVersion?: string;
}

/**
 * The ports gates use. Each is optional: a command that configures no alarm gate need not build a
 * CloudWatch client. A configured gate whose port is missing reports an error (never a pass).
 */
export interface GatePorts {
  readonly eks?: EksPort;
  readonly elbv2?: Elbv2Port;
  readonly cloudwatch?: CloudWatchPort;
  readonly http?: HttpProbePort;
  readonly command?: CommandPort;
  readonly httpClient?: HttpClientPort;
  readonly jsonPath?: JsonPathPort;
  readonly kubernetes?: KubernetesPort;
}

/**
 * What the gates know about the moment of a check. `weight`: the target's live weight ({weight});
 * undefined when the caller cannot say, which the metric gate treats as "has traffic" (fail closed). The rest is what a web gate sends: the operation, the step
 * and the whole weight map.
 */
export interface GateContext {
  readonly weight?: number;
  readonly operationId?: string;
  /** 1-based step of `total`; 0 for the pre-flight check before any weight moves. */
  readonly step?: { readonly index: number; readonly total: number };
  readonly weights?: Weights;
}

/** The verdict over every configured gate at one moment. */
export interface GateCheck {
  /** fail if any gate failed; else error if any errored (still tolerated); else pass (skipped gates do not block). No gates: pass. */
  readonly verdict: Exclude<GateOutcome, 'skipped'>;
  readonly results: readonly GateResultView[];
}

/** What the shift needs from gates; GateRunner is the implementation, tests may script one. */
export interface GateChecker {
  check(target: GateTarget, signal?: AbortSignal, context?: GateContext): Promise<GateCheck>;
  /** True when some gate needs GateTarget.kubernetesVersion (an eks gate without `version`). */
  needsKubernetesVersion(): boolean;
}

/** One gate's answer before the error limit is applied. */
export interface GateVerdict {
  readonly outcome: GateOutcome;
  readonly reason: string;
}

export interface GateEnv {
  readonly ports: GatePorts;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
  readonly context: GateContext;
  /** {cluster}, {ingress} and {weight} for this check: what Templates render with. */
  readonly placeholders: PlaceholderValues;
  /** Where headersFromEnv values are read (the process environment, given by the composition root). */
  readonly environment: Readonly<Record<string, string | undefined>>;
}
