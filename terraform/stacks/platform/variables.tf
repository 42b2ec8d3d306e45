variable "cluster_name" {
  description = "Cluster to install the platform on; must equal the Terraform workspace (and the cluster stack's workspace)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"cluster-b\")."
  }

  validation {
    condition     = terraform.workspace == var.cluster_name
    error_message = "The Terraform workspace must be named after the cluster: select it with \"terraform workspace select -or-create <cluster_name>\" before planning."
  }
}

variable "cluster_state_backend" {
  description = "Backend type holding the cluster stack's states (\"local\" or \"s3\")."
  type        = string
  default     = "local"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]*$", var.cluster_state_backend))
    error_message = "cluster_state_backend must be a Terraform backend type such as \"local\" or \"s3\"."
  }
}

variable "cluster_state_config" {
  description = "Backend configuration for reading the cluster stack's state (workspace = cluster_name). Default: the cluster stack's local states beside this directory."
  type        = map(string)
  default = {
    path          = "../cluster/terraform.tfstate"
    workspace_dir = "../cluster/terraform.tfstate.d"
  }
}

variable "fleet_repo_url" {
  description = "Git URL of the fleet repository Flux syncs from."
  type        = string
}

variable "fleet_repo_branch" {
  description = "Branch of the fleet repository."
  type        = string
  default     = "main"
}

variable "fleet_repo_path" {
  description = "Directory of the fleet repository for this cluster, like \"./clusters/prod\"."
  type        = string
  default     = "./"
}

variable "fleet_repo_secret_name" {
  description = "Secret in flux-system with credentials for a private fleet repository; empty for a public one."
  type        = string
  default     = ""
}

variable "istio_version" {
  description = "Pinned version of the Istio base and istiod charts."
  type        = string
  default     = "1.30.0"
}

variable "ambassador_chart_version" {
  description = "Pinned version of the Ambassador edge-stack chart."
  type        = string
  default     = "8.12.2"
}

variable "gateway" {
  description = "\"emissary\" (Emissary-ingress, open source) or \"edge-stack\" (Ambassador Edge Stack, needs ambassador_license_key)."
  type        = string
  default     = "emissary"
}

variable "ambassador_license_key" {
  description = "Ambassador Edge Stack license key; required with gateway = \"edge-stack\". Pass it as TF_VAR_ambassador_license_key."
  type        = string
  default     = ""
  sensitive   = true
}

variable "gateway_istio_injection" {
  description = "Inject Istio's sidecar into the gateway pods (mutual TLS to mesh services)."
  type        = bool
  default     = true
}

variable "emissary_chart_version" {
  description = "Pinned version of the emissary-ingress chart (and of its CRD chart)."
  type        = string
  default     = "4.0.1"
}

variable "gateway_crds_repository" {
  description = "Repository of the gateway's CRD chart; null: Emissary's."
  type        = string
  default     = null
}

variable "gateway_crds_chart" {
  description = "The gateway's CRD chart; null: emissary-crds-chart for Emissary, Edge Stack's official CRD manifest for Edge Stack."
  type        = string
  default     = null
}

variable "edge_stack_version" {
  description = "The Edge Stack release of ambassador_chart_version (chart 8.X.Y is Edge Stack 3.X.Y): its CRD manifest goes in before the gateway."
  type        = string
  default     = "3.12.2"
}

variable "gateway_crds_manifest_url" {
  description = "Edge Stack's CRD manifest; null: https://app.getambassador.io/yaml/edge-stack/<edge_stack_version>/aes-crds.yaml."
  type        = string
  default     = null
}

variable "gateway_crds_chart_version" {
  description = "Pinned version of the CRD chart; null: emissary_chart_version."
  type        = string
  default     = null
}

variable "flux_chart_version" {
  description = "Pinned version of the flux2 chart."
  type        = string
  default     = "2.18.3"
}

variable "flux_sync_chart_version" {
  description = "Pinned version of the flux2-sync chart."
  type        = string
  default     = "1.14.5"
}
