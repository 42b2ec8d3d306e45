output "zone_id" {
  description = "Hosted zone id."
  value       = data.aws_route53_zone.this.zone_id
}

output "record_fqdn" {
  description = "The fixed name the weighted records live under (no trailing dot)."
  value       = local.fqdn
}

output "records" {
  description = "Weighted records by cluster name: weight, value (the CNAME target) and set identifier."
  value = {
    for name, r in aws_route53_record.cluster : name => {
      weight          = r.weighted_routing_policy[0].weight
      value           = one(r.records)
      set_identifier  = r.set_identifier
      health_check_id = var.health_checks ? aws_route53_health_check.cluster[name].id : null
    }
  }
}
