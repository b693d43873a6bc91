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

  # Access logs need the account-wide API Gateway CloudWatch role; set false if the account
  # already registers one (a single setting per account and region).
  create_api_gateway_account_role = var.create_api_gateway_account_role
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  github_repository          = var.github_repository
  environment_name           = var.environment_name
  oidc_provider_arn          = var.oidc_provider_arn
  resource_prefix            = var.name
  bucket_name_prefix         = var.bucket_name
  state_bucket_name          = var.state_bucket_name
  state_key                  = var.state_key
  manage_api_gateway_account = var.create_api_gateway_account_role
}
