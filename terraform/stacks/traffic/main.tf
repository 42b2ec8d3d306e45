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
    }
  }
}

module "edge" {
  source = "../../modules/edge"
  count  = var.edge_enabled ? 1 : 0

  origin_domain_name     = module.dns.record_fqdn
  origin_protocol_policy = var.edge_origin_protocol_policy
  aliases                = var.edge_aliases
  acm_certificate_arn    = var.edge_acm_certificate_arn
  price_class            = var.edge_price_class
  wait_for_deployment    = var.edge_wait_for_deployment
}
