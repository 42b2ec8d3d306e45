# One EKS cluster with its network, roles, managed node group and ingress network load balancer.
# Every name starts with the cluster name so two clusters of one environment never collide; the
# load balancer and target group names ("<cluster>-ingress", "<cluster>-http", "<cluster>-https")
# fit AWS's 32-character limit because cluster names are at most 24 characters.

data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  count = local.create_vpc ? 1 : 0
  state = "available"
}

locals {
  create_vpc = var.existing_vpc_id == null
  azs        = local.create_vpc ? slice(data.aws_availability_zones.available[0].names, 0, var.az_count) : []
  tags       = merge(var.tags, { "curvectl/cluster" = var.cluster_name })

  vpc_id             = local.create_vpc ? aws_vpc.this[0].id : var.existing_vpc_id
  vpc_cidr           = local.create_vpc ? aws_vpc.this[0].cidr_block : data.aws_vpc.existing[0].cidr_block
  public_subnet_ids  = local.create_vpc ? aws_subnet.public[*].id : var.existing_subnet_ids
  private_subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.existing_subnet_ids

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
      condition     = length(var.existing_subnet_ids) >= 2
      error_message = "existing_vpc_id needs existing_subnet_ids: at least two subnets in different availability zones."
    }
  }
}

# --- network (only when no existing VPC is given) -------------------------------------------------
# Public subnets hold the load balancer; private subnets hold the control plane's interfaces and the
# nodes, which reach the internet through one NAT gateway.

resource "aws_vpc" "this" {
  count                = local.create_vpc ? 1 : 0
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = var.cluster_name })
}

resource "aws_internet_gateway" "this" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = var.cluster_name })
}

resource "aws_subnet" "public" {
  count                   = local.create_vpc ? var.az_count : 0
  vpc_id                  = aws_vpc.this[0].id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = true
  tags = merge(local.tags, {
    Name                                        = "${var.cluster_name}-public-${local.azs[count.index]}"
    "kubernetes.io/role/elb"                    = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  })
}

resource "aws_subnet" "private" {
  count             = local.create_vpc ? var.az_count : 0
  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index + 8)
  tags = merge(local.tags, {
    Name                                        = "${var.cluster_name}-private-${local.azs[count.index]}"
    "kubernetes.io/role/internal-elb"           = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  })
}

resource "aws_eip" "nat" {
  count  = local.create_vpc ? 1 : 0
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.cluster_name}-nat" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count         = local.create_vpc ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = var.cluster_name })
}

resource "aws_route_table" "public" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = "${var.cluster_name}-public" })
}

resource "aws_route" "public_internet" {
  count                  = local.create_vpc ? 1 : 0
  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count          = local.create_vpc ? var.az_count : 0
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_route_table" "private" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = "${var.cluster_name}-private" })
}

resource "aws_route" "private_nat" {
  count                  = local.create_vpc ? 1 : 0
  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

resource "aws_route_table_association" "private" {
  count          = local.create_vpc ? var.az_count : 0
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

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

# The nodes use the EKS-made cluster security group; open the ingress node ports on it for the load
# balancer's clients and health checks (the NLB keeps client source addresses).
resource "aws_vpc_security_group_ingress_rule" "nodes_ingress" {
  for_each = var.bind_ingress_to_nodes ? { for pair in setproduct(keys(local.ingress_ports), var.ingress_allowed_cidrs) : "${pair[0]}-${pair[1]}" => { port = local.ingress_ports[pair[0]].node_port, cidr = pair[1] } } : {}

  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description       = "Ingress node port ${each.value.port}"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "nodes_ingress_health" {
  for_each = var.bind_ingress_to_nodes ? local.ingress_ports : {}

  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  description       = "Load balancer health checks on node port ${each.value.node_port}"
  cidr_ipv4         = local.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = each.value.node_port
  to_port           = each.value.node_port
}

# --- IAM -----------------------------------------------------------------------------------------

data "aws_iam_policy_document" "eks_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "nodes_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "control_plane" {
  name               = "${var.cluster_name}-control-plane"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "control_plane" {
  for_each   = toset(["AmazonEKSClusterPolicy"])
  role       = aws_iam_role.control_plane.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

resource "aws_iam_role" "nodes" {
  name               = "${var.cluster_name}-nodes"
  assume_role_policy = data.aws_iam_policy_document.nodes_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "nodes" {
  for_each   = toset(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"])
  role       = aws_iam_role.nodes.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

# --- EKS -----------------------------------------------------------------------------------------

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.control_plane.arn

  vpc_config {
    subnet_ids              = local.private_subnet_ids
    security_group_ids      = [aws_security_group.control_plane.id]
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = var.endpoint_public_access_cidrs
  }

  tags = local.tags

  # The role's policies must exist before EKS uses the role, and must outlive the cluster on destroy.
  depends_on = [aws_iam_role_policy_attachment.control_plane, aws_route_table_association.private]
}

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-default"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = local.private_subnet_ids
  instance_types  = var.node_instance_types
  capacity_type   = var.node_capacity_type

  scaling_config {
    desired_size = var.node_desired_size
    min_size     = var.node_min_size
    max_size     = var.node_max_size
  }

  tags = local.tags

  lifecycle {
    # Some EKS implementations (the moto emulator) report a remote_access block nobody asked for, which
    # would make every plan replace the node group.
    ignore_changes = [remote_access]
  }

  depends_on = [aws_iam_role_policy_attachment.nodes, aws_route.private_nat]
}

# --- ingress load balancer -----------------------------------------------------------------------

resource "aws_lb" "ingress" {
  name                             = "${var.cluster_name}-ingress"
  load_balancer_type               = "network"
  internal                         = var.ingress_internal
  subnets                          = var.ingress_internal ? local.private_subnet_ids : local.public_subnet_ids
  enable_cross_zone_load_balancing = true
  tags                             = local.tags

  depends_on = [aws_route.public_internet]
}

resource "aws_lb_target_group" "ingress" {
  for_each = local.ingress_ports

  name        = "${var.cluster_name}-${each.key}"
  port        = each.value.node_port
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = local.vpc_id

  health_check {
    protocol            = "TCP"
    port                = "traffic-port"
    healthy_threshold   = 3
    unhealthy_threshold = 3
    interval            = 10
  }

  tags = local.tags
}

resource "aws_lb_listener" "ingress" {
  for_each = local.ingress_ports

  load_balancer_arn = aws_lb.ingress.arn
  port              = each.value.port
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ingress[each.key].arn
  }

  tags = local.tags
}

# A managed node group has exactly one Auto Scaling group; registering it makes every node a target.
resource "aws_autoscaling_attachment" "ingress" {
  for_each = var.bind_ingress_to_nodes ? local.ingress_ports : {}

  autoscaling_group_name = aws_eks_node_group.this.resources[0].autoscaling_groups[0].name
  lb_target_group_arn    = aws_lb_target_group.ingress[each.key].arn
}
