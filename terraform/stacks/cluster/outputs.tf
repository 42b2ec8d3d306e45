# The contract: cluster_name, kubernetes_version and ingress_dns_name are read by curvectl and by the
# platform and traffic stacks (terraform_remote_state, workspace = cluster name). The rest is extra.

output "cluster_name" {
  description = "EKS cluster name (equals the workspace)."
  value       = module.cluster.cluster_name
}

output "kubernetes_version" {
  description = "Kubernetes version of the control plane."
  value       = module.cluster.kubernetes_version
}

output "ingress_dns_name" {
  description = "DNS name of the ingress network load balancer; the traffic stack points this cluster's weighted record at it."
  value       = module.cluster.ingress_dns_name
}

output "ingress_zone_id" {
  description = "Route 53 zone id of the ingress load balancer."
  value       = module.cluster.ingress_zone_id
}

output "ingress_lb_arn" {
  description = "ARN of the ingress network load balancer."
  value       = module.cluster.ingress_lb_arn
}

output "target_group_arn" {
  description = "The HTTPS ingress target group."
  value       = module.cluster.target_group_arn
}

output "target_group_arns" {
  description = "Ingress target groups by name (http, https)."
  value       = module.cluster.target_group_arns
}

output "ingress_node_ports" {
  description = "NodePorts the ingress controller must listen on (http, https)."
  value       = module.cluster.ingress_node_ports
}

output "cluster_arn" {
  description = "EKS cluster ARN."
  value       = module.cluster.cluster_arn
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.cluster.cluster_endpoint
}

output "cluster_certificate_authority" {
  description = "Base64-encoded certificate authority data of the Kubernetes API."
  value       = module.cluster.cluster_certificate_authority
}

output "node_group_name" {
  description = "Managed node group name."
  value       = module.cluster.node_group_name
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = module.cluster.vpc_id
}

output "ingress_internal" {
  description = "Whether the ingress load balancer is internal (read by the traffic stack)."
  value       = module.cluster.ingress_internal
}

output "ingress_tls_terminated" {
  description = "Whether the load balancer terminates TLS on 443 (read by the traffic stack's edge check)."
  value       = module.cluster.ingress_tls_terminated
}

output "ingress_security_group_id" {
  description = "Security group of the ingress load balancer."
  value       = module.cluster.ingress_security_group_id
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IAM roles for service accounts)."
  value       = module.cluster.oidc_provider_arn
}

output "region" {
  description = "Region of the cluster (the platform stack's exec authentication uses it)."
  value       = data.aws_region.current.name
}
