# CloudFront in front of the weighted name. Caching is off by default (every request forwarded with
# its headers, query string and cookies): the distribution is an edge, not a cache, unless a team
# changes the behaviour.

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
    target_origin_id       = "weighted-origin"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 0
    default_ttl            = 0
    max_ttl                = 0

    forwarded_values {
      query_string = true
      headers      = ["*"]
      cookies {
        forward = "all"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  lifecycle {
    # Some CloudFront implementations (the moto emulator) report an ssl_support_method that was never
    # set, which would show as a change on every plan.
    ignore_changes = [viewer_certificate[0].ssl_support_method]
  }
}
