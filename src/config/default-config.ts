/**
 * The curvectl.yaml that `curvectl init` writes: the few required settings filled in, every other
 * setting present as a comment with its default, so the file documents itself. It must load with
 * loadConfig unchanged (a unit test checks that it does, and that the defaults match the schema's).
 */

export interface DefaultConfigOptions {
  /** The public hosted zone, e.g. "example.com". */
  readonly zone: string;
  /** The fixed record name, e.g. "api-origin.example.com". */
  readonly record: string;
  /** Default 60. */
  readonly ttl?: number;
  /** Written only when given; otherwise the AWS environment decides. */
  readonly region?: string;
  /** Default "1.31". */
  readonly kubernetesVersion?: string;
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (value: string): string => JSON.stringify(value);

export function renderDefaultConfig(options: DefaultConfigOptions): string {
  const ttl = options.ttl ?? 60;
  const kubernetesVersion = options.kubernetesVersion ?? '1.31';
  return `# curvectl configuration. Paths are relative to this file.
# Every commented line shows a setting with its default.
${options.region ? `\n# AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / the profile's region).\nregion: ${q(options.region)}\n` : `
# AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / the profile's region).
# region: "eu-west-1"
`}
dns:
  # The public hosted zone that holds the record.
  zone: ${q(options.zone)}
  # The fixed name every cluster's weighted CNAME lives under (CloudFront's origin).
  record: ${q(options.record)}
  # TTL of the weighted records, in seconds; a bake is never shorter without --allow-short-bake.
  ttl: ${ttl}

terraform:
  # terraform, or tofu for OpenTofu.
  binary: "terraform"
  # Holds the cluster, platform and traffic stacks.
  stacksDir: "terraform/stacks"
  # Where Terraform keeps state: local files (default), or an S3 bucket for a team:
  # backend:
  #   type: s3
  #   bucket: "my-terraform-state"
  #   region: "eu-west-1"
  #   keyPrefix: "curvectl"
  #   useLockfile: true
  backend:
    type: local

cluster:
  # Kubernetes version of new clusters (curvectl cluster create --kubernetes-version overrides it).
  kubernetesVersion: ${q(kubernetesVersion)}
  # Extra variables for the cluster stack, e.g.:
  # variables:
  #   node_instance_types: ["m6i.large"]
  #   node_desired_size: 3
  variables: {}

platform:
  # Apply the platform stack (Istio, Ambassador, Flux) after the cluster stack.
  enabled: true
  variables: {}

shift:
  # Percentage points moved per step.
  step: 10
  # How long each step bakes while gates are polled (never below the TTL without --allow-short-bake).
  bake: "5m"
  # How often gates are polled during a bake.
  gateInterval: "10s"
  # Consecutive gate errors (the gate could not be evaluated) tolerated before they count as a failure.
  gateErrorLimit: 3

# How long a cluster must have had weight 0 before it may be destroyed (default: twice the TTL), e.g.
# retire:
#   drain: "2m"
retire: {}

# Health gates checked on the target cluster before any weight moves and during every bake.
# Placeholders: {cluster}, {ingress}. More: target-health, alarm, metric, http, command, e.g.
#   - type: http
#     url: "https://{ingress}/healthz"
#     host: ${q(options.record)}
#     expectStatus: 200
#   - type: alarm
#     alarms: ["{cluster}-5xx"]
gates:
  - type: eks
  - type: nodegroups

# Lock and journal (the audit trail of curvectl history).
state:
  backend: local
  dir: ".curvectl"
`;
}
