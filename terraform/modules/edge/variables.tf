variable "origin_domain_name" {
  description = "The fixed weighted name (weighted-dns record_fqdn): CloudFront resolves it, so weights decide which cluster serves."
  type        = string
}

variable "origin_protocol_policy" {
  description = "How CloudFront talks to the origin: https-only, http-only or match-viewer."
  type        = string
  default     = "https-only"

  validation {
    condition     = contains(["https-only", "http-only", "match-viewer"], var.origin_protocol_policy)
    error_message = "origin_protocol_policy must be \"https-only\", \"http-only\" or \"match-viewer\"."
  }
}

variable "aliases" {
  description = "Public names of the distribution (needs acm_certificate_arn from us-east-1)."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ACM certificate (us-east-1) for aliases; null uses the CloudFront default certificate."
  type        = string
  default     = null

  validation {
    condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
    error_message = "aliases need acm_certificate_arn: an ACM certificate in us-east-1 that covers every alias (CloudFront's default certificate only covers *.cloudfront.net)."
  }

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/.+$", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be null or an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)."
  }
}

variable "price_class" {
  description = "PriceClass_100, PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be \"PriceClass_100\", \"PriceClass_200\" or \"PriceClass_All\"."
  }
}

variable "wait_for_deployment" {
  description = "Wait until the distribution is deployed everywhere (several minutes on AWS)."
  type        = bool
  default     = true
}

variable "comment" {
  description = "Comment shown on the distribution."
  type        = string
  default     = "curvectl edge"
}

variable "tags" {
  description = "Tags of the distribution."
  type        = map(string)
  default     = {}
}

variable "cache_policy_id" {
  description = "Cache policy of the default behaviour. Default: the managed CachingDisabled policy (id from the CloudFront developer guide, \"Use managed cache policies\")."
  type        = string
  default     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
}

variable "origin_request_policy_id" {
  description = "Origin request policy of the default behaviour. Default: the managed AllViewerExceptHostHeader policy (id from the CloudFront developer guide, \"Use managed origin request policies\")."
  type        = string
  default     = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

variable "clusters_without_origin_tls" {
  description = "Clusters whose load balancer does not terminate TLS for origin_domain_name; refused with origin_protocol_policy https-only."
  type        = list(string)
  default     = []
}
