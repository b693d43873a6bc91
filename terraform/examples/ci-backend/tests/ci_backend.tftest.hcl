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
}

override_resource {
  target          = module.uploads.module.bucket[0].aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "acme-uploads-prod"
    arn = "arn:aws:s3:::acme-uploads-prod"
  }
}

variables {
  bucket_name       = "acme-uploads-prod"
  allowed_origins   = ["https://app.acme.example"]
  package_path      = "../../modules/function/tests/fixtures/lambda.zip"
  github_repository = "acme/presigned-uploads"
  state_bucket_name = "acme-terraform-state"
}

run "the_pipeline_roles_match_the_stack" {
  command = plan

  assert {
    condition     = module.github_oidc.plan_subject == "repo:acme/presigned-uploads:pull_request" && module.github_oidc.apply_subject == "repo:acme/presigned-uploads:environment:production"
    error_message = "Pull requests plan; the production environment applies."
  }

  assert {
    condition     = output.bucket_name == "acme-uploads-prod"
    error_message = "The example deploys the named bucket."
  }

  assert {
    condition     = startswith(module.uploads.function_name, "presigned-uploads-")
    error_message = "The function is named after the prefix the apply role is scoped to."
  }
}
