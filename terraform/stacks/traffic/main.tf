# Each cluster's ingress DNS name comes from its own cluster-stack state (workspace = cluster name),
# so adding a cluster to cluster_weighting is all it takes to give it a record.
data "terraform_remote_state" "cluster" {
  for_each = var.cluster_weighting

  backend   = var.cluster_state_backend
  config    = var.cluster_state_config
  workspace = each.key

  lifecycle {
    postcondition {
      condition     = try(self.outputs.ingress_dns_name, "") != "" && try(self.outputs.cluster_name, each.key) == each.key
      error_message = "The cluster stack's state for workspace \"${each.key}\" has no ingress_dns_name output (or belongs to another cluster): apply the cluster stack in that workspace first, or check cluster_state_backend and cluster_state_config."
    }
  }
}

module "dns" {
  source = "../../modules/weighted-dns"

  zone_name     = var.zone_name
  record_name   = var.record_name
  ttl           = var.ttl
  health_checks = var.health_checks
  health_check  = var.health_check
  clusters = {
    for name, weight in var.cluster_weighting : name => {
      weight = weight
      target = data.terraform_remote_state.cluster[name].outputs.ingress_dns_name
      # Older cluster states and stand-ins without the output have an internet-facing ingress.
      internal = try(data.terraform_remote_state.cluster[name].outputs.ingress_internal, false)
    }
  }
}

# CloudFront checks the origin's certificate against the origin domain name (the fixed record name):
# with https-only every cluster's load balancer must terminate TLS with a certificate for it
# (cluster stack ingress_certificate_arn), or every request would be a 502 (CloudFront developer
# guide, "Requirements for using SSL/TLS certificates with CloudFront": certificates on a custom
# origin). States without the output (stand-ins) are not judged.
locals {
  clusters_without_origin_tls = [
    for name in keys(var.cluster_weighting) : name
    if try(data.terraform_remote_state.cluster[name].outputs.ingress_tls_terminated, true) == false
  ]
}

module "edge" {
  source = "../../modules/edge"
  count  = var.edge_enabled ? 1 : 0

  origin_domain_name          = module.dns.record_fqdn
  origin_protocol_policy      = var.edge_origin_protocol_policy
  aliases                     = var.edge_aliases
  acm_certificate_arn         = var.edge_acm_certificate_arn
  price_class                 = var.edge_price_class
  wait_for_deployment         = var.edge_wait_for_deployment
  cache_policy_id             = var.edge_cache_policy_id
  origin_request_policy_id    = var.edge_origin_request_policy_id
  clusters_without_origin_tls = local.clusters_without_origin_tls
}
