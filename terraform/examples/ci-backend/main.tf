# The stack deployed from GitHub Actions: the root module, plus the OIDC provider and the plan and
# apply roles the workflows assume. State in S3 with Terraform's own lock file. An administrator
# applies it once locally (the apply role may not change the pipeline's roles); after that pull
# requests plan it and merges to main apply it.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = "presigned-uploads"
    }
  }
}

module "uploads" {
  source = "../.."

  name                  = var.name
  bucket_name           = var.bucket_name
  create_bucket         = var.create_bucket
  package_path          = var.package_path
  allowed_origins       = var.allowed_origins
  allowed_content_types = var.allowed_content_types
  log_retention_days    = 90

  # Access logs and execution logging: they need the account's API Gateway CloudWatch role, which
  # an administrator registers once per account and region (examples/account-bootstrap).
  access_logs_enabled     = var.api_gateway_logging
  execution_logging_level = var.api_gateway_logging ? "ERROR" : "OFF"

  enable_events       = var.enable_events
  enable_malware_scan = var.enable_malware_scan
  # The scan binds each download to the version it scanned, so it needs versions.
  versioning_enabled = var.enable_malware_scan
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  github_repository  = var.github_repository
  environment_name   = var.environment_name
  oidc_provider_arn  = var.oidc_provider_arn
  resource_prefix    = var.name
  bucket_name_prefix = var.bucket_name
  state_bucket_name  = var.state_bucket_name
  state_key          = var.state_key
  # The pipeline's roles may apply exactly the features the stack has.
  stack_features = { events = var.enable_events, malware_scan = var.enable_malware_scan }
}
