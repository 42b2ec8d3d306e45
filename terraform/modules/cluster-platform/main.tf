# The platform every cluster gets: Istio (base + istiod), Ambassador Edge Stack serving on the node
# ports the ingress load balancer forwards to, and Flux (source, kustomize and helm controllers)
# syncing the fleet repository. Each release waits until it is ready so "applied" means "running".

locals {
  labels = { "app.kubernetes.io/managed-by" = "curvectl", "curvectl/cluster" = var.cluster_name }
}

resource "kubernetes_namespace_v1" "istio" {
  metadata {
    name   = "istio-system"
    labels = local.labels
  }
}

# The gateway's namespace. With gateway_istio_injection the gateway pods get an Istio sidecar, so
# they reach mesh services with mutual TLS (STRICT PeerAuthentication refuses plain text). The pod
# annotations below follow Emissary's Istio integration (Emissary-ingress docs, "Istio
# integration"): inbound traffic goes straight to the gateway (includeInboundPorts ""), the gateway
# starts after its proxy.
resource "kubernetes_namespace_v1" "ambassador" {
  metadata {
    name   = var.gateway_namespace
    labels = merge(local.labels, { "istio-injection" = var.gateway_istio_injection ? "enabled" : "disabled" })
  }
}

resource "kubernetes_namespace_v1" "flux" {
  metadata {
    name   = "flux-system"
    labels = local.labels
  }
}

# --- Istio ---------------------------------------------------------------------------------------

resource "helm_release" "istio_base" {
  name       = "istio-base"
  repository = var.istio_repository
  chart      = "base"
  version    = var.istio_version
  namespace  = kubernetes_namespace_v1.istio.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({ defaultRevision = "default" })]
}

resource "helm_release" "istiod" {
  name       = "istiod"
  repository = var.istio_repository
  chart      = "istiod"
  version    = var.istio_version
  namespace  = kubernetes_namespace_v1.istio.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({
    pilot = { autoscaleMin = 2 }
    meshConfig = {
      accessLogFile = "/dev/stdout"
    }
  })]

  depends_on = [helm_release.istio_base]
}

# --- gateway: Emissary-ingress (open source, default) or Ambassador Edge Stack --------------------
# Both are Emissary underneath and need their CRDs, and the apiext conversion webhook they use,
# installed and ready before the gateway chart. Emissary-ingress 4 ships them as a chart
# (Emissary-ingress docs, "Install with Helm": the emissary-crds chart, installed with --wait, in
# emissary-system). Edge Stack ships its own (Emissary's lack its Filter, FilterPolicy, ... CRDs) as
# a manifest only, aes-crds.yaml of the Edge Stack release, applied and waited for (emissary-apiext
# available) before `helm install edge-stack` (Edge Stack docs, "Quick start: Install using Helm");
# here each of its documents is a kubernetes_manifest. Edge Stack since chart 8.8 (3.8)
# does not start without a license key or Cloud Connect token (variables.tf). The Service is a
# NodePort service on the ports the cluster stack's target groups point at, with
# externalTrafficPolicy Local: client addresses survive, and a node without a ready gateway pod fails
# the load balancer's health check instead of forwarding to another node (Kubernetes docs, "Create an
# External Load Balancer: preserving the client source IP").

locals {
  edge_stack = var.gateway == "edge-stack"
  # Edge Stack's CRDs come from its manifest unless a chart is given instead.
  crds_from_manifest = local.edge_stack && var.gateway_crds_chart == null
  crds_manifest_url  = coalesce(var.gateway_crds_manifest_url, "https://app.getambassador.io/yaml/edge-stack/${var.edge_stack_version}/aes-crds.yaml")
  crds = {
    repository = coalesce(var.gateway_crds_repository, "oci://ghcr.io/emissary-ingress")
    chart      = coalesce(var.gateway_crds_chart, "emissary-crds-chart")
    version    = coalesce(var.gateway_crds_chart_version, var.emissary_chart_version)
  }
  gateway_chart = local.edge_stack ? {
    repository = var.ambassador_repository
    chart      = "edge-stack"
    version    = var.ambassador_chart_version
    } : {
    repository = var.emissary_repository
    chart      = "emissary-ingress"
    version    = var.emissary_chart_version
  }
  istio_pod_annotations = var.gateway_istio_injection ? {
    "sidecar.istio.io/inject"                      = "true"
    "traffic.sidecar.istio.io/includeInboundPorts" = ""
    "proxy.istio.io/config"                        = jsonencode({ holdApplicationUntilProxyStarts = true })
  } : { "sidecar.istio.io/inject" = "false" }

  # The values of the Emissary chart; Edge Stack's chart nests the same values under emissary-ingress.
  emissary_values = {
    replicaCount           = var.ambassador_replicas
    createDefaultListeners = true
    podAnnotations         = local.istio_pod_annotations
    waitForApiext          = { enabled = true }
    service = {
      type                  = "NodePort"
      externalTrafficPolicy = "Local"
      ports = [
        { name = "http", port = 80, targetPort = 8080, nodePort = var.ingress_node_ports.http },
        { name = "https", port = 443, targetPort = 8443, nodePort = var.ingress_node_ports.https },
      ]
    }
  }
}

resource "kubernetes_namespace_v1" "gateway_crds" {
  # Edge Stack's manifest makes emissary-system itself.
  count = local.crds_from_manifest ? 0 : 1
  metadata {
    name   = "emissary-system"
    labels = local.labels
  }
}

# The CRDs and apiext, waited for (wait = true: the apiext Deployment is ready, so the CRDs'
# conversion webhook answers) before the gateway release is installed.
resource "helm_release" "gateway_crds" {
  count      = local.crds_from_manifest ? 0 : 1
  name       = "gateway-crds"
  repository = local.crds.repository
  chart      = local.crds.chart
  version    = local.crds.version
  namespace  = kubernetes_namespace_v1.gateway_crds[0].metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({ emissary = { namespace = kubernetes_namespace_v1.ambassador.metadata[0].name } })]
}

# Edge Stack: its CRD manifest (CRDs, the emissary-system namespace, apiext and its RBAC), read at plan
# time and applied document by document; the namespace first, the CRDs waited for until Established,
# the apiext Deployment until rolled out, all before the gateway release.
data "http" "gateway_crds" {
  count = local.crds_from_manifest ? 1 : 0
  url   = local.crds_manifest_url

  lifecycle {
    postcondition {
      condition     = self.status_code == 200
      error_message = "Could not read Edge Stack's CRD manifest ${local.crds_manifest_url} (HTTP ${self.status_code}): check edge_stack_version, or set gateway_crds_manifest_url to a reachable copy."
    }
  }
}

locals {
  crds_documents = local.crds_from_manifest ? {
    for d in provider::kubernetes::manifest_decode_multi(data.http.gateway_crds[0].response_body) :
    "${d.kind}/${try(d.metadata.namespace, "")}/${d.metadata.name}" => d
  } : {}
}

resource "kubernetes_manifest" "gateway_crds_namespace" {
  for_each = { for k, d in local.crds_documents : k => d if d.kind == "Namespace" }
  manifest = each.value
}

resource "kubernetes_manifest" "gateway_crds" {
  for_each = { for k, d in local.crds_documents : k => d if d.kind != "Namespace" }
  manifest = each.value

  dynamic "wait" {
    for_each = each.value.kind == "CustomResourceDefinition" ? [1] : []
    content {
      condition {
        type   = "Established"
        status = "True"
      }
    }
  }

  dynamic "wait" {
    for_each = each.value.kind == "Deployment" ? [1] : []
    content {
      rollout = true
    }
  }

  timeouts {
    create = "${var.helm_timeout}s"
  }

  depends_on = [kubernetes_manifest.gateway_crds_namespace]
}

resource "helm_release" "ambassador" {
  name       = local.edge_stack ? "edge-stack" : "emissary-ingress"
  repository = local.gateway_chart.repository
  chart      = local.gateway_chart.chart
  version    = local.gateway_chart.version
  namespace  = kubernetes_namespace_v1.ambassador.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode(local.edge_stack ? { emissary-ingress = local.emissary_values } : local.emissary_values)]

  # The license goes in as a sensitive value (never in the values YAML shown in plans).
  dynamic "set_sensitive" {
    for_each = local.edge_stack ? [var.ambassador_license_key] : []
    content {
      name  = "licenseKey.value"
      value = set_sensitive.value
    }
  }

  depends_on = [helm_release.istiod, helm_release.gateway_crds, kubernetes_manifest.gateway_crds]
}

# --- Flux ----------------------------------------------------------------------------------------

resource "helm_release" "flux" {
  name       = "flux2"
  repository = var.flux_repository
  chart      = "flux2"
  version    = var.flux_chart_version
  namespace  = kubernetes_namespace_v1.flux.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({
    sourceController          = { create = true }
    kustomizeController       = { create = true }
    helmController            = { create = true }
    notificationController    = { create = false }
    imageAutomationController = { create = false }
    imageReflectionController = { create = false }
  })]
}

# The GitRepository + Kustomization pair, as a chart so no object needs the cluster's CRDs at plan time.
resource "helm_release" "fleet_sync" {
  name       = "fleet"
  repository = var.flux_repository
  chart      = "flux2-sync"
  version    = var.flux_sync_chart_version
  namespace  = kubernetes_namespace_v1.flux.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({
    gitRepository = {
      spec = merge(
        {
          url      = var.fleet_repo_url
          ref      = { branch = var.fleet_repo_branch }
          interval = var.fleet_sync_interval
        },
        var.fleet_repo_secret_name == "" ? {} : { secretRef = { name = var.fleet_repo_secret_name } },
      )
    }
    kustomization = {
      spec = {
        path     = var.fleet_repo_path
        prune    = true
        interval = var.fleet_sync_interval
        postBuild = {
          substitute = { cluster_name = var.cluster_name }
        }
      }
    }
  })]

  depends_on = [helm_release.flux, helm_release.ambassador]
}
