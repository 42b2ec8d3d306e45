/**
 * The curvectl.yaml that `curvectl init` writes: the few required settings filled in, every other
 * setting present as a comment with its default, so the file documents itself. It must load with
 * loadConfig unchanged (a unit test checks that it does, and that the defaults match the schema's).
 */
import { SCHEMA_COMMENT } from './json-schema.js';
import { DEFAULT_KUBERNETES_VERSION } from './schema.js';

export interface DefaultConfigOptions {
  /** The public hosted zone, e.g. "example.com". */
  readonly zone: string;
  /** The fixed record name, e.g. "api-origin.example.com". */
  readonly record: string;
  /** Default 60. */
  readonly ttl?: number;
  /** Written only when given; otherwise the AWS environment decides. */
  readonly region?: string;
  /** Default DEFAULT_KUBERNETES_VERSION (in EKS standard support; see schema.ts). */
  readonly kubernetesVersion?: string;
  /**
   * A team's shared backends: Terraform state in this S3 bucket (with S3-native locking) and
   * curvectl's lock and journal in this DynamoDB table. Default: local files for both.
   */
  readonly team?: { readonly bucket: string; readonly table: string };
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (value: string): string => JSON.stringify(value);

export function renderDefaultConfig(options: DefaultConfigOptions): string {
  const ttl = options.ttl ?? 60;
  const kubernetesVersion = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  // The first line points editors (YAML language server: VS Code, JetBrains, Neovim) at the JSON
  // Schema that init writes beside this file (curvectl config schema prints it again).
  return `${SCHEMA_COMMENT}
# curvectl configuration. Paths are relative to this file.
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
${options.team ? terraformS3Backend(options.team.bucket) : `  # Where Terraform keeps state: local files (default), or an S3 bucket for a team:
  # backend:
  #   type: s3
  #   bucket: "my-terraform-state"
  #   region: "eu-west-1"
  #   keyPrefix: "curvectl"
  #   useLockfile: true
  backend:
    type: local
`}
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
  # Or a step schedule, used instead of step: the percentages the target reaches, ending at --until.
  # steps: [1, 5, 25, 50, 100]
  # How long each step bakes while gates are polled (never below the TTL without --allow-short-bake).
  bake: "5m"
  # How often gates are polled during a bake.
  gateInterval: "10s"
  # Consecutive gate errors (the gate could not be evaluated) tolerated before they count as a failure.
  gateErrorLimit: 3

retire:
  # How long a cluster must have had weight 0 before it may be destroyed (default: twice the TTL), e.g.
  # drain: "2m"
  # Flow-verified drain (CloudWatch AWS/NetworkELB of the cluster's load balancer): at most maxFlows
  # new flows and no active flows over the last flowWindow.
  maxFlows: 0
  flowWindow: "5m"
  # No metric data refuses the retire (fail closed); false lets the drain time alone decide.
  requireFlowData: true
  # How long cycle waits for the flows to stop after the drain time before it gives up.
  flowTimeout: "30m"

# Observed share: each cluster's share of the traffic its load balancer carried (status, bakes, reports).
observed:
  # How far back to look.
  window: "5m"
  # bytes (ProcessedBytes) or flows (NewFlowCount).
  basis: "bytes"

# Health gates checked on the target cluster before any weight moves and during every bake.
# Placeholders: {cluster}, {ingress}, {weight}. More: target-health, alarm, metric, http, command,
# prometheus, web, flux (README, "Gate reference"), e.g.
#   - type: http
#     url: "https://{ingress}/healthz"
#     host: ${q(options.record)}
#     expectStatus: 200
#   - type: alarm
#     alarms: ["{cluster}-5xx"]
#   - type: prometheus
#     address: "http://prometheus.{cluster}.internal:9090"
#     query: 'sum(rate(http_errors_total{cluster="{cluster}"}[1m])) / sum(rate(http_requests_total{cluster="{cluster}"}[1m]))'
#     condition: "< 0.01"
#   - type: flux
#     sameRevisionAs: serving
gates:
  - type: eks
  - type: nodegroups

${options.team ? dynamoDbState(options.team.table) : `# Lock and journal (the audit trail of curvectl history).
state:
  backend: local
  dir: ".curvectl"
`}`;
}

function terraformS3Backend(bucket: string): string {
  return `  # Where Terraform keeps state: an S3 bucket the team shares (curvectl state bootstrap creates it).
  # Each stack's state is "<keyPrefix>/<stack>.tfstate"; cluster workspaces live under "<keyPrefix>/env:".
  backend:
    type: s3
    bucket: ${q(bucket)}
    # region: "eu-west-1"   (default: region above)
    keyPrefix: "curvectl"
    # S3-native state locking (Terraform 1.10 or later); or set dynamodbTable for a DynamoDB lock table.
    useLockfile: true
`;
}

function dynamoDbState(table: string): string {
  return `# Lock and journal (the audit trail of curvectl history), shared by the team in one DynamoDB table
# (curvectl state bootstrap creates it).
state:
  backend: dynamodb
  table: ${q(table)}
  # region: "eu-west-1"   (default: region above)
  # How long a lock lasts unless its holder renews it (it does, every third of this, while it works).
  # A holder that dies blocks others for at most this long.
  lease: "60s"
`;
}
