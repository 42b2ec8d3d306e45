# Local state by default (terraform.tfstate in this directory; the traffic stack has one state, no
# workspaces). To use S3 without editing this file, curvectl writes curvectl_override.tf with
#   terraform { backend "s3" {} }
# and passes -backend-config values; cluster_state_backend/cluster_state_config then tell the
# remote-state reads where the cluster stack's states live (see ../../README.md).
terraform {
  backend "local" {}
}
