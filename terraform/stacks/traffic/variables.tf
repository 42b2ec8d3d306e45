variable "zone_name" {
  description = "Existing public hosted zone, like \"example.com\"."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?$", lower(var.zone_name)))
    error_message = "zone_name must be a DNS name like \"example.com\"."
  }
}

variable "record_name" {
  description = "The fixed name every weighted record lives under, like \"api-origin.example.com\" (or a label inside zone_name)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\\.?$", lower(var.record_name)))
    error_message = "record_name must be a DNS name like \"api-origin.example.com\" or a label like \"api-origin\"."
  }

  # A CNAME cannot live at the zone apex (Route 53 developer guide, "Choosing between alias and
  # non-alias records").
  validation {
    condition     = trimsuffix(lower(var.record_name), ".") != trimsuffix(lower(var.zone_name), ".")
    error_message = "record_name must not be the zone apex (the zone name itself): Route 53 refuses a CNAME there. Use a name inside the zone, like \"api-origin\"."
  }
}

variable "ttl" {
  description = "TTL in seconds of every weighted record."
  type        = number
  default     = 60

  validation {
    condition     = var.ttl >= 0 && var.ttl <= 86400 && floor(var.ttl) == var.ttl
    error_message = "ttl must be a whole number of seconds from 0 to 86400."
  }
}

variable "cluster_weighting" {
  description = "Weight of each cluster's record, cluster name => 0-255. Written by curvectl to cluster_weighting.auto.tfvars.json. A cluster at 0 keeps its record but gets no traffic."
  type        = map(number)

  validation {
    condition     = alltrue([for name in keys(var.cluster_weighting) : can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", name))])
    error_message = "Every key of cluster_weighting must be a cluster name: 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }

  validation {
    condition     = alltrue([for w in values(var.cluster_weighting) : w >= 0 && w <= 255 && floor(w) == w])
    error_message = "Every weight in cluster_weighting must be a whole number from 0 to 255."
  }

  validation {
    condition     = length(var.cluster_weighting) == 0 || anytrue([for w in values(var.cluster_weighting) : w > 0])
    error_message = "At least one weight in cluster_weighting must be above 0: when every weighted record is 0, Route 53 splits traffic equally."
  }

  validation {
    condition     = length(var.cluster_weighting) <= 100
    error_message = "cluster_weighting may hold at most 100 clusters (Route 53's limit of weighted records per name)."
  }
}

variable "cluster_state_backend" {
  description = "Backend type holding the cluster stack's states (\"local\" or \"s3\"; any type terraform_remote_state supports)."
  type        = string
  default     = "local"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]*$", var.cluster_state_backend))
    error_message = "cluster_state_backend must be a Terraform backend type such as \"local\" or \"s3\"."
  }
}

variable "cluster_state_config" {
  description = "Backend configuration for reading the cluster stack's states; the workspace (cluster name) is added per cluster. Default: the cluster stack's local states beside this directory."
  type        = map(string)
  default = {
    path          = "../cluster/terraform.tfstate"
    workspace_dir = "../cluster/terraform.tfstate.d"
  }
}

variable "health_checks" {
  description = "Create a Route 53 health check per cluster and attach it to the cluster's record."
  type        = bool
  default     = false
}

variable "health_check" {
  description = "Health check settings: type (HTTP, HTTPS, TCP), port, resource_path, request_interval (10 or 30), failure_threshold. Default HTTPS :443 on the gateway's readiness path."
  type = object({
    type              = optional(string, "HTTPS")
    port              = optional(number, 443)
    resource_path     = optional(string, "/ambassador/v0/check_ready")
    request_interval  = optional(number, 30)
    failure_threshold = optional(number, 3)
  })
  default = {}
}

variable "edge_enabled" {
  description = "Put a CloudFront distribution in front of the weighted name."
  type        = bool
  default     = false
}

variable "edge_wait_for_deployment" {
  description = "Wait for the CloudFront distribution to be deployed."
  type        = bool
  default     = true
}

variable "edge_aliases" {
  description = "Public names of the CloudFront distribution (need edge_acm_certificate_arn)."
  type        = list(string)
  default     = []
}

variable "edge_acm_certificate_arn" {
  description = "ACM certificate in us-east-1 for edge_aliases; null uses CloudFront's default certificate."
  type        = string
  default     = null
}

variable "edge_origin_protocol_policy" {
  description = "How CloudFront reaches the weighted name: https-only (needs every cluster's ingress_certificate_arn), http-only or match-viewer."
  type        = string
  default     = "https-only"
}

variable "edge_price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}

variable "edge_cache_policy_id" {
  description = "CloudFront cache policy of the default behaviour; default the managed CachingDisabled policy."
  type        = string
  default     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
}

variable "edge_origin_request_policy_id" {
  description = "CloudFront origin request policy; default the managed AllViewerExceptHostHeader policy (the origin sees the fixed name as Host, which its certificate covers)."
  type        = string
  default     = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

variable "default_tags" {
  description = "Tags for every AWS resource of this stack."
  type        = map(string)
  default     = { "managed-by" = "curvectl" }
}
