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

resource "kubernetes_namespace_v1" "ambassador" {
  metadata {
    name   = "ambassador"
    labels = merge(local.labels, { "istio-injection" = "disabled" })
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

# --- Ambassador Edge Stack -----------------------------------------------------------------------
# A NodePort service on the ports the cluster stack's target groups point at: the network load
# balancer reaches Ambassador on every node. (Edge Stack 3.x expects its CRDs, aes-crds.yaml, to be
# installed first: see terraform/README.md.)

resource "helm_release" "ambassador" {
  name       = "edge-stack"
  repository = var.ambassador_repository
  chart      = "edge-stack"
  version    = var.ambassador_chart_version
  namespace  = kubernetes_namespace_v1.ambassador.metadata[0].name
  timeout    = var.helm_timeout
  wait       = true

  values = [yamlencode({
    licenseKey = { value = var.ambassador_license_key }
    emissary-ingress = {
      replicaCount           = var.ambassador_replicas
      createDefaultListeners = true
      agent                  = { enabled = false }
      service = {
        type = "NodePort"
        ports = [
          { name = "http", port = 80, targetPort = 8080, nodePort = var.ingress_node_ports.http },
          { name = "https", port = 443, targetPort = 8443, nodePort = var.ingress_node_ports.https },
        ]
      }
    }
  })]

  depends_on = [helm_release.istiod]
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
