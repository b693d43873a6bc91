mock_provider "aws" {
  # Under a mock provider a policy document's json is random text; the bucket policy needs JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Known at plan time so the bucket policy's resources can be asserted.
override_resource {
  target          = aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "uploads-test-bucket"
    arn = "arn:aws:s3:::uploads-test-bucket"
  }
}

variables {
  bucket_name     = "uploads-test-bucket"
  allowed_origins = ["https://app.example.com"]
}

run "secure_defaults" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings must be on."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "force_destroy must be off by default."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Without a KMS key the bucket must use SSE-S3."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.this.statement :
      statement.sid == "DenyInsecureTransport" && statement.effect == "Deny" &&
      one(statement.condition).variable == "aws:SecureTransport" && one(statement.condition).values == tolist(["false"])
    ])
    error_message = "The bucket policy must deny requests without TLS."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_origins == toset(["https://app.example.com"])
    error_message = "CORS must allow exactly the configured origins."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_methods == toset(["PUT"])
    error_message = "CORS must allow PUT only: the service signs PUTs, POST is opt-in and downloads are navigations."
  }

  assert {
    condition     = contains(one(aws_s3_bucket_cors_configuration.this.cors_rule).expose_headers, "ETag")
    error_message = "CORS must expose ETag (multipart clients need it)."
  }

  assert {
    condition     = contains(one(aws_s3_bucket_cors_configuration.this.cors_rule).expose_headers, "x-amz-checksum-crc64nvme")
    error_message = "CORS must expose x-amz-checksum-crc64nvme (the page compares S3's stored CRC64NVME with its own)."
  }

  assert {
    condition     = contains(one(aws_s3_bucket_cors_configuration.this.cors_rule).expose_headers, "x-amz-checksum-sha256")
    error_message = "CORS must expose x-amz-checksum-sha256 (S3 answers the SHA-256 a single PUT bound, not a CRC64NVME; the page compares it)."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "Incomplete multipart uploads must be aborted after 7 days by default."
  }

  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 0
    error_message = "Versioning is opt-in."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_headers == toset(["content-type", "content-md5", "if-none-match", "x-amz-checksum-sha256", "x-amz-checksum-crc64nvme", "x-amz-checksum-algorithm", "x-amz-checksum-type", "x-amz-sdk-checksum-algorithm"]) && one(aws_s3_bucket_cors_configuration.this.cors_rule).max_age_seconds == 3000
    error_message = "CORS must allow exactly the headers the presigned URLs bind, cached for 3000 s."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.this.statement :
      statement.sid == "DenyTlsOlderThan12" && statement.effect == "Deny" &&
      one(statement.condition).test == "NumericLessThan" && one(statement.condition).variable == "s3:TlsVersion" && one(statement.condition).values == tolist(["1.2"])
    ])
    error_message = "The bucket policy must deny TLS older than 1.2."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.this.statement :
      statement.sid == "DenySignaturesOlderThanTheLongestExpiry" && statement.effect == "Deny" && statement.actions == toset(["s3:*"]) &&
      one(statement.condition).test == "NumericGreaterThan" && one(statement.condition).variable == "s3:signatureAge" && one(statement.condition).values == tolist(["3900000"])
    ])
    error_message = "By default the bucket policy denies signatures older than 3600 s + 300 s of skew, in milliseconds."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.this.statement :
      statement.resources == toset(["arn:aws:s3:::uploads-test-bucket", "arn:aws:s3:::uploads-test-bucket/*"]) && one(statement.principals).identifiers == toset(["*"])
    ])
    error_message = "Every deny covers the bucket and its objects, for every principal."
  }
}

run "signature_age_follows_the_longest_expiry" {
  command = plan

  variables {
    max_url_expiry_seconds = 300
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.this.statement :
      statement.sid == "DenySignaturesOlderThanTheLongestExpiry" && one(statement.condition).values == tolist(["600000"])
    ])
    error_message = "A 300 s expiry denies signatures older than (300 + 300) * 1000 ms."
  }
}

run "post_when_asked" {
  command = plan

  variables {
    allow_post = true
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_methods == toset(["PUT", "POST"])
    error_message = "allow_post adds POST (form uploads) to the CORS rule."
  }
}

run "get_when_asked" {
  command = plan

  variables {
    allow_get = true
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_methods == toset(["PUT", "GET"])
    error_message = "allow_get adds GET (a page fetching a download URL) to the CORS rule."
  }
}

run "rejects_an_expiry_beyond_sigv4" {
  command = plan

  variables {
    max_url_expiry_seconds = 604801
  }

  expect_failures = [var.max_url_expiry_seconds]
}

run "kms_and_versioning" {
  command = plan

  variables {
    kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    versioning_enabled = true
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "With a KMS key the bucket must use SSE-KMS."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    error_message = "SSE-KMS must use a bucket key (fewer KMS calls)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this[0].versioning_configuration).status == "Enabled"
    error_message = "versioning_enabled must turn versioning on."
  }

  assert {
    condition     = [for rule in aws_s3_bucket_lifecycle_configuration.this.rule : one(rule.noncurrent_version_expiration).noncurrent_days if rule.id == "expire-noncurrent-versions"] == [30]
    error_message = "A versioned bucket expires noncurrent versions (deleted uploads) after 30 days by default."
  }
}

run "noncurrent_versions_kept_when_asked" {
  command = plan

  variables {
    versioning_enabled                 = true
    noncurrent_version_expiration_days = null
  }

  assert {
    condition     = [for rule in aws_s3_bucket_lifecycle_configuration.this.rule : rule.id] == ["abort-incomplete-multipart-uploads"]
    error_message = "null keeps every version."
  }
}

run "eventbridge_notifications_when_asked" {
  command = plan

  variables {
    eventbridge_notifications = true
  }

  assert {
    condition     = aws_s3_bucket_notification.eventbridge[0].eventbridge && output.eventbridge_notifications
    error_message = "The bucket sends its events to EventBridge, owned here."
  }
}

run "tls_enforcement_can_be_turned_off_for_a_local_emulator" {
  command = plan

  variables {
    enforce_tls = false
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.this.statement : statement.sid] == ["DenySignaturesOlderThanTheLongestExpiry"]
    error_message = "enforce_tls = false drops the TLS statements; the signature-age deny stays."
  }
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    bucket_name = "Not_A_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_directory_bucket_name" {
  command = plan

  variables {
    bucket_name = "uploads--x-s3"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_no_origins" {
  command = plan

  variables {
    allowed_origins = []
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_a_wildcard_origin" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_an_origin_with_a_trailing_slash" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_zero_abort_days" {
  command = plan

  variables {
    abort_incomplete_multipart_upload_days = 0
  }

  expect_failures = [var.abort_incomplete_multipart_upload_days]
}

run "rejects_an_origin_with_a_path" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/app"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_plain_http_off_loopback" {
  command = plan

  variables {
    allowed_origins = ["http://app.example.com"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_a_kms_alias" {
  command = plan

  variables {
    kms_key_arn = "alias/uploads"
  }

  expect_failures = [var.kms_key_arn]
}

run "with_the_malware_scan_s3_refuses_unscanned_reads_and_tag_changes_but_guardduty" {
  command = plan

  variables {
    malware_scan = {
      role_arn   = "arn:aws:iam::123456789012:role/uploads-malware-scan"
      key_prefix = "uploads/"
    }
  }

  assert {
    condition = [
      for statement in data.aws_iam_policy_document.this.statement : [statement.resources, statement.condition]
      if statement.sid == "DenyReadingUploadsNotScannedClean"
      ] == [[
        toset(["arn:aws:s3:::uploads-test-bucket/uploads/*"]),
        toset([
          { test = "StringNotEquals", variable = "s3:ExistingObjectTag/GuardDutyMalwareScanStatus", values = tolist(["NO_THREATS_FOUND"]) },
          { test = "ArnNotEquals", variable = "aws:PrincipalArn", values = tolist(["arn:aws:iam::123456789012:role/uploads-malware-scan"]) },
        ]),
    ]]
    error_message = "Nobody but GuardDuty reads an upload not tagged clean."
  }

  assert {
    condition = [
      for statement in data.aws_iam_policy_document.this.statement : statement.condition
      if statement.sid == "DenyObjectTagChangesButGuardDuty" && contains(statement.actions, "s3:PutObjectTagging") && contains(statement.actions, "s3:DeleteObjectTagging")
      ] == [toset([
        { test = "ArnNotEquals", variable = "aws:PrincipalArn", values = tolist(["arn:aws:iam::123456789012:role/uploads-malware-scan"]) },
    ])]
    error_message = "Nobody but GuardDuty writes or removes object tags (the scan's verdict included)."
  }
}

run "deny_unconditional_writes_refuses_puts_and_completions_without_if_none_match" {
  command = plan

  variables {
    deny_unconditional_writes = true
  }

  assert {
    condition = [
      for statement in data.aws_iam_policy_document.this.statement : [statement.effect, statement.actions, statement.resources, statement.condition]
      if statement.sid == "DenyWritesThatCouldOverwrite"
      ] == [[
        "Deny",
        toset(["s3:PutObject"]),
        toset(["arn:aws:s3:::uploads-test-bucket/*"]),
        toset([
          { test = "Null", variable = "s3:if-none-match", values = tolist(["true"]) },
          { test = "Bool", variable = "s3:ObjectCreationOperation", values = tolist(["true"]) },
        ]),
    ]]
    error_message = "PutObject and CompleteMultipartUpload need If-None-Match; parts (ObjectCreationOperation false) are exempt."
  }
}

run "no_conditional_write_rule_unless_asked" {
  command = plan

  assert {
    condition     = !anytrue([for statement in data.aws_iam_policy_document.this.statement : statement.sid == "DenyWritesThatCouldOverwrite"])
    error_message = "The conditional-write rule is opt-in in the bucket module (the root turns it on)."
  }
}

run "browsers_that_drive_s3_get_post_get_and_delete" {
  command = plan

  variables {
    allow_post   = true
    allow_get    = true
    allow_delete = true
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_methods == toset(["PUT", "POST", "GET", "DELETE"])
    error_message = "allow_post, allow_get and allow_delete add their methods to the CORS rule."
  }
}
