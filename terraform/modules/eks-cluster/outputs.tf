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
