resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158: CloudWatch Logs encrypts every group at rest; the function never logs a URL, signature or token, so a customer key is not needed
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116: API Gateway invokes it synchronously; a dead-letter queue only catches asynchronous invocations
  # checkov:skip=CKV_AWS_117: it calls nothing in a VPC (signing is local; S3 is reached through its public endpoint), so a VPC would add NAT cost and no control
  # checkov:skip=CKV_AWS_173: the environment holds configuration, no secret; Lambda encrypts it at rest with an AWS managed key
  # checkov:skip=CKV_AWS_50: X-Ray tracing is a diagnostic with a cost, not a control; the API stage offers it (xray_tracing_enabled)
  # checkov:skip=CKV_AWS_272: the zip is built reproducibly in CI and its hash pinned by source_code_hash; code signing needs a signer profile the account owns
  function_name    = var.function_name
  role             = var.role_arn
  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  tags             = var.tags

  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = var.environment
  }

  # Naming the log group's attribute (not just its name) makes Terraform create the group, with
  # its retention, before the function, so Lambda never creates a never-expiring one itself.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }
}
