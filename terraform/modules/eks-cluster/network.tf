# --- network (only when no existing VPC is given) -------------------------------------------------
# Public subnets hold the load balancer; private subnets hold the control plane's interfaces and the
# nodes, which reach the internet through one NAT gateway.

# Other curvectl VPCs (tagged curvectl/cluster) with exactly this range: a derived range that two
# cluster names share is refused before anything is made.
data "aws_vpcs" "same_cidr" {
  count = local.create_vpc ? 1 : 0

  filter {
    name   = "cidr-block-association.cidr-block"
    values = [local.vpc_cidr_wanted]
  }

  filter {
    name   = "tag-key"
    values = ["curvectl/cluster"]
  }
}

data "aws_vpc" "same_cidr" {
  for_each = local.create_vpc ? toset(data.aws_vpcs.same_cidr[0].ids) : toset([])
  id       = each.key
}

resource "aws_vpc" "this" {
  count                = local.create_vpc ? 1 : 0
  cidr_block           = local.vpc_cidr_wanted
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = var.cluster_name })

  lifecycle {
    precondition {
      condition     = alltrue([for v in data.aws_vpc.same_cidr : v.tags["curvectl/cluster"] == var.cluster_name])
      error_message = "The VPC range ${local.vpc_cidr_wanted} is already used by another curvectl cluster's VPC (${join(", ", [for v in data.aws_vpc.same_cidr : "${v.id} of ${v.tags["curvectl/cluster"]}" if v.tags["curvectl/cluster"] != var.cluster_name])}): set vpc_cidr to a free /16-/20 range for this cluster."
    }
  }
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
  cidr_block              = cidrsubnet(local.vpc_cidr_wanted, 4, count.index)
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
  cidr_block        = cidrsubnet(local.vpc_cidr_wanted, 4, count.index + 8)
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

