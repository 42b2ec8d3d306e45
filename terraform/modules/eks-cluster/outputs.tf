output "cluster_name" {
  description = "EKS cluster name."
  value       = aws_eks_cluster.this.name
}

output "kubernetes_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "cluster_arn" {
  description = "EKS cluster ARN."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority" {
  description = "Base64-encoded certificate authority data of the Kubernetes API."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "node_group_name" {
  description = "Name of the managed node group."
  value       = aws_eks_node_group.this.node_group_name
}

output "vpc_id" {
  description = "VPC of the cluster (created or passed in)."
  value       = local.vpc_id
}

output "private_subnet_ids" {
  description = "Subnets of the control plane and nodes."
  value       = local.private_subnet_ids
}

output "public_subnet_ids" {
  description = "Subnets of an internet-facing ingress load balancer."
  value       = local.public_subnet_ids
}

output "ingress_dns_name" {
  description = "DNS name of the ingress network load balancer: the target of this cluster's weighted record."
  value       = aws_lb.ingress.dns_name
}

output "ingress_zone_id" {
  description = "Route 53 zone id of the ingress load balancer (for alias records)."
  value       = aws_lb.ingress.zone_id
}

output "ingress_lb_arn" {
  description = "ARN of the ingress network load balancer."
  value       = aws_lb.ingress.arn
}

output "target_group_arns" {
  description = "Ingress target groups by name (http, https)."
  value       = { for k, tg in aws_lb_target_group.ingress : k => tg.arn }
}

output "target_group_arn" {
  description = "The HTTPS ingress target group (the one health gates look at by default)."
  value       = aws_lb_target_group.ingress["https"].arn
}

output "ingress_node_ports" {
  description = "NodePorts the ingress controller must listen on, by name (http, https)."
  value       = { for k, p in local.ingress_ports : k => p.node_port }
}

output "ingress_internal" {
  description = "Whether the ingress load balancer is internal (the traffic stack refuses Route 53 health checks against an internal one)."
  value       = aws_lb.ingress.internal
}

output "ingress_security_group_id" {
  description = "Security group of the ingress load balancer."
  value       = aws_security_group.ingress.id
}

output "ingress_tls_terminated" {
  description = "Whether the load balancer terminates TLS on 443 with ingress_certificate_arn."
  value       = local.tls_at_lb
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IAM roles for service accounts); null without one."
  value       = one(aws_iam_openid_connect_provider.this[*].arn)
}

output "oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster."
  value       = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

output "node_security_group_id" {
  description = "The EKS cluster security group the nodes use."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}
