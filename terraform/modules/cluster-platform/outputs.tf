output "releases" {
  description = "Installed Helm releases by role: { name, namespace, chart, version }. No gateway_crds with Edge Stack's CRD manifest (not a release)."
  value = {
    for role, r in merge({
      istio_base = helm_release.istio_base
      istiod     = helm_release.istiod
      ambassador = helm_release.ambassador
      flux       = helm_release.flux
      fleet_sync = helm_release.fleet_sync
    }, { for r in helm_release.gateway_crds : "gateway_crds" => r }) : role => { name = r.name, namespace = r.namespace, chart = r.chart, version = r.version }
  }
}

output "fleet" {
  description = "What Flux syncs: repository URL, branch and path."
  value = {
    url    = var.fleet_repo_url
    branch = var.fleet_repo_branch
    path   = var.fleet_repo_path
  }
}
