mock_provider "aws" {
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  role_name     = "uploads-signer"
  bucket_arn    = "arn:aws:s3:::uploads-test-bucket"
  key_prefix    = "uploads/"
  log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/uploads-signer"
}

run "least_privilege" {
  command = plan

  assert {
    condition = (
      one(data.aws_iam_policy_document.assume_role.statement).actions == toset(["sts:AssumeRole"]) &&
      one(one(data.aws_iam_policy_document.assume_role.statement).principals).identifiers == toset(["lambda.amazonaws.com"])
    )
    error_message = "Only lambda.amazonaws.com may assume the role."
  }

  assert {
    condition     = toset(flatten([for statement in data.aws_iam_policy_document.permissions.statement : tolist(statement.actions)])) == toset(["s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:ListBucket", "logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "The role may only put objects (single and multipart), resume and abort multipart uploads, list under its prefix, and write its logs."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.resources == toset(["arn:aws:s3:::uploads-test-bucket"]) && one(statement.condition).test == "StringLike" && one(statement.condition).variable == "s3:prefix" && toset(one(statement.condition).values) == toset(["uploads/*"])
      if contains(tolist(statement.actions), "s3:ListBucket")
    ])
    error_message = "s3:ListBucket must be limited to listings whose prefix is under <prefix>."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.resources == toset(["arn:aws:s3:::uploads-test-bucket/uploads/*"]) if contains(tolist(statement.actions), "s3:PutObject")
    ])
    error_message = "s3:PutObject must be scoped to <bucket>/<prefix>*."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.resources == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/uploads-signer:*"]) if contains(tolist(statement.actions), "logs:PutLogEvents")
    ])
    error_message = "Logs permissions must be scoped to the function's own log group."
  }

  assert {
    condition     = alltrue([for statement in data.aws_iam_policy_document.permissions.statement : statement.sid != null && statement.sid != ""])
    error_message = "Every statement has a sid."
  }

  assert {
    condition     = alltrue([for statement in data.aws_iam_policy_document.permissions.statement : statement.effect == "Allow" && !contains(tolist(statement.resources), "*")])
    error_message = "No statement grants on every resource."
  }
}

run "kms_key_adds_generate_data_key_on_that_key_only" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.actions == toset(["kms:GenerateDataKey"]) && statement.resources == toset(["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"])
    ])
    error_message = "With SSE-KMS the role needs kms:GenerateDataKey on that key only."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.actions == toset(["kms:Decrypt"]) && statement.resources == toset(["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"])
    ])
    error_message = "Multipart uploads into an SSE-KMS bucket need kms:Decrypt on that key only."
  }

  assert {
    condition     = toset(flatten([for statement in data.aws_iam_policy_document.permissions.statement : tolist(statement.actions) if startswith(statement.sid, "EncryptUploads") || startswith(statement.sid, "DecryptFor")])) == toset(["kms:GenerateDataKey", "kms:Decrypt"])
    error_message = "The key grants nothing beyond GenerateDataKey and Decrypt."
  }
}

run "kms_use_is_only_through_s3_in_the_region_for_this_bucket" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      anytrue([
        for condition in statement.condition :
        condition.test == "StringEquals" && condition.variable == "kms:ViaService" && condition.values == tolist(["s3.eu-west-1.amazonaws.com"])
      ]) if anytrue([for action in statement.actions : startswith(action, "kms:")])
    ])
    error_message = "Every KMS grant holds only through S3 in the key's (the bucket's) region."
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      anytrue([
        for condition in statement.condition :
        condition.test == "StringLike" && condition.variable == "kms:EncryptionContext:aws:s3:arn" &&
        condition.values == tolist(["arn:aws:s3:::uploads-test-bucket", "arn:aws:s3:::uploads-test-bucket/uploads/*"])
      ]) if anytrue([for action in statement.actions : startswith(action, "kms:")])
    ])
    error_message = "Every KMS grant is bound to this bucket's encryption context (the bucket with a bucket key, else an object under the prefix)."
  }

  assert {
    condition     = length([for statement in data.aws_iam_policy_document.permissions.statement : statement if anytrue([for action in statement.actions : startswith(action, "kms:")])]) == 2
    error_message = "Two KMS statements: GenerateDataKey and Decrypt."
  }
}

run "kms_in_china_goes_through_the_china_s3_endpoint" {
  command = plan

  variables {
    bucket_arn  = "arn:aws-cn:s3:::uploads-test-bucket"
    kms_key_arn = "arn:aws-cn:kms:cn-north-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      anytrue([for condition in statement.condition : condition.values == tolist(["s3.cn-north-1.amazonaws.com.cn"])])
      if anytrue([for action in statement.actions : startswith(action, "kms:")])
    ])
    error_message = "kms:ViaService names S3's endpoint in the key's partition."
  }
}

run "rejects_a_prefix_without_a_trailing_slash" {
  command = plan

  variables {
    key_prefix = "uploads"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_wildcard_log_group" {
  command = plan

  variables {
    log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:*"
  }

  expect_failures = [var.log_group_arn]
}

run "rejects_a_wildcard_in_the_prefix" {
  command = plan

  variables {
    key_prefix = "uploads/*/"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_kms_alias" {
  command = plan

  variables {
    kms_key_arn = "alias/uploads"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_a_bucket_arn_with_a_key" {
  command = plan

  variables {
    bucket_arn = "arn:aws:s3:::uploads-test-bucket/*"
  }

  expect_failures = [var.bucket_arn]
}

run "downloads_add_get_object_under_the_prefix_only" {
  command = plan

  variables {
    allow_downloads = true
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.actions == toset(["s3:GetObject"]) && statement.resources == toset(["arn:aws:s3:::uploads-test-bucket/uploads/*"])
    ])
    error_message = "Downloads need s3:GetObject on <bucket>/<prefix>* and nothing more."
  }
}

run "a_malware_scan_adds_get_object_tagging_under_the_prefix_only" {
  command = plan

  variables {
    allow_get_object_tagging = true
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.actions == toset(["s3:GetObjectTagging"]) && statement.resources == toset(["arn:aws:s3:::uploads-test-bucket/uploads/*"])
    ])
    error_message = "Reading the scan status tag needs s3:GetObjectTagging on <bucket>/<prefix>* and nothing more."
  }
}

run "scanned_downloads_add_get_object_version_under_the_prefix_only" {
  command = plan

  variables {
    allow_downloads          = true
    allow_get_object_version = true
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.permissions.statement :
      statement.actions == toset(["s3:GetObject", "s3:GetObjectVersion"]) && statement.resources == toset(["arn:aws:s3:::uploads-test-bucket/uploads/*"])
    ])
    error_message = "A download of the scanned version needs s3:GetObjectVersion on <bucket>/<prefix>* and nothing more."
  }
}

run "no_tag_reading_without_a_malware_scan" {
  command = plan

  assert {
    condition     = !anytrue([for statement in data.aws_iam_policy_document.permissions.statement : contains(tolist(statement.actions), "s3:GetObjectTagging") || contains(tolist(statement.actions), "s3:GetObjectVersion")])
    error_message = "s3:GetObjectTagging and s3:GetObjectVersion are granted only with a malware scan."
  }
}
