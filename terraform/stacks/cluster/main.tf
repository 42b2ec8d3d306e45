module "cluster" {
  source = "../../modules/eks-cluster"

  cluster_name                 = var.cluster_name
  kubernetes_version           = var.kubernetes_version
  vpc_cidr                     = var.vpc_cidr
  az_count                     = var.az_count
  existing_vpc_id              = var.existing_vpc_id
  existing_subnet_ids          = var.existing_subnet_ids
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
}
