data "terraform_remote_state" "cluster" {
  backend   = var.cluster_state_backend
  config    = var.cluster_state_config
  workspace = var.cluster_name

  lifecycle {
    postcondition {
      condition     = try(self.outputs.cluster_name, "") == var.cluster_name && try(self.outputs.cluster_endpoint, "") != "" && try(self.outputs.cluster_certificate_authority, "") != ""
      error_message = "The cluster stack's state for workspace \"${var.cluster_name}\" lacks cluster_name, cluster_endpoint or cluster_certificate_authority: apply the cluster stack in that workspace first, or check cluster_state_backend and cluster_state_config."
    }
  }
}

locals {
  cluster = data.terraform_remote_state.cluster.outputs
}

module "platform" {
  source = "../../modules/cluster-platform"

  cluster_name               = var.cluster_name
  ingress_node_ports         = try(local.cluster.ingress_node_ports, { http = 30080, https = 30443 })
  fleet_repo_url             = var.fleet_repo_url
  fleet_repo_branch          = var.fleet_repo_branch
  fleet_repo_path            = var.fleet_repo_path
  fleet_repo_secret_name     = var.fleet_repo_secret_name
  istio_version              = var.istio_version
  ambassador_chart_version   = var.ambassador_chart_version
  ambassador_license_key     = var.ambassador_license_key
  gateway                    = var.gateway
  gateway_istio_injection    = var.gateway_istio_injection
  emissary_chart_version     = var.emissary_chart_version
  gateway_crds_repository    = var.gateway_crds_repository
  gateway_crds_chart         = var.gateway_crds_chart
  gateway_crds_chart_version = var.gateway_crds_chart_version
  edge_stack_version         = var.edge_stack_version
  gateway_crds_manifest_url  = var.gateway_crds_manifest_url
  flux_chart_version         = var.flux_chart_version
  flux_sync_chart_version    = var.flux_sync_chart_version
}
