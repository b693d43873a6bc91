data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

locals {
  # S3 may use the key only in the bucket's region, so the key's region is the bucket's, and S3
  # in that region is the only service the role may use it through.
  kms_partition   = var.kms_key_arn == null ? "aws" : split(":", var.kms_key_arn)[1]
  kms_region      = var.kms_key_arn == null ? null : split(":", var.kms_key_arn)[3]
  kms_dns_suffix  = local.kms_partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"
  kms_via_service = var.kms_key_arn == null ? null : "s3.${local.kms_region}.${local.kms_dns_suffix}"
  # S3's encryption context names the bucket when a bucket key is on (the bucket module turns it
  # on), else the object: allow both, the object only under the prefix.
  kms_encryption_contexts = [var.bucket_arn, "${var.bucket_arn}/${var.key_prefix}*"]
}

# Exactly what the function signs for, the lookups it makes, and its own logs: nothing else.
data "aws_iam_policy_document" "permissions" {
  # PutObject also covers creating, uploading parts of and completing a multipart upload.
  statement {
    sid       = "PutUploadsUnderPrefix"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arn}/${var.key_prefix}*"]
  }

  statement {
    sid       = "ResumeAndAbortMultipartUploadsUnderPrefix"
    effect    = "Allow"
    actions   = ["s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket_arn}/${var.key_prefix}*"]
  }

  # A repeated completion, and a download, look their object up by listing exactly its key.
  # Listings are limited to the prefix: the function may learn names, sizes and ETags there,
  # never contents. (HeadObject would need s3:GetObject, and answers 403 for a missing key.)
  statement {
    sid       = "LookUpObjectsUnderPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.key_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.allow_downloads ? [1] : []

    content {
      sid    = "DownloadUnderPrefix"
      effect = "Allow"
      # With a malware scan a download URL names the version that was scanned, so a later write
      # to the key is never what it serves; reading a version by id is its own action.
      actions   = var.allow_get_object_version ? ["s3:GetObject", "s3:GetObjectVersion"] : ["s3:GetObject"]
      resources = ["${var.bucket_arn}/${var.key_prefix}*"]
    }
  }

  # With a malware scan, the function reads GuardDuty's scan status tag before it trusts an object.
  dynamic "statement" {
    for_each = var.allow_get_object_tagging ? [1] : []

    content {
      sid       = "ReadScanStatusTagsUnderPrefix"
      effect    = "Allow"
      actions   = ["s3:GetObjectTagging"]
      resources = ["${var.bucket_arn}/${var.key_prefix}*"]
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.log_group_arn}:*"]
  }

  # With a customer managed key: the data key S3 encrypts each upload with (a bucket key), and,
  # because S3 decrypts the data key again for each part and for CompleteMultipartUpload as the
  # signer, Decrypt (without it a multipart upload into an SSE-KMS bucket fails with AccessDenied).
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [
      { sid = "EncryptUploadsWithBucketKey", action = "kms:GenerateDataKey" },
      { sid = "DecryptForMultipartUploads", action = "kms:Decrypt" },
    ]

    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = [statement.value.action]
      resources = [var.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.kms_via_service]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = local.kms_encryption_contexts
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "presigned-uploads"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}
