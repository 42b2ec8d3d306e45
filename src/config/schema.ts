/**
 * curvectl.yaml: the schema is the single source of truth for what a configuration may hold.
 * Objects are strict so a typo ("recrod:") is an error, never silently ignored.
 */
import { z } from 'zod';
import { NOTIFY_EVENTS } from '../core/notifier.js';
import { isValidDnsName } from '../core/names.js';
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import { parseCondition } from '../core/gates/condition.js';
import { Template } from '../core/gates/placeholders.js';
import type { Gate, GateSpec, MetricSelector } from '../core/gates/spec.js';

const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a duration like "30s", "5m", "1h" or "0s"');

/** A duration in curvectl.yaml, turned into milliseconds once, at load. Defaults go through it too (prefault). */
const durationMs = duration.transform((text) => parseDuration(text));

const dnsName = z.string().refine(isValidDnsName, 'expected a DNS name like "api.example.com"');

/** A string that may hold {cluster}, {ingress} or {weight}: rendered per cluster by the gate. */
const template = z.string().transform((text) => new Template(text));
const templateMin1 = z.string().min(1).transform((text) => new Template(text));

/** "< 0.01", ">= 0.99", "between 0.9 and 1": parsed once, here. */
const condition = z.string().transform((text, ctx) => {
  const parsed = parseCondition(text);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed;
});

/** Header name -> the name of the environment variable that holds its value (never the value itself). */
const headersFromEnv = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name like "Authorization"'),
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable like "PROMETHEUS_TOKEN"'),
  )
  .default({});

/** An http(s) URL that may hold placeholders. */
const httpUrl = z
  .string()
  .regex(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL, like "http://prometheus.{cluster}.internal:9090"')
  .transform((t) => new Template(t));

const argv = z.array(templateMin1).min(1, 'expected at least the program to run');

const metricSelector = z
  .strictObject({ metricName: z.string().min(1), dimensions: z.record(z.string(), z.string()).default({}) })
  .transform(
    (m): MetricSelector => ({
      metricName: new Template(m.metricName),
      dimensions: Object.fromEntries(Object.entries(m.dimensions).map(([k, v]) => [k, new Template(v)])),
    }),
  );

/**
 * Gates a shift checks on the target cluster before and during each bake. The YAML shape is
 * parsed into the core's GateSpec (durations in ms, placeholders as Templates) right here.
 */
/**
 * The Kubernetes minor version a new cluster gets when neither curvectl.yaml nor
 * --kubernetes-version names one. It must be in EKS *standard* support: past it, EKS bills extended
 * support per cluster hour (AWS EKS User Guide, "Understand the Kubernetes version lifecycle on EKS":
 * 14 months of standard support from release). 1.35 is in standard support until 2027-03-27; 1.34's
 * ended 2026-12-02. Review this at every EKS release.
 */
export const DEFAULT_KUBERNETES_VERSION = '1.35';

export const gateSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('eks'),
    /** Expected Kubernetes version; default: the version the cluster stack reports. */
    version: z.string().optional(),
  }).transform((g): Gate<'eks'> => g),
  z.strictObject({ type: z.literal('nodegroups') }).transform((g): Gate<'nodegroups'> => g),
  z.strictObject({
    type: z.literal('target-health'),
    /** Fraction of targets that must be healthy (default 1). */
    minHealthy: z.number().min(0).max(1).default(1),
  }).transform((g): Gate<'target-health'> => g),
  z.strictObject({
    type: z.literal('alarm'),
    alarms: z.array(templateMin1).min(1),
    /** Whether INSUFFICIENT_DATA counts as passing (default false: unknown is not healthy). */
    allowInsufficientData: z.boolean().default(false),
  }).transform((g): Gate<'alarm'> => g),
  z.strictObject({
    type: z.literal('metric'),
    namespace: templateMin1,
    errors: metricSelector,
    total: metricSelector,
    /** Highest acceptable errors/total ratio over the window, e.g. 0.01 for 1%. */
    maxRatio: z.number().min(0).max(1),
    window: durationMs.prefault('5m'),
    /** Below this many requests in the window the ratio is not judged (too little traffic). */
    minTotal: z.number().int().min(0).default(0),
    /**
     * Once the target has weight, no data (or fewer than minTotal requests) is an error (fail
     * closed: a mistyped metric name must not pass); `pass` accepts it for a quiet service.
     */
    noData: z.enum(['error', 'pass']).default('error'),
  }).transform(({ window, ...g }): Gate<'metric'> => ({ ...g, windowMs: window })),
  z.strictObject({
    type: z.literal('http'),
    url: templateMin1,
    /** Host header to send (e.g. the public API name) when probing a load balancer directly. */
    host: template.optional(),
    expectStatus: z.number().int().min(100).max(599).default(200),
    timeout: durationMs.prefault('5s'),
  }).transform(({ timeout, ...g }): Gate<'http'> => ({ ...g, timeoutMs: timeout })),
  z.strictObject({
    type: z.literal('command'),
    argv,
    timeout: durationMs.prefault('60s'),
  }).transform(({ timeout, ...g }): Gate<'command'> => ({ ...g, timeoutMs: timeout })),
  z.strictObject({
    type: z.literal('prometheus'),
    /** The server's base URL; placeholders allowed, so each cluster can have its own. */
    address: httpUrl,
    query: templateMin1,
    condition,
    headersFromEnv,
    timeout: durationMs.prefault('10s'),
  }).transform(({ timeout, ...g }): Gate<'prometheus'> => ({ ...g, timeoutMs: timeout })),
  z.strictObject({
    type: z.literal('web'),
    url: httpUrl,
    /** GET (default), or POST with the check's context (cluster, step, weights, operation id) as JSON. */
    method: z.enum(['GET', 'POST']).default('GET'),
    /** A JSONPath into the JSON answer, e.g. "$.approved"; then `condition` decides. */
    jsonPath: z.string().regex(/^\$/, 'expected a JSONPath starting with "$", like "$.approved"').optional(),
    condition: condition.optional(),
    /** Without jsonPath: the status that passes (default any 2xx). */
    expectStatus: z.number().int().min(100).max(599).optional(),
    headersFromEnv,
    timeout: durationMs.prefault('10s'),
  })
    .superRefine((g, ctx) => {
      if (g.jsonPath !== undefined && g.condition === undefined) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'missing; a jsonPath needs a condition, like "== 1"' });
      if (g.jsonPath === undefined && g.condition !== undefined) ctx.addIssue({ code: 'custom', path: ['jsonPath'], message: 'missing; a condition applies to the value a jsonPath selects' });
      if (g.jsonPath !== undefined && g.expectStatus !== undefined) ctx.addIssue({ code: 'custom', path: ['expectStatus'], message: 'not with a jsonPath: then the answer must be 2xx and the condition decides' });
    })
    .transform(({ timeout, jsonPath, condition: c, expectStatus, ...g }): Gate<'web'> => ({
      ...g,
      ...(jsonPath !== undefined && c !== undefined ? { select: { path: jsonPath, condition: c } } : {}),
      ...(expectStatus !== undefined ? { expectStatus } : {}),
      timeoutMs: timeout,
    })),
  z.strictObject({
    type: z.literal('flux'),
    /** serving (default): the target's applied Git revisions equal those of the clusters with weight; none: Ready only. */
    sameRevisionAs: z.enum(['serving', 'none']).default('serving'),
    /** The cluster's Kubernetes API at this URL instead of DescribeCluster's endpoint, e.g. a tunnel (http only on loopback). */
    apiServer: httpUrl.optional(),
    timeout: durationMs.prefault('30s'),
  }).transform(({ timeout, apiServer, ...g }): Gate<'flux'> => ({ ...g, ...(apiServer !== undefined ? { apiServer } : {}), timeoutMs: timeout })),
]);
/** A gate as curvectl.yaml spells it. */
export type GateInput = z.input<typeof gateSchema>;
/** What the schema makes of it: the core's GateSpec. */
export type GateConfig = GateSpec;

export const stateSchema = z.discriminatedUnion('backend', [
  z.strictObject({
    backend: z.literal('local'),
    /** Lock and journal directory, relative to the configuration file. */
    dir: z.string().min(1).default('.curvectl'),
  }),
  z.strictObject({
    backend: z.literal('dynamodb'),
    table: z.string().min(3).max(255),
    region: z.string().optional(),
    /** How long a lock lease lasts without renewal. */
    lease: durationMs.prefault('60s'),
  }).transform(({ lease, ...s }) => ({ ...s, leaseMs: lease })),
]);

export const terraformBackendSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local') }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().min(3),
    region: z.string().optional(),
    /** Key prefix; each stack gets "<prefix>/<stack>.tfstate" and workspaces under "<prefix>/env:". */
    keyPrefix: z.string().default('curvectl'),
    /** S3-native state locking (Terraform >= 1.10). */
    useLockfile: z.boolean().default(true),
    dynamodbTable: z.string().optional(),
  }),
]);

export const configSchema = z.strictObject({
  /** AWS region; default: AWS_REGION / AWS_DEFAULT_REGION / the profile's region. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like "eu-west-1"').optional(),
  terraform: z
    .strictObject({
      /** terraform, or tofu for OpenTofu; a name on PATH or a path. */
      binary: z.string().min(1).default('terraform'),
      /** Directory holding the cluster, platform and traffic stacks, relative to the configuration file. */
      stacksDir: z.string().min(1).default('terraform/stacks'),
      backend: terraformBackendSchema.default({ type: 'local' }),
    })
    .default({ binary: 'terraform', stacksDir: 'terraform/stacks', backend: { type: 'local' } }),
  dns: z.strictObject({
    /** The public hosted zone, e.g. "example.com". */
    zone: dnsName,
    /** The fixed name every weighted record lives under (CloudFront's origin), e.g. "api-origin.example.com". */
    record: dnsName,
    ttl: z.number().int().min(0).max(86400).default(60),
  }),
  platform: z
    .strictObject({
      /** Apply the platform stack (Istio, Ambassador, Flux) after the cluster stack. */
      enabled: z.boolean().default(true),
      variables: z.record(z.string(), z.unknown()).default({}),
    })
    .default({ enabled: true, variables: {} }),
  cluster: z
    .strictObject({
      kubernetesVersion: z.string().regex(/^1\.\d{2}$/, 'expected a Kubernetes minor version like "1.35"').default(DEFAULT_KUBERNETES_VERSION),
      /** Extra variables for the cluster stack (sizing, existing VPC...). */
      variables: z.record(z.string(), z.unknown()).default({}),
    })
    .default({ kubernetesVersion: DEFAULT_KUBERNETES_VERSION, variables: {} }),
  shift: z
    .strictObject({
      step: z.number().int().min(1).max(100).default(10),
      /**
       * A step schedule instead of `step`: the percentages the target reaches, e.g. [1, 5, 25, 50, 100].
       * Strictly increasing, each 1-100; the last must equal the shift's --until. --step or --steps override it.
       */
      steps: z
        .array(z.number().int().min(1).max(100))
        .min(1)
        .refine((steps) => steps.every((p, i) => i === 0 || p > (steps[i - 1] ?? 0)), 'expected strictly increasing percentages, e.g. [1, 5, 25, 50, 100]')
        .optional(),
      bake: durationMs.prefault('5m'),
      /** How often gates are polled during a bake. */
      gateInterval: durationMs.prefault('10s'),
      /** Consecutive gate errors (not failures: errors reaching the signal) tolerated before they count as a failure. */
      gateErrorLimit: z.number().int().min(1).default(3),
    })
    .transform(({ bake, gateInterval, ...s }) => ({ ...s, bakeMs: bake, gateIntervalMs: gateInterval }))
    .prefault({}),
  retire: z
    .strictObject({
      /** How long a cluster must have had weight 0 before it may be destroyed; default twice the TTL. */
      drain: durationMs.optional(),
      /**
       * Flow-verified drain: at most this many new flows (AWS/NetworkELB NewFlowCount, Sum) may have
       * reached the cluster's load balancer over the last flowWindow, and no active flows.
       */
      maxFlows: z.number().int().min(0).default(0),
      /** The window of the flow check; metrics arrive in 60-second periods, so a few minutes on AWS. */
      flowWindow: durationMs.prefault('5m'),
      /** Without metric data the flow check refuses (fail closed); false lets the drain time alone decide. */
      requireFlowData: z.boolean().default(true),
      /** How long `cycle` waits for the flows to stop after the drain time before it gives up (the old cluster stays). */
      flowTimeout: durationMs.prefault('30m'),
    })
    .transform(({ drain, flowWindow, flowTimeout, ...r }) => ({
      ...(drain === undefined ? {} : { drainMs: drain }),
      ...r,
      flowWindowMs: flowWindow,
      flowTimeoutMs: flowTimeout,
    }))
    .prefault({}),
  observed: z
    .strictObject({
      /** How far back the observed share looks (status, bakes, the shift report). */
      window: durationMs.prefault('5m'),
      /** What the share is of: bytes (ProcessedBytes) or flows (NewFlowCount) of each cluster's load balancer. */
      basis: z.enum(['bytes', 'flows']).default('bytes'),
    })
    .transform(({ window, basis }) => ({ windowMs: window, basis }))
    .prefault({}),
  gates: z.array(gateSchema).default([{ type: 'eks' }, { type: 'nodegroups' }]),
  /**
   * Webhooks told about plans, steps, holds, rollbacks, completions, creates and retires. The URL is
   * read from the environment variable `urlEnv`, never from this file (it is a credential).
   */
  notify: z
    .array(
      z
        .strictObject({
          type: z.enum(['slack', 'json']),
          urlEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable, e.g. SLACK_WEBHOOK_URL'),
          /** Default: every event. */
          events: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional(),
          /** The whole delivery of one event, retries included. */
          timeout: durationMs.prefault('5s'),
          /** Retries after a network error, 429 or 5xx (exponential backoff with jitter). */
          retries: z.number().int().min(0).max(10).default(3),
        })
        .transform(({ timeout, ...n }) => ({ ...n, timeoutMs: timeout })),
    )
    .optional(),
  state: stateSchema.prefault({ backend: 'local' }),
});

export type CurvectlConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
