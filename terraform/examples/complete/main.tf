# A complete deployment for a real AWS account: SSE-KMS with a rotating key, versioning, access
# and execution logs, your origins and content types, the seed's unconstrained route off. Copy it
# and set the variables. Apply examples/account-bootstrap once per account and region first: the
# logs need the account's API Gateway CloudWatch role (docs/first-deploy.md).
#
# The local stack (make demo, make test) applies this same configuration to moto and LocalStack,
# with the switches in examples/local/local.tfvars; the README lists each and its reason.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = "presigned-uploads"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "key" {
  # checkov:skip=CKV_AWS_109: a key policy's "*" is this key only; delegating it to the account's IAM is AWS's default key policy, and the role's grant is scoped by kms:ViaService and the bucket's encryption context
  # checkov:skip=CKV_AWS_111: as above: the resource of a key policy statement is the key itself
  # checkov:skip=CKV_AWS_356: as above: "*" in a key policy means this key
  statement {
    sid       = "AccountAdministersKey"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "uploads" {
  description             = "presigned-uploads: encrypts uploaded objects"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "uploads" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.uploads.key_id
}

module "uploads" {
  source = "../.."

  name                  = var.name
  bucket_name           = var.bucket_name
  package_path          = var.package_path
  allowed_origins       = var.allowed_origins
  allowed_content_types = var.allowed_content_types
  max_upload_size_bytes = var.max_upload_size_bytes
  url_expiry_seconds    = 300
  kms_key_arn           = aws_kms_key.uploads.arn
  versioning_enabled    = true
  log_retention_days    = 90

  # Access logs and execution logging at ERROR: they need the account's API Gateway CloudWatch
  # role, which examples/account-bootstrap registers once per account and region.
  access_logs_enabled     = var.api_gateway_logging
  execution_logging_level = var.api_gateway_logging ? "ERROR" : "OFF"

  # Users may enrol an authenticator app (TOTP). threat_protection = "ENFORCED" adds Cognito's
  # risk-based blocking, on the Plus feature plan (billed per active user).
  mfa_configuration   = "OPTIONAL"
  allow_password_auth = var.allow_password_auth
  # A production pool and bucket survive a stray destroy: turn these off (and apply) first to
  # tear the stack down, as e2e-aws and the local stack do.
  user_pool_deletion_protection = var.user_pool_deletion_protection
  force_destroy                 = var.force_destroy

  # The seed's GET /upload-url signs a URL that binds no size, type or checksum: off by default.
  enable_legacy_route = var.enable_legacy_route
  enable_downloads    = var.enable_downloads
  enable_form_uploads = var.enable_form_uploads

  allow_browser_s3_requests = var.allow_browser_s3_requests
  enable_events             = var.enable_events
  enable_malware_scan       = var.enable_malware_scan
}
