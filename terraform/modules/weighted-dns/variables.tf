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

  # A CNAME cannot live at the zone apex (RFC 1034 section 3.6.2; Route 53 developer guide, "Choosing
  # between alias and non-alias records": "you can't create a CNAME record at the zone apex").
  validation {
    condition     = trimsuffix(lower(var.record_name), ".") != trimsuffix(lower(var.zone_name), ".")
    error_message = "record_name must not be the zone apex (the zone name itself): Route 53 refuses a CNAME there. Use a name inside the zone, like \"api-origin\"."
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
    weight   = number
    target   = string
    internal = optional(bool, false)
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
  description = "Create one Route 53 health check per cluster against its target and attach it to the cluster's record: Route 53 then stops answering with an unhealthy cluster. Not with an internal ingress load balancer."
  type        = bool
  default     = false

  # Route 53 health checkers run on the internet and cannot reach an internal load balancer: every
  # check would fail (Route 53 developer guide, "How Amazon Route 53 checks the health of your
  # resources"; private endpoints need a CloudWatch-alarm health check instead).
  validation {
    condition     = !var.health_checks || !anytrue([for c in values(var.clusters) : c.internal])
    error_message = "health_checks cannot be used with an internal ingress load balancer (${join(", ", [for n, c in var.clusters : n if c.internal])}): Route 53's health checkers are on the internet and cannot reach it. Turn health_checks off, or make the ingress internet-facing."
  }
}

variable "health_check" {
  description = "Settings of the per-cluster health checks: type HTTP, HTTPS or TCP; resource_path for HTTP(S). Default: HTTPS on 443 to the gateway's readiness path."
  type = object({
    type              = optional(string, "HTTPS")
    port              = optional(number, 443)
    resource_path     = optional(string, "/ambassador/v0/check_ready")
    request_interval  = optional(number, 30)
    failure_threshold = optional(number, 3)
  })
  default = {}

  validation {
    condition     = contains(["HTTP", "HTTPS", "TCP"], var.health_check.type)
    error_message = "health_check.type must be \"HTTP\", \"HTTPS\" or \"TCP\"."
  }

  validation {
    condition     = startswith(var.health_check.resource_path, "/")
    error_message = "health_check.resource_path must start with \"/\"."
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
