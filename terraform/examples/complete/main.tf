# A complete deployment for a real AWS account: SSE-KMS with a rotating key, versioning, your
# origins and content types, the seed's unconstrained route off. Copy it and set the variables.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = "presigned-uploads"
    }
  }
}

data "aws_caller_identity" "current" {}

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
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
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

  # Users may enrol an authenticator app (TOTP). threat_protection = "ENFORCED" adds Cognito's
  # risk-based blocking, on the Plus feature plan (billed per active user).
  mfa_configuration = "OPTIONAL"

  # The seed's GET /upload-url signs a URL that binds no size, type or checksum: keep it off.
  enable_legacy_route = false
  enable_downloads    = var.enable_downloads

  # Access logs need the account-wide API Gateway CloudWatch role. Set this to false if your
  # account already registers one (it is a single setting per account and region).
  create_api_gateway_account_role = var.create_api_gateway_account_role
}
