# --- ingress load balancer -----------------------------------------------------------------------
# NLB (public subnets, or private ones when internal) -> target groups on the gateway's node ports
# (instance targets = the node group's Auto Scaling group). Port 80 is TCP to the HTTP node port.
# Port 443 terminates TLS at the load balancer with ingress_certificate_arn (an ACM certificate for
# the fixed record name, so CloudFront, which checks the origin's certificate against the origin
# domain name, accepts it) and re-encrypts to the gateway's HTTPS node port (NLB user guide, "TLS
# listeners": the load balancer does not validate the targets' certificates). Without a certificate
# 443 passes TLS through to the gateway as before.

resource "aws_lb" "ingress" {
  name                             = "${var.cluster_name}-ingress"
  load_balancer_type               = "network"
  internal                         = var.ingress_internal
  subnets                          = var.ingress_internal ? local.private_subnet_ids : local.public_subnet_ids
  security_groups                  = [aws_security_group.ingress.id]
  enable_cross_zone_load_balancing = true
  tags                             = local.tags

  depends_on = [aws_route.public_internet]
}

locals {
  tls_at_lb = var.ingress_certificate_arn != null
}

resource "aws_lb_target_group" "ingress" {
  for_each = local.ingress_ports

  name        = "${var.cluster_name}-${each.key}"
  port        = each.value.node_port
  protocol    = each.key == "https" && local.tls_at_lb ? "TLS" : "TCP"
  target_type = "instance"
  vpc_id      = local.vpc_id

  # Both groups check the gateway's readiness over HTTP on its HTTP node port: a TCP check passes
  # as soon as kube-proxy answers, even on a node without a ready gateway pod. With the Service's
  # externalTrafficPolicy Local, a node without a gateway pod fails this check and gets no traffic,
  # and client addresses reach the gateway unchanged (Kubernetes docs, "Preserving the client source
  # IP").
  health_check {
    protocol            = "HTTP"
    port                = tostring(var.ingress_http_node_port)
    path                = var.ingress_health_check_path
    matcher             = "200"
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
  protocol          = each.key == "https" && local.tls_at_lb ? "TLS" : "TCP"
  certificate_arn   = each.key == "https" && local.tls_at_lb ? var.ingress_certificate_arn : null
  ssl_policy        = each.key == "https" && local.tls_at_lb ? var.ingress_ssl_policy : null

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
