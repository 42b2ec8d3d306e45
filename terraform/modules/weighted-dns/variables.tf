variable "zone_name" {
  description = "Name of the existing public hosted zone, like \"example.com\"."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?$", lower(var.zone_name)))
    error_message = "zone_name must be a DNS name like \"example.com\"."
  }
}

variable "record_name" {
  description = "The fixed name every weighted record lives under: a name inside zone_name (\"api-origin.example.com\") or a label relative to it (\"api-origin\")."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\\.?$", lower(var.record_name)))
    error_message = "record_name must be a DNS name like \"api-origin.example.com\" or a label like \"api-origin\"."
  }
}

variable "ttl" {
  description = "TTL in seconds shared by every weighted record (Route 53 wants one TTL per weighted set; 60 or less with health checks)."
  type        = number
  default     = 60

  validation {
    condition     = var.ttl >= 0 && var.ttl <= 86400 && floor(var.ttl) == var.ttl
    error_message = "ttl must be a whole number of seconds from 0 to 86400."
  }
}

variable "clusters" {
  description = "One weighted CNAME per entry: cluster name => { weight 0-255, target DNS name (the cluster's ingress load balancer) }."
  type = map(object({
    weight = number
    target = string
  }))

  validation {
    condition     = alltrue([for name in keys(var.clusters) : can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", name))])
    error_message = "Every cluster name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }

  validation {
    condition     = alltrue([for c in values(var.clusters) : c.weight >= 0 && c.weight <= 255 && floor(c.weight) == c.weight])
    error_message = "Every weight must be a whole number from 0 to 255 (Route 53's range)."
  }

  validation {
    condition     = length(var.clusters) == 0 || anytrue([for c in values(var.clusters) : c.weight > 0])
    error_message = "At least one weight must be above 0: when every weighted record is 0, Route 53 splits traffic equally."
  }

  validation {
    condition     = length(var.clusters) <= 100
    error_message = "Route 53 allows at most 100 weighted records per name and type."
  }

  validation {
    condition     = alltrue([for c in values(var.clusters) : c.target != ""])
    error_message = "Every cluster needs a target DNS name (its ingress load balancer)."
  }
}

variable "health_checks" {
  description = "Create one Route 53 health check per cluster against its target and attach it to the cluster's record: Route 53 then stops answering with an unhealthy cluster."
  type        = bool
  default     = false
}

variable "health_check" {
  description = "Settings of the per-cluster health checks: type HTTP, HTTPS or TCP; resource_path for HTTP(S)."
  type = object({
    type              = optional(string, "TCP")
    port              = optional(number, 443)
    resource_path     = optional(string, "/")
    request_interval  = optional(number, 30)
    failure_threshold = optional(number, 3)
  })
  default = {}

  validation {
    condition     = contains(["HTTP", "HTTPS", "TCP"], var.health_check.type)
    error_message = "health_check.type must be \"HTTP\", \"HTTPS\" or \"TCP\"."
  }

  validation {
    condition     = contains([10, 30], var.health_check.request_interval)
    error_message = "health_check.request_interval must be 10 or 30 seconds."
  }

  validation {
    condition     = var.health_check.port >= 1 && var.health_check.port <= 65535 && var.health_check.failure_threshold >= 1 && var.health_check.failure_threshold <= 10
    error_message = "health_check.port must be 1-65535 and health_check.failure_threshold 1-10."
  }
}

variable "tags" {
  description = "Tags of the health checks."
  type        = map(string)
  default     = {}
}
