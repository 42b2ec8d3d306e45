variable "cluster_name" {
  description = "EKS cluster name; also the prefix of every resource name here. 2-24 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"cluster-b\")."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, like \"1.31\". Node groups follow the control plane."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version like \"1.31\" (\"1.\" followed by two digits)."
  }
}

# --- network -------------------------------------------------------------------------------------

variable "existing_vpc_id" {
  description = "Use this VPC instead of creating one. Requires existing_subnet_ids. Default null: create a VPC."
  type        = string
  default     = null

  validation {
    condition     = var.existing_vpc_id == null || can(regex("^vpc-[0-9a-f]+$", var.existing_vpc_id))
    error_message = "existing_vpc_id must be null (create a VPC) or a VPC id like \"vpc-0123456789abcdef0\"."
  }
}

variable "existing_subnet_ids" {
  description = "Subnets of existing_vpc_id for the control plane, the nodes and the ingress load balancer, in at least two availability zones."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.existing_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "existing_subnet_ids must hold subnet ids like \"subnet-0123456789abcdef0\"."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC created when existing_vpc_id is null. Split into one public and one private /20-ish subnet per availability zone."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block with a prefix length from /16 to /24, like \"10.0.0.0/16\"."
  }
}

variable "az_count" {
  description = "Number of availability zones for the created VPC (EKS needs at least two)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 4 (EKS needs subnets in at least two availability zones)."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.endpoint_public_access_cidrs) > 0 && alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "endpoint_public_access_cidrs must be a non-empty list of IPv4 CIDR blocks like \"203.0.113.0/24\"."
  }
}

# --- nodes ---------------------------------------------------------------------------------------

variable "node_instance_types" {
  description = "EC2 instance types of the managed node group."
  type        = list(string)
  default     = ["m6i.large"]

  validation {
    condition     = length(var.node_instance_types) > 0 && alltrue([for t in var.node_instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))])
    error_message = "node_instance_types must be a non-empty list of EC2 instance types like \"m6i.large\"."
  }
}

variable "node_capacity_type" {
  description = "ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be \"ON_DEMAND\" or \"SPOT\"."
  }
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

  validation {
    condition     = var.node_min_size >= 0 && floor(var.node_min_size) == var.node_min_size
    error_message = "node_min_size must be a whole number, 0 or more."
  }
}

variable "node_max_size" {
  description = "Maximum number of nodes; must be at least node_min_size and node_desired_size."
  type        = number
  default     = 4

  validation {
    condition     = var.node_max_size >= 1 && floor(var.node_max_size) == var.node_max_size
    error_message = "node_max_size must be a whole number, 1 or more."
  }

  validation {
    condition     = var.node_max_size >= var.node_min_size && var.node_desired_size >= var.node_min_size && var.node_desired_size <= var.node_max_size && floor(var.node_desired_size) == var.node_desired_size
    error_message = "Node group sizes must satisfy node_min_size <= node_desired_size <= node_max_size (whole numbers)."
  }
}

# --- ingress -------------------------------------------------------------------------------------

variable "ingress_internal" {
  description = "Make the ingress network load balancer internal (reachable only inside the VPC)."
  type        = bool
  default     = false
}

variable "ingress_http_node_port" {
  description = "NodePort the ingress controller (Ambassador) listens on for HTTP; the load balancer's port 80 forwards here."
  type        = number
  default     = 30080

  validation {
    condition     = var.ingress_http_node_port >= 30000 && var.ingress_http_node_port <= 32767
    error_message = "ingress_http_node_port must be in the Kubernetes NodePort range 30000-32767."
  }
}

variable "ingress_https_node_port" {
  description = "NodePort the ingress controller (Ambassador) listens on for HTTPS; the load balancer's port 443 forwards here (TCP pass-through)."
  type        = number
  default     = 30443

  validation {
    condition     = var.ingress_https_node_port >= 30000 && var.ingress_https_node_port <= 32767
    error_message = "ingress_https_node_port must be in the Kubernetes NodePort range 30000-32767."
  }
}

variable "ingress_allowed_cidrs" {
  description = "Client CIDR blocks allowed to reach the ingress node ports (the NLB keeps client addresses, so this is the clients' range)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "ingress_allowed_cidrs must hold IPv4 CIDR blocks like \"0.0.0.0/0\"."
  }
}

variable "bind_ingress_to_nodes" {
  description = "Attach the node group's Auto Scaling group to the ingress target groups and open the node ports on the cluster security group. Turn off only where the node group has no real Auto Scaling group (emulators)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
