# --- managed add-ons -----------------------------------------------------------------------------
# EKS add-ons (EKS user guide, "Amazon EKS add-ons"). vpc-cni and eks-pod-identity-agent are
# installed before the node group (nodes need the CNI to become Ready); the others after it, because
# their pods need nodes to run on (coredns and the EBS CSI controller would stay DEGRADED).

locals {
  addons_before_nodes = ["vpc-cni", "eks-pod-identity-agent"]
}

resource "aws_eks_addon" "before_nodes" {
  for_each = { for name, a in var.cluster_addons : name => a if contains(local.addons_before_nodes, name) }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value.version
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values        = each.value.configuration_values
  tags                        = local.tags
}

resource "aws_eks_addon" "after_nodes" {
  for_each = { for name, a in var.cluster_addons : name => a if !contains(local.addons_before_nodes, name) }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value.version
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  configuration_values        = each.value.configuration_values
  service_account_role_arn    = each.key == "aws-ebs-csi-driver" ? one(aws_iam_role.ebs_csi[*].arn) : null
  tags                        = local.tags

  depends_on = [aws_eks_node_group.this]
}
