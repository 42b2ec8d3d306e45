# One EKS cluster with its network, roles, managed node group, add-ons and ingress network load
# balancer. Every name starts with the cluster name so two clusters of one environment never collide;
# the load balancer and target group names ("<cluster>-ingress", "<cluster>-http", "<cluster>-https")
# fit AWS's 32-character limit because cluster names are at most 24 characters. IAM names are global
# to the account, so roles use name prefixes (one cluster name in two regions does not collide).
#
# Files: network.tf (VPC), security.tf (security groups), iam.tf (roles, OIDC provider), eks.tf
# (control plane, logs, KMS, access), nodes.tf (launch template, node group), addons.tf (managed
# add-ons), ingress.tf (NLB, target groups, listeners).

data "aws_partition" "current" {}

# Availability zones that need no opt-in: Local Zones and Wavelength Zones ("opt-in-required") cannot
# host EKS control-plane subnets (EKS user guide, "VPC and subnet requirements").
data "aws_availability_zones" "available" {
  count = local.create_vpc ? 1 : 0
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  create_vpc = var.existing_vpc_id == null
  azs        = local.create_vpc ? slice(data.aws_availability_zones.available[0].names, 0, var.az_count) : []
  tags       = merge(var.tags, { "curvectl/cluster" = var.cluster_name })

  # Per-cluster VPC CIDR: given, or derived from the cluster name (a /16 in 10.0.0.0/8 picked by a
  # hash of the name), so two clusters made with the defaults do not get the same range (peering,
  # transit gateways and VPN routes need distinct ranges). A derived range already used by another
  # curvectl VPC is refused in network.tf.
  derived_vpc_cidr = cidrsubnet("10.0.0.0/8", 8, parseint(substr(sha256(var.cluster_name), 0, 2), 16))
  vpc_cidr_wanted  = coalesce(var.vpc_cidr, local.derived_vpc_cidr)

  vpc_id             = local.create_vpc ? aws_vpc.this[0].id : var.existing_vpc_id
  vpc_cidr           = local.create_vpc ? aws_vpc.this[0].cidr_block : data.aws_vpc.existing[0].cidr_block
  public_subnet_ids  = local.create_vpc ? aws_subnet.public[*].id : var.existing_public_subnet_ids
  private_subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.existing_private_subnet_ids

  ingress_ports = {
    http  = { port = 80, node_port = var.ingress_http_node_port }
    https = { port = 443, node_port = var.ingress_https_node_port }
  }
}

data "aws_vpc" "existing" {
  count = local.create_vpc ? 0 : 1
  id    = var.existing_vpc_id

  lifecycle {
    postcondition {
      condition     = length(var.existing_private_subnet_ids) >= 2 && (var.ingress_internal || length(var.existing_public_subnet_ids) >= 2)
      error_message = "existing_vpc_id needs existing_private_subnet_ids (nodes, control plane) and, for an internet-facing ingress, existing_public_subnet_ids (load balancer): at least two subnets each, in different availability zones."
    }
  }
}
