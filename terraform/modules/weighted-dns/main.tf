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

# Health checks ask each cluster's load balancer directly (fqdn = its DNS name, no IP address), so
# Route 53 resolves it and sends that name as the Host header, and over HTTPS as the SNI name; a
# health checker whose TLS handshake fails on the name retries without SNI (Route 53 API reference,
# HealthCheckConfig FullyQualifiedDomainName and EnableSNI). The default path is the gateway's
# readiness endpoint, which it answers for any Host.
#
# Route 53 rule to know: when every weighted record with a non-zero weight is unhealthy, Route 53
# answers with the zero-weight records (Route 53 developer guide, "How Amazon Route 53 chooses
# records when health checking is configured"). A cluster at weight 0 can therefore get traffic when
# the clusters carrying traffic fail their checks. curvectl's retire refuses a cluster whose record
# is still there (it removes the record first), and a shift's health gates stop and roll back on an
# unhealthy target, so a weight-0 cluster that is about to be retired never silently becomes the
# only answer for long; keep weight-0 clusters serving until they are retired.
resource "aws_route53_health_check" "cluster" {
  for_each = var.health_checks ? var.clusters : {}

  fqdn              = each.value.target
  port              = var.health_check.port
  type              = var.health_check.type
  resource_path     = var.health_check.type == "TCP" ? null : var.health_check.resource_path
  enable_sni        = var.health_check.type == "HTTPS" ? true : null
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
