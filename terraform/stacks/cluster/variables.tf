variable "cluster_name" {
  description = "Name of the cluster; must equal the Terraform workspace. 2-24 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"cluster-b\")."
  }

  # One workspace per cluster: the traffic and platform stacks find this state by workspace name.
  validation {
    condition     = terraform.workspace == var.cluster_name
    error_message = "The Terraform workspace must be named after the cluster: select it with \"terraform workspace select -or-create <cluster_name>\" before planning."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version, like \"1.35\"."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version like \"1.35\" (\"1.\" followed by two digits)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC made for this cluster, /16 to /20 (ignored with existing_vpc_id). null: a /16 derived from the cluster name."
  type        = string
  default     = null
}

variable "az_count" {
  description = "Availability zones of the VPC made for this cluster (2-4)."
  type        = number
  default     = 2
}

variable "existing_vpc_id" {
  description = "Put the cluster in this VPC instead of making one (with existing_subnet_ids)."
  type        = string
  default     = null
}

variable "existing_public_subnet_ids" {
  description = "Subnets of existing_vpc_id for an internet-facing load balancer, in at least two availability zones."
  type        = list(string)
  default     = []
}

variable "existing_private_subnet_ids" {
  description = "Subnets of existing_vpc_id for the control plane and the nodes, in at least two availability zones."
  type        = list(string)
  default     = []
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API has a public endpoint (the private one is always on)."
  type        = bool
  default     = true
}

variable "endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"
}

variable "node_desired_size" {
  description = "Desired number of nodes."
  type        = number
  default     = 2
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 4
}

variable "ingress_internal" {
  description = "Make the ingress load balancer internal."
  type        = bool
  default     = false
}

variable "ingress_http_node_port" {
  description = "NodePort of the ingress controller for HTTP (load balancer port 80)."
  type        = number
  default     = 30080
}

variable "ingress_https_node_port" {
  description = "NodePort of the ingress controller for HTTPS (load balancer port 443)."
  type        = number
  default     = 30443
}

variable "ingress_allowed_cidrs" {
  description = "Client CIDR blocks allowed to the ingress load balancer (when ingress_cloudfront_only is off)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "bind_ingress_to_nodes" {
  description = "Register the node group with the ingress target groups and open the node ports. Set false against an emulator without Auto Scaling groups behind node groups."
  type        = bool
  default     = true
}

variable "authentication_mode" {
  description = "EKS authentication mode (API_AND_CONFIG_MAP or API); null leaves access_config to EKS (emulators only)."
  type        = string
  default     = "API_AND_CONFIG_MAP"
}

variable "creator_admin_access_entry" {
  description = "A Terraform-managed cluster-admin access entry for the identity running this stack."
  type        = bool
  default     = true
}

variable "access_entries" {
  description = "Access entries with EKS access policy associations (see terraform/README.md)."
  type = map(object({
    principal_arn     = string
    type              = optional(string, "STANDARD")
    kubernetes_groups = optional(list(string), [])
    policy_associations = optional(map(object({
      policy_arn = string
      access_scope = optional(object({
        type       = optional(string, "cluster")
        namespaces = optional(list(string), [])
      }), {})
    })), {})
  }))
  default = {}
}

variable "control_plane_log_types" {
  description = "Control-plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]
}

variable "control_plane_log_retention_days" {
  description = "Days CloudWatch Logs keeps the control-plane logs."
  type        = number
  default     = 90
}

variable "kms_key_arn" {
  description = "KMS key for Kubernetes secrets encryption; null creates one."
  type        = string
  default     = null
}

variable "upgrade_support_type" {
  description = "EKS upgrade policy: STANDARD or EXTENDED; null leaves it to EKS (emulators only)."
  type        = string
  default     = "STANDARD"
}

variable "cluster_addons" {
  description = "EKS managed add-ons by name: { version, configuration_values }; {} installs none (emulators)."
  type = map(object({
    version              = optional(string)
    configuration_values = optional(string)
  }))
  default = {
    vpc-cni                = {}
    eks-pod-identity-agent = {}
    kube-proxy             = {}
    coredns                = {}
    aws-ebs-csi-driver     = {}
  }
}

variable "create_oidc_provider" {
  description = "Create the cluster's IAM OIDC provider (IRSA); off only for emulators, where every cluster has the same issuer."
  type        = bool
  default     = true
}

variable "node_labels" {
  description = "Kubernetes labels of the nodes."
  type        = map(string)
  default     = {}
}

variable "node_taints" {
  description = "Kubernetes taints of the nodes: { key, value, effect }."
  type = list(object({
    key    = string
    value  = optional(string)
    effect = string
  }))
  default = []
}

variable "node_update_max_unavailable_percentage" {
  description = "Percentage of nodes an update may take out at once; null leaves it to EKS (emulators only)."
  type        = number
  default     = 33
}

variable "ingress_certificate_arn" {
  description = "ACM certificate for the fixed record name: the load balancer terminates TLS on 443 with it."
  type        = string
  default     = null
}

variable "ingress_ssl_policy" {
  description = "TLS policy of the 443 listener with ingress_certificate_arn."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "ingress_health_check_path" {
  description = "Readiness path of the gateway, checked over HTTP by the target groups."
  type        = string
  default     = "/ambassador/v0/check_ready"
}

variable "ingress_cloudfront_only" {
  description = "Only CloudFront's origin-facing servers may reach the load balancer (turn on with the traffic stack's edge)."
  type        = bool
  default     = false
}

variable "default_tags" {
  description = "Tags for every AWS resource of this stack."
  type        = map(string)
  default     = { "managed-by" = "curvectl" }
}
