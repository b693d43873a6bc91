# What `make demo`, `make serve` and the integration tests apply on loopback: moto for the control
# plane, LocalStack for S3 (signatures checked), EventBridge and SQS. They write
# local_endpoints_override.tf beside this file at run time to point the provider at them, so the
# provider block below stays the one you would use against AWS.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = "presigned-uploads"
      example = "local"
    }
  }
}

module "uploads" {
  source = "../.."

  name                  = "presigned-uploads-local"
  bucket_name           = var.bucket_name
  package_path          = var.package_path
  allowed_origins       = var.allowed_origins
  allowed_content_types = var.allowed_content_types
  max_upload_size_bytes = 100 * 1024 * 1024
  # Multipart up to 5 GiB is plenty for a laptop.
  max_multipart_upload_size_bytes = 5 * 1024 * 1024 * 1024
  url_expiry_seconds              = 300

  # The seed's `curl` flow is part of the demo.
  enable_legacy_route = true
  # Cognito, as in production: the local gateway checks ID tokens against moto's user pool, and
  # `make serve` creates a demo user. Downloads are on so the whole API can be tried.
  authorization    = "cognito"
  enable_downloads = true

  # POST /uploads/form: the uploader page's plain HTML form.
  enable_form_uploads = true
  # The demo user signs in with USER_PASSWORD_AUTH (the uploader page and `make serve`); a real
  # app signs in with SRP. The pool is thrown away with the stack, so no deletion protection.
  allow_password_auth           = true
  user_pool_deletion_protection = false
  # moto needs no account-wide API Gateway logging role; never create one from a demo.
  create_api_gateway_account_role = false
  # Throwaway buckets: destroy them even with uploads inside.
  force_destroy = true
  # enforce_tls stays on (the default), as in production: the bucket lives on LocalStack's S3,
  # which stores the deny-without-TLS policy but does not evaluate bucket policies.

  # One message per completed upload. LocalStack serves S3, EventBridge and SQS in one process,
  # so the bucket's events reach the rule and the queue as they do on AWS.
  enable_events = true
}
