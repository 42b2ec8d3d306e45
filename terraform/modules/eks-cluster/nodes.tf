# --- managed node group --------------------------------------------------------------------------

# Instance metadata: IMDSv2 only, one network hop, so a pod (one hop further away) cannot read the
# node role's credentials (EKS best practices guide, security: "Restrict access to the instance
# profile assigned to the worker node"). No AMI here: EKS picks the optimized AMI of the node group's
# version and keeps managing it.
resource "aws_launch_template" "nodes" {
  name_prefix            = "${var.cluster_name}-nodes-"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.cluster_name}-node" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.tags
  }

  tags = local.tags

  lifecycle {
    # Some EC2 implementations (the moto emulator) report the template's own tags as an extra
    # tag_specifications block (resource type "launch-template"), which would change the template on
    # every plan. The instance and volume tags are set when the template is made.
    ignore_changes = [tag_specifications]
  }
}

resource "aws_eks_node_group" "this" {
  cluster_name = aws_eks_cluster.this.name
  # A prefix with create_before_destroy: a change that replaces the group (instance types, capacity
  # type, subnets) brings up the new group before the old one goes, so the target groups never have
  # zero nodes.
  node_group_name_prefix = "${var.cluster_name}-default-"
  # The group follows the control plane: an upgrade of kubernetes_version upgrades the nodes after it.
  version        = aws_eks_cluster.this.version
  node_role_arn  = aws_iam_role.nodes.arn
  subnet_ids     = local.private_subnet_ids
  instance_types = var.node_instance_types
  capacity_type  = var.node_capacity_type
  labels         = var.node_labels

  launch_template {
    id      = aws_launch_template.nodes.id
    version = aws_launch_template.nodes.latest_version
  }

  scaling_config {
    desired_size = var.node_desired_size
    min_size     = var.node_min_size
    max_size     = var.node_max_size
  }

  dynamic "taint" {
    for_each = var.node_taints
    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  # How many nodes a rolling update may take out at once. null leaves it to EKS (for EKS
  # implementations that do not keep it, such as emulators).
  dynamic "update_config" {
    for_each = var.node_update_max_unavailable_percentage == null ? [] : [var.node_update_max_unavailable_percentage]
    content {
      max_unavailable_percentage = update_config.value
    }
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
    # desired_size belongs to the cluster autoscaler (or an operator) after creation; applying the
    # stack again must not scale the group back (EKS user guide, "Managed node groups").
    # remote_access: some EKS implementations (the moto emulator) report one nobody asked for.
    ignore_changes = [scaling_config[0].desired_size, remote_access]
  }

  # vpc-cni must run before nodes join, or they stay NotReady (EKS user guide, "Amazon VPC CNI").
  depends_on = [aws_iam_role_policy_attachment.nodes, aws_route.private_nat, aws_eks_addon.before_nodes]
}
