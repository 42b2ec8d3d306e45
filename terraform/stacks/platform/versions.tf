terraform {
  required_version = ">= 1.9.0"

  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = ">= 2.12, < 3.0"
    }
    # 2.28: the manifest_decode_multi provider function (Edge Stack's CRD manifest).
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.28, < 3.0"
    }
    http = {
      source  = "hashicorp/http"
      version = ">= 3.4, < 4.0"
    }
  }
}

# The cluster's API address and CA come from the cluster stack's state. The token comes from an exec
# plugin, "aws eks get-token", run by the providers whenever they need one: a token fetched once at
# plan time (the aws_eks_cluster_auth data source) expires after 15 minutes, shorter than a platform
# apply that waits for Istio, the gateway and Flux (Terraform Kubernetes provider docs,
# "Exec plugins"; EKS user guide, "Connect kubectl to an EKS cluster": aws eks get-token). The AWS
# CLI uses the same credentials and region as Terraform (AWS_PROFILE, AWS_REGION, ...), and the
# identity needs an EKS access entry (cluster stack: creator_admin_access_entry or access_entries).
locals {
  eks_token_args = concat(
    ["eks", "get-token", "--cluster-name", local.cluster.cluster_name, "--output", "json"],
    try(local.cluster.region, null) == null ? [] : ["--region", local.cluster.region],
  )
}

provider "kubernetes" {
  host                   = local.cluster.cluster_endpoint
  cluster_ca_certificate = base64decode(local.cluster.cluster_certificate_authority)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = local.eks_token_args
  }
}

provider "helm" {
  kubernetes {
    host                   = local.cluster.cluster_endpoint
    cluster_ca_certificate = base64decode(local.cluster.cluster_certificate_authority)

    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = local.eks_token_args
    }
  }
}
