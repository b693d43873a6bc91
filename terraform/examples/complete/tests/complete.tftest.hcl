mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name   = "eu-west-1" # provider 5.x
      region = "eu-west-1" # provider 6.x
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    override_during = plan
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  bucket_name     = "acme-uploads-prod"
  allowed_origins = ["https://app.acme.example"]
  package_path    = "../../modules/function/tests/fixtures/lambda.zip"
}

run "production_defaults" {
  command = plan

  assert {
    condition     = aws_kms_key.uploads.enable_key_rotation
    error_message = "The upload key rotates."
  }

  assert {
    condition     = !contains(output.routes, "/upload-url") && contains(output.routes, "/uploads") && output.upload_url_endpoint == null
    error_message = "Production serves POST /uploads but not the seed's unconstrained GET /upload-url."
  }

  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The example encrypts uploads with its own key."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.key.statement).principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::123456789012:root"]) }])
    error_message = "The key policy delegates to the account's IAM (the role's kms:GenerateDataKey grant), nothing broader."
  }

  assert {
    condition     = length(output.user_pool_client_ids) == 1
    error_message = "The example creates a user pool and one app client, and outputs them for signing in."
  }
}
