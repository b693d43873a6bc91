# Once per AWS account and region, before any stack that logs API Gateway requests: registers the
# role API Gateway writes CloudWatch logs with. Every REST API in the region shares this setting,
# so it lives here, in its own state, and no stack's apply or destroy ever touches it.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = "presigned-uploads"
    }
  }
}

module "api_gateway_account" {
  source = "../../modules/api-gateway-account"

  role_name = var.role_name
}
