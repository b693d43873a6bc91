mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_s3_bucket" {
    override_during = plan
    defaults = {
      id  = "uploads-test-bucket-logs"
      arn = "arn:aws:s3:::uploads-test-bucket-logs"
    }
  }
}

variables {
  source_bucket_name = "uploads-test-bucket"
  log_bucket_name    = "uploads-test-bucket-logs"
}

run "a_locked_down_log_bucket_admits_only_the_upload_buckets_log_delivery" {
  command = plan

  assert {
    condition     = aws_s3_bucket_logging.this.bucket == "uploads-test-bucket" && aws_s3_bucket_logging.this.target_bucket == "uploads-test-bucket-logs" && aws_s3_bucket_logging.this.target_prefix == "s3-access-logs/"
    error_message = "The upload bucket logs into the created bucket under the prefix."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this[0].block_public_acls,
      aws_s3_bucket_public_access_block.this[0].block_public_policy,
      aws_s3_bucket_public_access_block.this[0].ignore_public_acls,
      aws_s3_bucket_public_access_block.this[0].restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this[0].rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (log delivery is granted by the bucket policy, not ACLs)."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Server access log delivery needs SSE-S3."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).expiration).days == 365
    error_message = "Logs expire after 365 days by default."
  }

  assert {
    condition = length([
      for statement in data.aws_iam_policy_document.this[0].statement : statement
      if statement.effect == "Allow"
      ]) == 1 && alltrue([
      for statement in data.aws_iam_policy_document.this[0].statement :
      statement.actions == toset(["s3:PutObject"]) &&
      statement.resources == toset(["arn:aws:s3:::uploads-test-bucket-logs/s3-access-logs/*"]) &&
      one(statement.principals).identifiers == toset(["logging.s3.amazonaws.com"]) &&
      { for condition in statement.condition : condition.variable => condition.values } == {
        "aws:SourceArn"     = tolist(["arn:aws:s3:::uploads-test-bucket"])
        "aws:SourceAccount" = tolist(["123456789012"])
      }
      if statement.effect == "Allow"
    ])
    error_message = "Only S3's log delivery, for the upload bucket in this account, may write, and only under the prefix."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.this[0].statement :
      statement.sid == "DenyInsecureTransport" && statement.effect == "Deny"
    ])
    error_message = "The log bucket denies requests without TLS."
  }
}

run "a_shorter_retention" {
  command = plan

  variables {
    retention_days = 90
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).expiration).days == 90
    error_message = "retention_days sets the expiration."
  }
}

run "your_own_log_bucket" {
  command = plan

  variables {
    log_bucket_name = null
    target_bucket   = "acme-central-logs"
  }

  assert {
    condition     = length(aws_s3_bucket.this) == 0 && length(aws_s3_bucket_policy.this) == 0 && aws_s3_bucket_logging.this.target_bucket == "acme-central-logs"
    error_message = "With target_bucket no log bucket is created and the logs go there."
  }

  assert {
    condition     = output.log_bucket_arn == "arn:aws:s3:::acme-central-logs"
    error_message = "The output names the given bucket."
  }
}

run "rejects_zero_retention" {
  command = plan

  variables {
    retention_days = 0
  }

  expect_failures = [var.retention_days]
}
