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

# Exactly what the function signs for, and its own logs: nothing else.
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

  dynamic "statement" {
    for_each = var.allow_downloads ? [1] : []

    content {
      sid       = "DownloadUnderPrefix"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
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

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "EncryptUploadsWithBucketKey"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  # S3 decrypts the data key again for each part and for CompleteMultipartUpload, as the signer:
  # without this a multipart upload into an SSE-KMS bucket fails with AccessDenied.
  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid       = "DecryptForMultipartUploads"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "presigned-uploads"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}
