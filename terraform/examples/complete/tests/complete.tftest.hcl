mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
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
    condition     = module.uploads.routes == tolist(["/uploads"])
    error_message = "Production serves only POST /uploads: the seed's unconstrained route stays off."
  }
}
