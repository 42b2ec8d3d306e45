output "cluster_name" {
  description = "Cluster the platform is installed on."
  value       = var.cluster_name
}

output "releases" {
  description = "Installed Helm releases by role: { name, namespace, chart, version }."
  value       = module.platform.releases
}

output "fleet" {
  description = "What Flux syncs: repository URL, branch and path."
  value       = module.platform.fleet
}
