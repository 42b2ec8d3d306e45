output "record_fqdn" {
  description = "The fixed name the weighted records live under (the CloudFront origin)."
  value       = module.dns.record_fqdn
}

output "records" {
  description = "Weighted records by cluster name: { weight, value, set_identifier, health_check_id }."
  value       = module.dns.records
}

output "zone_id" {
  description = "Hosted zone id of zone_name."
  value       = module.dns.zone_id
}

output "edge_domain_name" {
  description = "CloudFront domain name, or null when edge_enabled is false."
  value       = var.edge_enabled ? module.edge[0].domain_name : null
}

output "edge_distribution_id" {
  description = "CloudFront distribution id, or null when edge_enabled is false."
  value       = var.edge_enabled ? module.edge[0].distribution_id : null
}
