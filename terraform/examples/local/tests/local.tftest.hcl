mock_provider "aws" {
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  package_path = "../../modules/function/tests/fixtures/lambda.zip"
}

run "serves_the_seed_route_for_the_demo" {
  command = plan

  assert {
    condition     = module.uploads.routes == tolist(["/upload-url", "/uploads"])
    error_message = "The local stack serves the seed's GET /upload-url as well as POST /uploads."
  }

  assert {
    condition     = module.uploads.key_prefix == "uploads/"
    error_message = "Uploads land under uploads/."
  }
}
