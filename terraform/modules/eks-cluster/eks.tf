# --- EKS control plane ---------------------------------------------------------------------------

# The log group EKS writes control-plane logs to. Made before the cluster so it has a retention: EKS
# creates /aws/eks/<cluster>/cluster itself, without one, when it does not exist (EKS user guide,
# "Send control plane logs to CloudWatch Logs").
resource "aws_cloudwatch_log_group" "control_plane" {
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.control_plane_log_retention_days
  tags              = local.tags
}

# Secrets envelope encryption: a key made here unless one is given.
resource "aws_kms_key" "secrets" {
  count                   = var.kms_key_arn == null ? 1 : 0
  description             = "EKS secrets encryption of ${var.cluster_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  tags                    = local.tags
}

resource "aws_kms_alias" "secrets" {
  count         = var.kms_key_arn == null ? 1 : 0
  name_prefix   = "alias/eks/${var.cluster_name}-"
  target_key_id = aws_kms_key.secrets[0].key_id
}

locals {
  kms_key_arn = var.kms_key_arn == null ? aws_kms_key.secrets[0].arn : var.kms_key_arn
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.control_plane.arn

  vpc_config {
    subnet_ids              = local.private_subnet_ids
    security_group_ids      = [aws_security_group.control_plane.id]
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.endpoint_public_access_cidrs : null
  }

  # Access entries (EKS API) and the aws-auth ConfigMap both work; the creator gets no implicit
  # admin entry: who may use the cluster is declared in access_entries (and creator_admin_access_entry),
  # so it does not depend on which identity happened to create it. Turning bootstrap on or off later
  # replaces the cluster (EKS API CreateCluster, accessConfig.bootstrapClusterCreatorAdminPermissions),
  # which is why it is fixed here. null leaves both to EKS (only for EKS implementations without
  # access entries, such as emulators).
  dynamic "access_config" {
    for_each = var.authentication_mode == null ? [] : [var.authentication_mode]
    content {
      authentication_mode                         = access_config.value
      bootstrap_cluster_creator_admin_permissions = false
    }
  }

  enabled_cluster_log_types = var.control_plane_log_types

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = local.kms_key_arn
    }
  }

  # STANDARD: at the end of standard support EKS upgrades the control plane instead of moving it to
  # paid extended support (EKS user guide, "Cluster upgrade policy"). null leaves it to EKS.
  dynamic "upgrade_policy" {
    for_each = var.upgrade_support_type == null ? [] : [var.upgrade_support_type]
    content {
      support_type = upgrade_policy.value
    }
  }

  tags = local.tags

  # The role's policies must exist before EKS uses the role, and must outlive the cluster on destroy;
  # the log group must exist first so EKS does not make one without retention.
  depends_on = [
    aws_iam_role_policy_attachment.control_plane,
    aws_iam_role_policy.control_plane_kms,
    aws_route_table_association.private,
    aws_cloudwatch_log_group.control_plane,
  ]
}

# --- access --------------------------------------------------------------------------------------
# Who may use the Kubernetes API: one access entry per principal with EKS access policies (EKS user
# guide, "Grant IAM users access to Kubernetes with EKS access entries" and "Associate access
# policies with access entries").

data "aws_caller_identity" "current" {
  count = var.creator_admin_access_entry ? 1 : 0
}

# The identity running this stack as an IAM role ARN (an assumed-role session ARN is not a valid
# access-entry principal).
data "aws_iam_session_context" "current" {
  count = var.creator_admin_access_entry ? 1 : 0
  arn   = data.aws_caller_identity.current[0].arn
}

locals {
  cluster_admin_policy = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_entries = merge(
    var.creator_admin_access_entry ? {
      stack-runner = {
        principal_arn     = data.aws_iam_session_context.current[0].issuer_arn
        type              = "STANDARD"
        kubernetes_groups = []
        policy_associations = {
          admin = { policy_arn = local.cluster_admin_policy, access_scope = { type = "cluster", namespaces = [] } }
        }
      }
    } : {},
    var.access_entries,
  )

  access_policy_associations = merge([
    for entry_key, entry in local.access_entries : {
      for assoc_key, assoc in entry.policy_associations : "${entry_key}/${assoc_key}" => {
        entry_key     = entry_key
        principal_arn = entry.principal_arn
        policy_arn    = assoc.policy_arn
        access_scope  = assoc.access_scope
      }
    }
  ]...)
}

resource "aws_eks_access_entry" "this" {
  for_each = local.access_entries

  cluster_name      = aws_eks_cluster.this.name
  principal_arn     = each.value.principal_arn
  type              = each.value.type
  kubernetes_groups = length(each.value.kubernetes_groups) > 0 ? each.value.kubernetes_groups : null
  tags              = local.tags
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.access_policy_associations

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.this[each.value.entry_key].principal_arn
  policy_arn    = each.value.policy_arn

  access_scope {
    type       = each.value.access_scope.type
    namespaces = each.value.access_scope.type == "namespace" ? each.value.access_scope.namespaces : null
  }
}
