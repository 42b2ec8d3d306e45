variable "cluster_name" {
  description = "EKS cluster name; also the prefix of every resource name here. 2-24 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.cluster_name))
    error_message = "cluster_name must be 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"cluster-b\")."
  }

  # The name starts the load balancer's name, and Elastic Load Balancing refuses names starting
  # with "internal-" (ELB API CreateLoadBalancer, Name).
  validation {
    condition     = !startswith(var.cluster_name, "internal-")
    error_message = "cluster_name must not start with \"internal-\": it starts the load balancer name \"<cluster>-ingress\", and AWS refuses load balancer names starting with \"internal-\". Pick another name."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, like \"1.35\". Node groups follow the control plane."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version like \"1.35\" (\"1.\" followed by two digits)."
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

variable "existing_public_subnet_ids" {
  description = "Subnets of existing_vpc_id for an internet-facing ingress load balancer (tagged kubernetes.io/role/elb), in at least two availability zones."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.existing_public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "existing_public_subnet_ids must hold subnet ids like \"subnet-0123456789abcdef0\"."
  }
}

variable "existing_private_subnet_ids" {
  description = "Subnets of existing_vpc_id for the control plane's interfaces, the nodes and an internal load balancer, in at least two availability zones."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.existing_private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "existing_private_subnet_ids must hold subnet ids like \"subnet-0123456789abcdef0\"."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC created when existing_vpc_id is null, /16 to /20 (split into a public and a private subnet per AZ, each 1/16 of it). Default null: a /16 in 10.0.0.0/8 derived from the cluster name, so clusters do not share a range."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_cidr == null || (can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20, false))
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /20, like \"10.20.0.0/16\": smaller ranges leave the nodes' subnets too few addresses for pods (the VPC CNI gives every pod a VPC address)."
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

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API has a public endpoint (restricted to endpoint_public_access_cidrs). The private endpoint is always on, so nodes reach the API inside the VPC."
  type        = bool
  default     = true
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
  description = "Client CIDR blocks allowed to the ingress load balancer's ports 80 and 443 (its security group), when ingress_cloudfront_only is off."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.ingress_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "ingress_allowed_cidrs must hold IPv4 CIDR blocks like \"0.0.0.0/0\"."
  }
}

variable "bind_ingress_to_nodes" {
  description = "Attach the node group's Auto Scaling group to the ingress target groups and open the node ports to the load balancer on the cluster security group. Turn off only where the node group has no real Auto Scaling group (emulators)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

# --- access --------------------------------------------------------------------------------------

variable "authentication_mode" {
  description = "EKS authentication mode: API_AND_CONFIG_MAP (access entries, and an aws-auth ConfigMap if one exists) or API. The cluster creator never gets an implicit admin entry. null leaves access_config to EKS (only for EKS implementations without access entries, such as emulators)."
  type        = string
  default     = "API_AND_CONFIG_MAP"

  validation {
    condition     = var.authentication_mode == null || contains(["API_AND_CONFIG_MAP", "API"], coalesce(var.authentication_mode, "API"))
    error_message = "authentication_mode must be \"API_AND_CONFIG_MAP\" or \"API\" (access entries need one of them)."
  }
}

variable "creator_admin_access_entry" {
  description = "Give the IAM identity running this stack a Terraform-managed access entry with AmazonEKSClusterAdminPolicy (so the platform stack, run by the same identity, can install charts). Turn off when access_entries names every admin."
  type        = bool
  default     = true
}

variable "access_entries" {
  description = "Access entries by key: principal_arn (IAM role or user), type (STANDARD), kubernetes_groups, and policy_associations by key: { policy_arn (an EKS access policy ARN), access_scope = { type = cluster | namespace, namespaces } }."
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

  validation {
    condition     = alltrue([for e in values(var.access_entries) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", e.principal_arn))])
    error_message = "Every access_entries principal_arn must be an IAM role or user ARN like \"arn:aws:iam::111122223333:role/ci\" (not an assumed-role session ARN)."
  }

  validation {
    condition = alltrue(flatten([for e in values(var.access_entries) : [
      for a in values(e.policy_associations) : can(regex("^arn:aws[a-z-]*:eks::aws:cluster-access-policy/.+$", a.policy_arn)) && contains(["cluster", "namespace"], a.access_scope.type) && (a.access_scope.type == "cluster" || length(a.access_scope.namespaces) > 0)
    ]]))
    error_message = "Every access_entries policy association needs an EKS access policy ARN like \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\" and an access_scope of type \"cluster\" or \"namespace\" (namespace scopes list at least one namespace)."
  }
}

# --- control plane -------------------------------------------------------------------------------

variable "control_plane_log_types" {
  description = "Control-plane log types sent to CloudWatch Logs (api, audit, authenticator, controllerManager, scheduler)."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]

  validation {
    condition     = alltrue([for t in var.control_plane_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "control_plane_log_types may hold only \"api\", \"audit\", \"authenticator\", \"controllerManager\" and \"scheduler\"."
  }
}

variable "control_plane_log_retention_days" {
  description = "Days CloudWatch Logs keeps the control-plane logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.control_plane_log_retention_days)
    error_message = "control_plane_log_retention_days must be one of CloudWatch Logs' retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_arn" {
  description = "KMS key for envelope encryption of Kubernetes secrets; null creates one (rotation on)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null (create a key) or a KMS key ARN like \"arn:aws:kms:eu-west-1:111122223333:key/...\"."
  }
}

variable "upgrade_support_type" {
  description = "EKS upgrade policy: STANDARD (upgraded at the end of standard support, no extended-support charges) or EXTENDED. null leaves it to EKS (which means EXTENDED)."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = var.upgrade_support_type == null || contains(["STANDARD", "EXTENDED"], coalesce(var.upgrade_support_type, "STANDARD"))
    error_message = "upgrade_support_type must be \"STANDARD\" or \"EXTENDED\"."
  }
}

# --- add-ons and nodes ---------------------------------------------------------------------------

variable "cluster_addons" {
  description = "EKS managed add-ons by name: { version (null: EKS's default for the cluster's Kubernetes version), configuration_values (JSON) }. vpc-cni and eks-pod-identity-agent are installed before the nodes."
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

  validation {
    condition     = alltrue([for a in values(var.cluster_addons) : a.version == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", coalesce(a.version, "v0.0.0-eksbuild.0")))])
    error_message = "cluster_addons versions must be EKS add-on versions like \"v1.19.2-eksbuild.1\", or null for EKS's default."
  }
}

variable "create_oidc_provider" {
  description = "Create the cluster's IAM OIDC provider (IAM roles for service accounts; the EBS CSI driver's role needs it). Turn off only where every cluster has the same issuer URL (emulators) or the provider is managed elsewhere."
  type        = bool
  default     = true

  validation {
    condition     = var.create_oidc_provider || !contains(keys(var.cluster_addons), "aws-ebs-csi-driver")
    error_message = "The aws-ebs-csi-driver add-on needs create_oidc_provider = true: its IAM role trusts the cluster's OIDC provider."
  }
}

variable "node_labels" {
  description = "Kubernetes labels of the nodes."
  type        = map(string)
  default     = {}
}

variable "node_taints" {
  description = "Kubernetes taints of the nodes: { key, value, effect = NO_SCHEDULE | NO_EXECUTE | PREFER_NO_SCHEDULE }."
  type = list(object({
    key    = string
    value  = optional(string)
    effect = string
  }))
  default = []

  validation {
    condition     = alltrue([for t in var.node_taints : contains(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], t.effect)])
    error_message = "node_taints effects must be \"NO_SCHEDULE\", \"NO_EXECUTE\" or \"PREFER_NO_SCHEDULE\"."
  }
}

variable "node_update_max_unavailable_percentage" {
  description = "Percentage of nodes a node-group update may take out at once. null leaves it to EKS (for EKS implementations that do not keep it, such as emulators)."
  type        = number
  default     = 33

  validation {
    condition     = var.node_update_max_unavailable_percentage == null || try(var.node_update_max_unavailable_percentage >= 1 && var.node_update_max_unavailable_percentage <= 100, false)
    error_message = "node_update_max_unavailable_percentage must be 1-100, or null."
  }
}

# --- ingress extras ------------------------------------------------------------------------------

variable "ingress_certificate_arn" {
  description = "ACM certificate (this region) for the fixed record name: the load balancer terminates TLS on 443 with it. Needed when CloudFront reaches the origin over HTTPS. null: TLS passes through to the gateway."
  type        = string
  default     = null

  validation {
    condition     = var.ingress_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.ingress_certificate_arn))
    error_message = "ingress_certificate_arn must be null or an ACM certificate ARN like \"arn:aws:acm:eu-west-1:111122223333:certificate/...\"."
  }
}

variable "ingress_ssl_policy" {
  description = "TLS security policy of the 443 listener when ingress_certificate_arn is set."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "ingress_health_check_path" {
  description = "HTTP path the target groups' health checks request on the gateway's HTTP node port (the gateway's readiness endpoint)."
  type        = string
  default     = "/ambassador/v0/check_ready"

  validation {
    condition     = startswith(var.ingress_health_check_path, "/")
    error_message = "ingress_health_check_path must start with \"/\"."
  }
}

variable "ingress_cloudfront_only" {
  description = "Allow only CloudFront's origin-facing servers (the managed prefix list) to the load balancer, instead of ingress_allowed_cidrs. Turn on when the traffic stack's edge is on."
  type        = bool
  default     = false
}
