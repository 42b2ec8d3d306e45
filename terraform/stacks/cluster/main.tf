module "cluster" {
  source = "../../modules/eks-cluster"

  cluster_name                 = var.cluster_name
  kubernetes_version           = var.kubernetes_version
  vpc_cidr                     = var.vpc_cidr
  az_count                     = var.az_count
  existing_vpc_id              = var.existing_vpc_id
  existing_public_subnet_ids   = var.existing_public_subnet_ids
  existing_private_subnet_ids  = var.existing_private_subnet_ids
  endpoint_public_access       = var.endpoint_public_access
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  node_instance_types          = var.node_instance_types
  node_capacity_type           = var.node_capacity_type
  node_desired_size            = var.node_desired_size
  node_min_size                = var.node_min_size
  node_max_size                = var.node_max_size
  ingress_internal             = var.ingress_internal
  ingress_http_node_port       = var.ingress_http_node_port
  ingress_https_node_port      = var.ingress_https_node_port
  ingress_allowed_cidrs        = var.ingress_allowed_cidrs
  bind_ingress_to_nodes        = var.bind_ingress_to_nodes

  authentication_mode                    = var.authentication_mode
  creator_admin_access_entry             = var.creator_admin_access_entry
  access_entries                         = var.access_entries
  control_plane_log_types                = var.control_plane_log_types
  control_plane_log_retention_days       = var.control_plane_log_retention_days
  kms_key_arn                            = var.kms_key_arn
  upgrade_support_type                   = var.upgrade_support_type
  cluster_addons                         = var.cluster_addons
  create_oidc_provider                   = var.create_oidc_provider
  node_labels                            = var.node_labels
  node_taints                            = var.node_taints
  node_update_max_unavailable_percentage = var.node_update_max_unavailable_percentage
  ingress_certificate_arn                = var.ingress_certificate_arn
  ingress_ssl_policy                     = var.ingress_ssl_policy
  ingress_health_check_path              = var.ingress_health_check_path
  ingress_cloudfront_only                = var.ingress_cloudfront_only
}

data "aws_region" "current" {}
