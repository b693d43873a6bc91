data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  create_log_bucket = var.target_bucket == null
  log_bucket        = local.create_log_bucket ? aws_s3_bucket.this[0].id : var.target_bucket
  log_bucket_arn    = "arn:${data.aws_partition.current.partition}:s3:::${local.log_bucket}"
}

# S3 server access logs of the upload bucket: every request, as S3 saw it, best effort within hours.
resource "aws_s3_bucket_logging" "this" {
  bucket        = var.source_bucket_name
  target_bucket = local.log_bucket
  target_prefix = var.target_prefix

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  depends_on = [aws_s3_bucket_policy.this]
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_145: S3 server access log delivery writes only to SSE-S3 buckets, not SSE-KMS
  # checkov:skip=CKV_AWS_21: only S3's log delivery writes here and logs expire after retention_days; versions would outlive them
  # checkov:skip=CKV_AWS_144: an audit copy in one region; replicate it with your organisation's own log archive
  # checkov:skip=CKV2_AWS_62: nothing consumes events of a log bucket
  # checkov:skip=CKV_AWS_18: logging the log bucket would log into itself (a loop S3 advises against) or into a third bucket; CloudTrail data events record who reads the logs
  count = local.create_log_bucket ? 1 : 0

  bucket        = var.log_bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = var.log_bucket_name != null
      error_message = "Set log_bucket_name for the log bucket created here, or target_bucket to use yours."
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Server access log delivery writes only to SSE-S3 buckets (not SSE-KMS).
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.retention_days
    }

    # Log delivery never uses multipart, but a stray upload must not linger either.
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "this" {
  count = local.create_log_bucket ? 1 : 0

  statement {
    sid       = "S3ServerAccessLogsFromTheUploadBucketOnly"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this[0].arn}/${var.target_prefix}*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:s3:::${var.source_bucket_name}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[0].arn,
      "${aws_s3_bucket.this[0].arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create_log_bucket ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.this[0].json

  # S3 refuses a bucket policy while Block Public Access is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
