mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Known at plan time so the endpoint outputs can be asserted.
override_resource {
  target          = module.uploads.module.api.aws_api_gateway_stage.this
  override_during = plan
  values = {
    stage_name = "v1"
    invoke_url = "https://abc123.execute-api.us-east-1.amazonaws.com/v1"
  }
}

variables {
  package_path = "../../modules/function/tests/fixtures/lambda.zip"
}

run "serves_the_seed_route_for_the_demo" {
  command = plan

  assert {
    condition     = contains(output.routes, "/upload-url") && contains(output.routes, "/uploads")
    error_message = "The local stack serves the seed's GET /upload-url as well as POST /uploads."
  }

  assert {
    condition     = output.upload_url_endpoint == "https://abc123.execute-api.us-east-1.amazonaws.com/v1/upload-url"
    error_message = "upload_url_endpoint is the stage URL plus /upload-url."
  }

  assert {
    condition     = output.uploads_endpoint == "https://abc123.execute-api.us-east-1.amazonaws.com/v1/uploads"
    error_message = "uploads_endpoint is the stage URL plus /uploads."
  }

  assert {
    condition     = output.key_prefix == "uploads/" && output.region == "us-east-1"
    error_message = "Uploads land under uploads/ in the provider's region."
  }
}

run "the_demo_page_origin_is_the_default" {
  command = plan

  assert {
    condition     = var.allowed_origins == tolist(["http://127.0.0.1:8080"]) && var.bucket_name == "presigned-uploads-local"
    error_message = "The demo's defaults: the uploader page on 127.0.0.1:8080 and a fixed bucket name."
  }
}
