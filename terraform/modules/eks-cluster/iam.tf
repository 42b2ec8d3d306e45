# --- IAM -----------------------------------------------------------------------------------------
# Role names are global to the account: name prefixes (Terraform adds a unique suffix) let the same
# cluster name live in two regions of one account.

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
  name_prefix        = "${var.cluster_name}-cp-"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "control_plane" {
  for_each   = toset(["AmazonEKSClusterPolicy"])
  role       = aws_iam_role.control_plane.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

# Envelope encryption of Kubernetes secrets: the cluster role uses the key (EKS user guide,
# "Encrypt Kubernetes secrets with KMS on existing clusters": kms:Encrypt, Decrypt, ListGrants,
# DescribeKey; CreateGrant for the control plane).
data "aws_iam_policy_document" "control_plane_kms" {
  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey", "kms:CreateGrant"]
    resources = [local.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "control_plane_kms" {
  name_prefix = "secrets-encryption-"
  role        = aws_iam_role.control_plane.id
  policy      = data.aws_iam_policy_document.control_plane_kms.json
}

resource "aws_iam_role" "nodes" {
  name_prefix        = "${var.cluster_name}-nodes-"
  assume_role_policy = data.aws_iam_policy_document.nodes_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "nodes" {
  for_each   = toset(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"])
  role       = aws_iam_role.nodes.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

# IAM OIDC provider for IAM roles for service accounts (EKS user guide, "Create an IAM OIDC provider
# for your cluster"). No thumbprint: IAM secures the connection to EKS's OIDC issuer with its own
# trusted root CAs, so thumbprints are not used for it (IAM user guide, "Create an OpenID Connect
# (OIDC) identity provider in IAM").
resource "aws_iam_openid_connect_provider" "this" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
  tags           = local.tags
}

locals {
  oidc_issuer_host = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
  ebs_csi_role     = var.create_oidc_provider && contains(keys(var.cluster_addons), "aws-ebs-csi-driver")
}

# The EBS CSI driver's controller role (IRSA, service account kube-system/ebs-csi-controller-sa;
# EKS user guide, "Create an Amazon EBS CSI driver IAM role").
data "aws_iam_policy_document" "ebs_csi_assume" {
  count = local.ebs_csi_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this[0].arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:sub"
      values   = ["system:serviceaccount:kube-system:ebs-csi-controller-sa"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ebs_csi" {
  count              = local.ebs_csi_role ? 1 : 0
  name_prefix        = "${var.cluster_name}-ebs-csi-"
  assume_role_policy = data.aws_iam_policy_document.ebs_csi_assume[0].json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  count      = length(aws_iam_role.ebs_csi)
  role       = aws_iam_role.ebs_csi[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}
