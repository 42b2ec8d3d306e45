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
