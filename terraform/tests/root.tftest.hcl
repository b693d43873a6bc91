mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Known at plan time so the function's environment can be asserted (Terraform 1.11+).
override_resource {
  target          = module.bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "uploads-test-bucket"
    arn = "arn:aws:s3:::uploads-test-bucket"
  }
}

variables {
  name                  = "uploads"
  bucket_name           = "uploads-test-bucket"
  package_path          = "modules/function/tests/fixtures/lambda.zip"
  allowed_origins       = ["https://app.example.com", "http://localhost:3000"]
  allowed_content_types = ["image/png", "video/*"]
}

run "the_function_gets_its_whole_configuration" {
  command = plan

  assert {
    condition = module.function.environment == tomap({
      UPLOAD_BUCKET                = "uploads-test-bucket"
      UPLOAD_BUCKET_REGION         = "eu-west-1"
      UPLOAD_KEY_PREFIX            = "uploads/"
      UPLOAD_URL_EXPIRY_SECONDS    = "300"
      UPLOAD_MAX_SIZE_BYTES        = "5368709120"
      UPLOAD_ALLOWED_CONTENT_TYPES = "image/png,video/*"
      UPLOAD_ALLOWED_ORIGINS       = "https://app.example.com,http://localhost:3000"
      UPLOAD_LEGACY_ROUTE_ENABLED  = "false"
    })
    error_message = "The function's environment must carry the whole configuration, with the seed's route off."
  }

  assert {
    condition     = module.api.routes == tolist(["/uploads"])
    error_message = "By default only POST /uploads is routed: the seed's route is opt-in."
  }
}

run "the_seed_route_when_asked" {
  command = plan

  variables {
    enable_legacy_route = true
  }

  assert {
    condition     = module.api.routes == tolist(["/upload-url", "/uploads"])
    error_message = "enable_legacy_route adds GET /upload-url."
  }

  assert {
    condition     = module.function.environment["UPLOAD_LEGACY_ROUTE_ENABLED"] == "true"
    error_message = "The function must know the seed's route is on."
  }
}

run "rejects_a_zero_expiry" {
  command = plan

  variables {
    url_expiry_seconds = 0
  }

  expect_failures = [var.url_expiry_seconds]
}

run "rejects_an_expiry_above_the_maximum" {
  command = plan

  variables {
    url_expiry_seconds = 3601
  }

  expect_failures = [var.url_expiry_seconds]
}

run "rejects_a_size_above_a_single_put" {
  command = plan

  variables {
    max_upload_size_bytes = 5368709121
  }

  expect_failures = [var.max_upload_size_bytes]
}

run "rejects_a_bad_content_type" {
  command = plan

  variables {
    allowed_content_types = ["Image/PNG"]
  }

  expect_failures = [var.allowed_content_types]
}

run "rejects_no_content_types" {
  command = plan

  variables {
    allowed_content_types = []
  }

  expect_failures = [var.allowed_content_types]
}

run "rejects_a_wildcard_origin" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_no_origins" {
  command = plan

  variables {
    allowed_origins = []
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_a_prefix_without_a_trailing_slash" {
  command = plan

  variables {
    key_prefix = "uploads"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    bucket_name = "UPPER_case"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_bad_name" {
  command = plan

  variables {
    name = "Uploads!"
  }

  expect_failures = [var.name]
}
