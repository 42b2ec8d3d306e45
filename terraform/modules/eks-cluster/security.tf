# --- security groups ----------------------------------------------------------------------------

# Extra security group of the control plane: the API is reachable from inside the VPC (nodes, tools
# run from the VPC). EKS also makes its own cluster security group, which the nodes share.
resource "aws_security_group" "control_plane" {
  name        = "${var.cluster_name}-control-plane"
  description = "EKS control plane of ${var.cluster_name}"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.cluster_name}-control-plane" })
}

resource "aws_vpc_security_group_ingress_rule" "control_plane_https" {
  security_group_id = aws_security_group.control_plane.id
  description       = "Kubernetes API from the VPC"
  cidr_ipv4         = local.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "control_plane_all" {
  security_group_id = aws_security_group.control_plane.id
  description       = "All outbound"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# The ingress load balancer's own security group. It is given to the NLB when the NLB is created:
# a Network Load Balancer created without security groups can never get one, and adding the first
# one later replaces the load balancer and its DNS name (ELB user guide, "Update the security groups
# for your Network Load Balancer").
resource "aws_security_group" "ingress" {
  name        = "${var.cluster_name}-ingress"
  description = "Ingress network load balancer of ${var.cluster_name}"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.cluster_name}-ingress" })
}

# With the CloudFront edge in front, only CloudFront's origin-facing servers may reach the load
# balancer, so clients cannot go around CloudFront (and its WAF). AWS publishes them as the managed
# prefix list com.amazonaws.global.cloudfront.origin-facing (CloudFront developer guide, "Restrict
# access to Application Load Balancers / use the CloudFront managed prefix list"); it counts as about
# 55 rules against the security group's rule quota.
data "aws_ec2_managed_prefix_list" "cloudfront_origin_facing" {
  count = var.ingress_cloudfront_only ? 1 : 0
  name  = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_vpc_security_group_ingress_rule" "ingress_clients" {
  for_each = var.ingress_cloudfront_only ? {} : { for pair in setproduct(keys(local.ingress_ports), var.ingress_allowed_cidrs) : "${pair[0]}-${pair[1]}" => { port = local.ingress_ports[pair[0]].port, cidr = pair[1] } }

  security_group_id = aws_security_group.ingress.id
  description       = "Clients on port ${each.value.port}"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "ingress_cloudfront" {
  for_each = var.ingress_cloudfront_only ? local.ingress_ports : {}

  security_group_id = aws_security_group.ingress.id
  description       = "CloudFront origin-facing servers on port ${each.value.port}"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront_origin_facing[0].id
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

# The NLB forwards (and health-checks) to the node ports inside the VPC.
resource "aws_vpc_security_group_egress_rule" "ingress_to_nodes" {
  for_each = local.ingress_ports

  security_group_id = aws_security_group.ingress.id
  description       = "To the ingress node port ${each.value.node_port}"
  cidr_ipv4         = local.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = each.value.node_port
  to_port           = each.value.node_port
}

# The nodes use the EKS-made cluster security group; open the ingress node ports on it to the load
# balancer's security group only (traffic and health checks both come from the NLB: with a security
# group on the NLB, targets see the NLB's group as the source of client traffic it forwards, ELB user
# guide, "Target security groups").
resource "aws_vpc_security_group_ingress_rule" "nodes_ingress" {
  for_each = var.bind_ingress_to_nodes ? local.ingress_ports : {}

  security_group_id            = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description                  = "Ingress node port ${each.value.node_port} from the load balancer"
  referenced_security_group_id = aws_security_group.ingress.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.node_port
  to_port                      = each.value.node_port
}
