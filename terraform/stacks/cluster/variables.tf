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
  description = "Kubernetes minor version, like \"1.31\"."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version like \"1.31\" (\"1.\" followed by two digits)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC made for this cluster (ignored with existing_vpc_id)."
  type        = string
  default     = "10.0.0.0/16"
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

variable "existing_subnet_ids" {
  description = "Subnets of existing_vpc_id, in at least two availability zones."
  type        = list(string)
  default     = []
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
  description = "Client CIDR blocks allowed to reach the ingress node ports."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "bind_ingress_to_nodes" {
  description = "Register the node group with the ingress target groups and open the node ports. Set false against an emulator without Auto Scaling groups behind node groups."
  type        = bool
  default     = true
}

variable "default_tags" {
  description = "Tags for every AWS resource of this stack."
  type        = map(string)
  default     = { "managed-by" = "curvectl" }
}
