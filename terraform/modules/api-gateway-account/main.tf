# The account-level setting that lets API Gateway write CloudWatch logs: one per account and
# region, shared by every REST API there. Apply it once, from its own configuration
# (examples/account-bootstrap), never from a stack: two stacks would fight over it, and a stack's
# destroy would leave every API in the region without logs.

data "aws_partition" "current" {}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "ApiGatewayAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.role_name
  description        = "API Gateway writes execution and access logs of every REST API in this region to CloudWatch Logs"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags

  # Every REST API in the region logs through this role: deleting it silently stops their logs.
  # To retire it, point the account at another role first, then remove this block.
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = aws_iam_role.this.arn

  # API Gateway checks that it can assume the role and write logs when the setting is made.
  depends_on = [aws_iam_role_policy_attachment.this]

  # Destroying it resets the account's logging role in provider 6.x (in 5.x it only leaves the
  # state), so it is guarded as the role is.
  lifecycle {
    prevent_destroy = true
  }
}
