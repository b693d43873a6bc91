resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_18: server access logs need a second bucket the account owns; CloudTrail S3 data events are the better record, and an account choice
  # checkov:skip=CKV_AWS_144: uploads land in one region; replicating them is a choice about data, not a control
  # checkov:skip=CKV2_AWS_62: completion events and the malware scan are opt-in: this module's eventbridge_notifications owns the bucket's notification while either is on
  # checkov:skip=CKV_AWS_145: SSE-S3 by default; pass kms_key_arn for SSE-KMS
  # checkov:skip=CKV_AWS_21: versioning is optional (versioning_enabled): keys are never reused, so it only keeps deleted objects
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

# The bucket's settings are applied one after another: S3 answers 409 OperationAborted ("A
# conflicting conditional operation is currently in progress") to settings written in parallel
# right after CreateBucket, and the provider does not retry it.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  depends_on = [aws_s3_bucket_ownership_controls.this]

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  depends_on = [aws_s3_bucket_policy.this]

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = var.versioning_enabled ? 1 : 0

  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this]
}

locals {
  # s3:signatureAge is in milliseconds: the longest URL lifetime plus five minutes of clock skew.
  max_signature_age_ms = (var.max_url_expiry_seconds + 300) * 1000
  cors_allowed_methods = concat(["PUT"], var.allow_post ? ["POST"] : [], var.allow_get ? ["GET"] : [], var.allow_delete ? ["DELETE"] : [])

  bucket_arn   = aws_s3_bucket.this.arn
  whole_bucket = [local.bucket_arn, "${local.bucket_arn}/*"]
  not_guardduty = var.malware_scan == null ? [] : [
    { test = "ArnNotEquals", variable = "aws:PrincipalArn", values = [var.malware_scan.role_arn] },
  ]

  # Each statement denies, to every principal, the actions on the resources that meet all its
  # conditions.
  bucket_denies = concat(
    # A URL replayed after its expiry is refused by SigV4 already; this also refuses one signed
    # with a longer expiry than the service ever gives (someone else's signing code, a leaked
    # credential), whatever X-Amz-Expires it claims.
    [{
      sid        = "DenySignaturesOlderThanTheLongestExpiry"
      actions    = ["s3:*"]
      resources  = local.whole_bucket
      conditions = [{ test = "NumericGreaterThan", variable = "s3:signatureAge", values = [tostring(local.max_signature_age_ms)] }]
    }],
    var.enforce_tls ? [
      {
        sid        = "DenyInsecureTransport"
        actions    = ["s3:*"]
        resources  = local.whole_bucket
        conditions = [{ test = "Bool", variable = "aws:SecureTransport", values = ["false"] }]
      },
      {
        sid        = "DenyTlsOlderThan12"
        actions    = ["s3:*"]
        resources  = local.whole_bucket
        conditions = [{ test = "NumericLessThan", variable = "s3:TlsVersion", values = ["1.2"] }]
      },
    ] : [],
    # No object is written without If-None-Match: a PutObject or CompleteMultipartUpload that
    # could overwrite is refused whoever signed it (AWS's "enforce conditional writes" recipe;
    # the parts of a multipart upload take no condition, s3:ObjectCreationOperation exempts them).
    var.deny_unconditional_writes ? [{
      sid       = "DenyWritesThatCouldOverwrite"
      actions   = ["s3:PutObject"]
      resources = ["${local.bucket_arn}/*"]
      conditions = [
        { test = "Null", variable = "s3:if-none-match", values = ["true"] },
        { test = "Bool", variable = "s3:ObjectCreationOperation", values = ["true"] },
      ]
    }] : [],
    # With GuardDuty's malware scan, S3 itself refuses what the function would refuse: nobody but
    # GuardDuty reads an upload before it is tagged clean (a URL signed elsewhere, a console user,
    # another role), and nobody but GuardDuty writes or removes object tags at all, the scan's
    # included (AWS's tag-based access guidance for Malware Protection for S3). Objects uploaded
    # before the scan was turned on carry no tag: they become unreadable too, to everyone.
    var.malware_scan == null ? [] : [
      {
        sid       = "DenyReadingUploadsNotScannedClean"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = ["${local.bucket_arn}/${var.malware_scan.key_prefix}*"]
        conditions = concat(
          [{ test = "StringNotEquals", variable = "s3:ExistingObjectTag/GuardDutyMalwareScanStatus", values = ["NO_THREATS_FOUND"] }],
          local.not_guardduty,
        )
      },
      {
        sid        = "DenyObjectTagChangesButGuardDuty"
        actions    = ["s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"]
        resources  = ["${local.bucket_arn}/*"]
        conditions = local.not_guardduty
      },
    ],
  )
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = local.bucket_denies

    content {
      sid       = statement.value.sid
      effect    = "Deny"
      actions   = statement.value.actions
      resources = statement.value.resources

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # S3 refuses a bucket policy while Block Public Access is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_cors_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  cors_rule {
    allowed_methods = local.cors_allowed_methods
    allowed_origins = var.allowed_origins
    allowed_headers = var.cors_allowed_headers
    # ETag for multipart clients; the checksum S3 stores (the SHA-256 a PUT bound, else a
    # CRC64NVME), for pages that compare it with their own.
    expose_headers  = ["ETag", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha256"]
    max_age_seconds = 3000
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# The bucket's events go to EventBridge, for completion events and for GuardDuty's malware scan.
# This resource owns the bucket's whole notification configuration, and its removal writes an
# empty one: one owner, kept while either feature needs it.
resource "aws_s3_bucket_notification" "eventbridge" {
  count = var.eventbridge_notifications ? 1 : 0

  bucket      = aws_s3_bucket.this.id
  eventbridge = true

  depends_on = [aws_s3_bucket_lifecycle_configuration.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  # checkov:skip=CKV_AWS_300: the first rule aborts incomplete multipart uploads for the whole bucket; the noncurrent-version rule has nothing more to abort
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # A versioned bucket keeps a deleted upload as a noncurrent version: expire those, or every
  # deleted file is kept (and billed) forever.
  dynamic "rule" {
    for_each = var.versioning_enabled && var.noncurrent_version_expiration_days != null ? [var.noncurrent_version_expiration_days] : []

    content {
      id     = "expire-noncurrent-versions"
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days = rule.value
      }

      expiration {
        expired_object_delete_marker = true
      }
    }
  }

  depends_on = [aws_s3_bucket_cors_configuration.this]
}
