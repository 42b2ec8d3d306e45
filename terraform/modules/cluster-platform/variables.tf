variable "cluster_name" {
  description = "Cluster the platform is installed on (used in labels and the Flux sync name)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"cluster-b\")."
  }
}

variable "ingress_node_ports" {
  description = "NodePorts the ingress load balancer forwards to (cluster stack output ingress_node_ports): Ambassador's service listens on them."
  type = object({
    http  = number
    https = number
  })
  default = { http = 30080, https = 30443 }

  validation {
    condition     = alltrue([for p in [var.ingress_node_ports.http, var.ingress_node_ports.https] : p >= 30000 && p <= 32767])
    error_message = "ingress_node_ports.http and .https must be in the Kubernetes NodePort range 30000-32767."
  }
}

# --- chart sources and pinned versions ----------------------------------------------------------

variable "istio_repository" {
  description = "Helm repository of the Istio charts (base, istiod)."
  type        = string
  default     = "https://istio-release.storage.googleapis.com/charts"
}

variable "istio_version" {
  description = "Version of the Istio base and istiod charts, like \"1.30.0\"."
  type        = string
  default     = "1.30.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", var.istio_version))
    error_message = "istio_version must be an exact chart version like \"1.30.0\" (no ranges: versions are pinned)."
  }
}

variable "ambassador_repository" {
  description = "Helm repository of the Ambassador Edge Stack chart."
  type        = string
  default     = "https://app.getambassador.io"
}

variable "ambassador_chart_version" {
  description = "Version of the edge-stack chart, like \"8.12.2\"."
  type        = string
  default     = "8.12.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", var.ambassador_chart_version))
    error_message = "ambassador_chart_version must be an exact chart version like \"8.12.2\" (no ranges: versions are pinned)."
  }
}

variable "gateway" {
  description = "The gateway serving the node ports: \"emissary\" (Emissary-ingress, open source, no license) or \"edge-stack\" (Ambassador Edge Stack, needs ambassador_license_key)."
  type        = string
  default     = "emissary"

  validation {
    condition     = contains(["emissary", "edge-stack"], var.gateway)
    error_message = "gateway must be \"emissary\" (Emissary-ingress) or \"edge-stack\" (Ambassador Edge Stack)."
  }
}

variable "ambassador_license_key" {
  description = "Ambassador Edge Stack license key (a JWT); required with gateway = \"edge-stack\", unused otherwise."
  type        = string
  default     = ""
  sensitive   = true

  # Edge Stack 3.8+ (chart 8.8+) does not start without a license key or Cloud Connect token.
  validation {
    condition     = var.gateway != "edge-stack" || length(trimspace(var.ambassador_license_key)) > 0
    error_message = "gateway \"edge-stack\" needs ambassador_license_key: Edge Stack 3.8 and later do not start without a license. Get one from Ambassador Labs (the Edge Stack quick start, \"Obtaining a license\"), pass it as TF_VAR_ambassador_license_key, or use gateway = \"emissary\" (open source, no license)."
  }
}

variable "gateway_istio_injection" {
  description = "Inject Istio's sidecar into the gateway pods (Emissary's Istio integration), so the gateway reaches mesh services over mutual TLS (needed with STRICT PeerAuthentication)."
  type        = bool
  default     = true
}

variable "gateway_namespace" {
  description = "Namespace of the gateway release."
  type        = string
  default     = "ambassador"
}

variable "emissary_repository" {
  description = "Helm (OCI) repository of the Emissary-ingress charts."
  type        = string
  default     = "oci://ghcr.io/emissary-ingress"
}

variable "emissary_chart_version" {
  description = "Version of the emissary-ingress chart (and, by default, of the emissary-crds-chart), like \"4.0.1\"."
  type        = string
  default     = "4.0.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", var.emissary_chart_version))
    error_message = "emissary_chart_version must be an exact chart version like \"4.0.1\" (no ranges: versions are pinned)."
  }
}

variable "gateway_crds_repository" {
  description = "Repository of the chart installing the gateway's CRDs and apiext; null: Emissary's OCI repository."
  type        = string
  default     = null
}

variable "gateway_crds_chart" {
  description = "Chart installing the gateway's CRDs and apiext; null: emissary-crds-chart for Emissary, and for Edge Stack its official CRD manifest (gateway_crds_manifest_url) instead of a chart."
  type        = string
  default     = null
}

variable "edge_stack_version" {
  description = "The Edge Stack release of ambassador_chart_version (chart 8.X.Y ships Edge Stack 3.X.Y), whose CRD manifest is installed before the edge-stack chart."
  type        = string
  default     = "3.12.2"

  validation {
    condition     = can(regex("^3\\.[0-9]+\\.[0-9]+$", var.edge_stack_version)) && try(join(".", slice(split(".", var.edge_stack_version), 1, 3)) == join(".", slice(split(".", var.ambassador_chart_version), 1, 3)), false)
    error_message = "edge_stack_version must be the Edge Stack release of ambassador_chart_version (chart 8.X.Y ships Edge Stack 3.X.Y; the default chart 8.12.2 is Edge Stack 3.12.2): the CRDs must match the gateway."
  }
}

variable "gateway_crds_manifest_url" {
  description = "Edge Stack's CRD manifest; null: the official one of edge_stack_version, https://app.getambassador.io/yaml/edge-stack/<edge_stack_version>/aes-crds.yaml (or a mirror of it, where the platform stack cannot reach app.getambassador.io)."
  type        = string
  default     = null
}

variable "gateway_crds_chart_version" {
  description = "Version of the CRD chart; null: emissary_chart_version."
  type        = string
  default     = null

  validation {
    condition     = var.gateway_crds_chart_version == null || can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", coalesce(var.gateway_crds_chart_version, "0.0.0")))
    error_message = "gateway_crds_chart_version must be an exact chart version like \"4.0.1\"."
  }
}

variable "ambassador_replicas" {
  description = "Replicas of the Ambassador deployment."
  type        = number
  default     = 2

  validation {
    condition     = var.ambassador_replicas >= 1 && floor(var.ambassador_replicas) == var.ambassador_replicas
    error_message = "ambassador_replicas must be a whole number, 1 or more."
  }
}

variable "flux_repository" {
  description = "Helm repository of the Flux community charts (flux2, flux2-sync)."
  type        = string
  default     = "https://fluxcd-community.github.io/helm-charts"
}

variable "flux_chart_version" {
  description = "Version of the flux2 chart, like \"2.14.1\"."
  type        = string
  default     = "2.18.3"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", var.flux_chart_version))
    error_message = "flux_chart_version must be an exact chart version like \"2.14.1\" (no ranges: versions are pinned)."
  }
}

variable "flux_sync_chart_version" {
  description = "Version of the flux2-sync chart (GitRepository + Kustomization), like \"1.10.0\"."
  type        = string
  default     = "1.14.5"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$", var.flux_sync_chart_version))
    error_message = "flux_sync_chart_version must be an exact chart version like \"1.10.0\" (no ranges: versions are pinned)."
  }
}

# --- fleet repository ---------------------------------------------------------------------------

variable "fleet_repo_url" {
  description = "Git URL of the fleet repository Flux syncs from (https:// or ssh://)."
  type        = string

  validation {
    condition     = can(regex("^(https://|ssh://|http://)[^\\s]+$", var.fleet_repo_url))
    error_message = "fleet_repo_url must be a Git URL starting with https://, ssh:// or http://."
  }
}

variable "fleet_repo_branch" {
  description = "Branch of the fleet repository."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.fleet_repo_branch)) && !startswith(var.fleet_repo_branch, "/") && !endswith(var.fleet_repo_branch, "/")
    error_message = "fleet_repo_branch must be a Git branch name (letters, digits, \".\", \"_\", \"-\" and \"/\")."
  }
}

variable "fleet_repo_path" {
  description = "Directory in the fleet repository Flux applies for this cluster, like \"./clusters/cluster-b\"."
  type        = string
  default     = "./"

  validation {
    condition     = can(regex("^\\.?/?[A-Za-z0-9._/-]*$", var.fleet_repo_path)) && !strcontains(var.fleet_repo_path, "..")
    error_message = "fleet_repo_path must be a path inside the repository like \"./clusters/prod\" (no \"..\")."
  }
}

variable "fleet_repo_secret_name" {
  description = "Secret in flux-system with the credentials of a private fleet repository; empty for a public one."
  type        = string
  default     = ""
}

variable "fleet_sync_interval" {
  description = "How often Flux fetches the fleet repository and re-applies it, like \"1m\"."
  type        = string
  default     = "1m"

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.fleet_sync_interval))
    error_message = "fleet_sync_interval must be a duration like \"30s\", \"1m\" or \"1h\"."
  }
}

variable "helm_timeout" {
  description = "Seconds each Helm release may take to become ready."
  type        = number
  default     = 600
}
