# One weighted CNAME per cluster under one fixed name. The set identifier is the cluster name, so
# curvectl can read and change weights in Route 53 directly (fast rollback) and Terraform still
# matches every record to its cluster.

data "aws_route53_zone" "this" {
  name         = var.zone_name
  private_zone = false
}

locals {
  zone = trimsuffix(lower(var.zone_name), ".")
  name = trimsuffix(lower(var.record_name), ".")
  # A relative label becomes a name inside the zone; a full name inside the zone stays as it is.
  fqdn = local.name == local.zone || endswith(local.name, ".${local.zone}") ? local.name : "${local.name}.${local.zone}"
}

resource "aws_route53_health_check" "cluster" {
  for_each = var.health_checks ? var.clusters : {}

  fqdn              = each.value.target
  port              = var.health_check.port
  type              = var.health_check.type
  resource_path     = var.health_check.type == "TCP" ? null : var.health_check.resource_path
  request_interval  = var.health_check.request_interval
  failure_threshold = var.health_check.failure_threshold
  tags              = merge(var.tags, { Name = "${local.fqdn}/${each.key}", "curvectl/cluster" = each.key })

  # Route 53 refuses to delete a health check that a record still uses: with create_before_destroy
  # Terraform detaches it from the record (record update) before deleting it.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "cluster" {
  for_each = var.clusters

  zone_id        = data.aws_route53_zone.this.zone_id
  name           = local.fqdn
  type           = "CNAME"
  ttl            = var.ttl
  records        = [each.value.target]
  set_identifier = each.key

  weighted_routing_policy {
    weight = each.value.weight
  }

  health_check_id = var.health_checks ? aws_route53_health_check.cluster[each.key].id : null

  # UPSERT: a record removed and added back (or one curvectl wrote during a rollback) is taken over
  # instead of failing with "already exists".
  allow_overwrite = true
}
