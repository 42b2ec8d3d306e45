# Local state by default: workspace "<cluster>" keeps its state in terraform.tfstate.d/<cluster>/
# To use S3 without editing this file, curvectl writes curvectl_override.tf with
#   terraform { backend "s3" {} }
# and passes the bucket, key, region and locking settings as -backend-config values (see ../../README.md).
terraform {
  backend "local" {}
}
