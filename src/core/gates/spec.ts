/**
 * The gates as the core knows them: what curvectl.yaml's schema produces at load time. Durations
 * are milliseconds (parsed once, never again at each poll); every string that may hold a
 * placeholder is a Template, so a checker cannot use it without rendering it for the cluster it
 * looks at. The core owns these types; src/config builds them and the core never imports src/config.
 */
import type { Condition } from './condition.js';
import type { HeadersFromEnv } from './headers.js';
import type { Template } from './placeholders.js';

/** Sum of one CloudWatch metric, as the metric gate reads it. */
export interface MetricSelector {
  readonly metricName: Template;
  readonly dimensions: Readonly<Record<string, Template>>;
}

export interface EksGateSpec {
  readonly type: 'eks';
  /** Expected Kubernetes version; default: the version the cluster stack reports. */
  readonly version?: string;
}

export interface NodegroupsGateSpec {
  readonly type: 'nodegroups';
}

export interface TargetHealthGateSpec {
  readonly type: 'target-health';
  /** Fraction of targets that must be healthy. */
  readonly minHealthy: number;
}

export interface AlarmGateSpec {
  readonly type: 'alarm';
  readonly alarms: readonly Template[];
  /** Whether INSUFFICIENT_DATA counts as passing. */
  readonly allowInsufficientData: boolean;
}

export interface MetricGateSpec {
  readonly type: 'metric';
  readonly namespace: Template;
  readonly errors: MetricSelector;
  readonly total: MetricSelector;
  readonly maxRatio: number;
  readonly windowMs: number;
  readonly minTotal: number;
  /** Once the target has weight: no data or fewer than minTotal requests is an error, or (pass) accepted. */
  readonly noData: 'error' | 'pass';
}

export interface HttpGateSpec {
  readonly type: 'http';
  readonly url: Template;
  readonly host?: Template;
  readonly expectStatus: number;
  readonly timeoutMs: number;
}

export interface CommandGateSpec {
  readonly type: 'command';
  readonly argv: readonly Template[];
  readonly timeoutMs: number;
}

export interface PrometheusGateSpec {
  readonly type: 'prometheus';
  /** The server, e.g. http://prometheus.{cluster}.internal:9090 (a path prefix is kept). */
  readonly address: Template;
  /** PromQL; must come back as one number (a scalar or a one-series vector). */
  readonly query: Template;
  readonly condition: Condition;
  /** Header name -> the environment variable holding its value. */
  readonly headersFromEnv: HeadersFromEnv;
  readonly timeoutMs: number;
}

export interface WebGateSpec {
  readonly type: 'web';
  readonly url: Template;
  /** GET, or POST with the check's context as JSON (WebGateBody). */
  readonly method: 'GET' | 'POST';
  /** With a JSONPath the selected value decides; without, the status code does. */
  readonly select?: { readonly path: string; readonly condition: Condition };
  /** Without select: the status that passes (default any 2xx). */
  readonly expectStatus?: number;
  readonly headersFromEnv: HeadersFromEnv;
  readonly timeoutMs: number;
}

export interface FluxGateSpec {
  readonly type: 'flux';
  /** serving: the applied Git revisions must equal those of the clusters with weight; none: Ready only. */
  readonly sameRevisionAs: 'serving' | 'none';
  /** The Kubernetes API at this URL instead of DescribeCluster's endpoint (placeholders allowed). */
  readonly apiServer?: Template;
  readonly timeoutMs: number;
}

export type GateSpec =
  | EksGateSpec
  | NodegroupsGateSpec
  | TargetHealthGateSpec
  | AlarmGateSpec
  | MetricGateSpec
  | HttpGateSpec
  | CommandGateSpec
  | PrometheusGateSpec
  | WebGateSpec
  | FluxGateSpec;

export type GateType = GateSpec['type'];

export type Gate<T extends GateType> = Extract<GateSpec, { type: T }>;
