# CloudFront in front of the weighted name, as an edge and not a cache: the managed CachingDisabled
# cache policy and the managed AllViewerExceptHostHeader origin request policy (every viewer header,
# cookie and query string except Host goes to the origin). CloudFront then sends the origin domain
# name, the fixed record name, as Host and SNI, and checks the origin's certificate against it, so
# the load balancers terminate TLS with a certificate for that name (cluster stack
# ingress_certificate_arn). Forwarding the viewer's Host (legacy forwarded_values with headers "*")
# to an https-only origin fails with 502 whenever the viewer's name is not on the origin's
# certificate (CloudFront developer guide, "Use managed cache policies", "Use managed origin request
# policies", and "Requirements for using SSL/TLS certificates with CloudFront").

resource "aws_cloudfront_distribution" "this" {
  enabled             = true
  comment             = var.comment
  aliases             = var.aliases
  price_class         = var.price_class
  is_ipv6_enabled     = true
  wait_for_deployment = var.wait_for_deployment
  tags                = var.tags

  origin {
    origin_id   = "weighted-origin"
    domain_name = var.origin_domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = var.origin_protocol_policy
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id         = "weighted-origin"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods           = ["GET", "HEAD"]
    compress                 = true
    cache_policy_id          = var.cache_policy_id
    origin_request_policy_id = var.origin_request_policy_id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  # Custom names need a certificate from us-east-1 (CloudFront only uses certificates from there).
  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  lifecycle {
    # Some CloudFront implementations (the moto emulator) report an ssl_support_method that was never
    # set, and a legacy forwarded_values block next to a cache policy (which real CloudFront refuses
    # together), either of which would show as a change on every plan. This module never sets either.
    ignore_changes = [viewer_certificate[0].ssl_support_method, default_cache_behavior[0].forwarded_values]

    precondition {
      condition     = var.origin_protocol_policy != "https-only" || length(var.clusters_without_origin_tls) == 0
      error_message = "The edge reaches the origin over HTTPS, but the load balancers of ${join(", ", var.clusters_without_origin_tls)} have no certificate for ${var.origin_domain_name}: set ingress_certificate_arn (an ACM certificate for that name, in the cluster's region) in their cluster stack, or change edge_origin_protocol_policy."
    }
  }
}
