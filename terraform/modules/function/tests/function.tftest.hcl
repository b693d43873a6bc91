mock_provider "aws" {}

variables {
  function_name = "uploads-signer"
  package_path  = "tests/fixtures/lambda.zip"
  role_arn      = "arn:aws:iam::123456789012:role/uploads-signer"
  environment = {
    UPLOAD_BUCKET = "uploads-test-bucket"
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function defaults to Python 3.13 on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.handler == "upload_api.handler.lambda_handler"
    error_message = "The handler is upload_api.handler.lambda_handler."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/lambda.zip")
    error_message = "source_code_hash must follow the zip, so a rebuild of the same source changes nothing."
  }

  assert {
    condition     = one(aws_lambda_function.this.environment).variables == tomap({ UPLOAD_BUCKET = "uploads-test-bucket" })
    error_message = "The environment passes through unchanged."
  }

  assert {
    condition     = one(aws_lambda_function.this.logging_config).log_format == "JSON" && one(aws_lambda_function.this.logging_config).log_group == "/aws/lambda/uploads-signer"
    error_message = "Logs are Lambda's native JSON format, in the function's own group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/uploads-signer" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group has the function's name and a retention."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "Concurrency is unreserved by default."
  }
}

run "unreserved_concurrency_by_default_reserved_when_asked" {
  command = plan

  variables {
    reserved_concurrent_executions = 20
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 20
    error_message = "reserved_concurrent_executions caps (and reserves) the function's concurrency."
  }
}

run "rejects_a_negative_concurrency_below_unreserved" {
  command = plan

  variables {
    reserved_concurrent_executions = -2
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "rejects_an_old_runtime" {
  command = plan

  variables {
    runtime = "python3.9"
  }

  expect_failures = [var.runtime]
}

run "rejects_an_unknown_architecture" {
  command = plan

  variables {
    architecture = "sparc"
  }

  expect_failures = [var.architecture]
}

run "rejects_a_retention_cloudwatch_lacks" {
  command = plan

  variables {
    log_retention_days = 2
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_a_timeout_beyond_api_gateway" {
  command = plan

  variables {
    timeout = 30
  }

  expect_failures = [var.timeout]
}

run "rejects_too_little_memory" {
  command = plan

  variables {
    memory_size = 64
  }

  expect_failures = [var.memory_size]
}

run "rejects_a_missing_package" {
  command = plan

  variables {
    package_path = "tests/fixtures/absent.zip"
  }

  expect_failures = [var.package_path]
}

run "rejects_a_package_that_is_not_a_zip" {
  command = plan

  variables {
    package_path = "tests/function.tftest.hcl"
  }

  expect_failures = [var.package_path]
}

run "rejects_a_fractional_timeout" {
  command = plan

  variables {
    timeout = 2.5
  }

  expect_failures = [var.timeout]
}

run "accepts_the_oldest_supported_runtime_on_x86" {
  command = plan

  variables {
    runtime      = "python3.12"
    architecture = "x86_64"
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.architectures == tolist(["x86_64"])
    error_message = "python3.12 and x86_64 are accepted."
  }
}
