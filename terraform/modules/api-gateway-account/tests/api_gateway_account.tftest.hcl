mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws-us-gov"
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
  target          = aws_iam_role.this
  override_during = plan
  values = {
    arn = "arn:aws-us-gov:iam::123456789012:role/apigateway-cloudwatch-logs"
  }
}

run "registers_a_role_that_only_api_gateway_assumes" {
  command = plan

  assert {
    condition     = aws_api_gateway_account.this.cloudwatch_role_arn == "arn:aws-us-gov:iam::123456789012:role/apigateway-cloudwatch-logs"
    error_message = "The account setting names the module's role."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.assume_role.statement).principals == toset([{ type = "Service", identifiers = toset(["apigateway.amazonaws.com"]) }])
    error_message = "Only API Gateway may assume the role."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.this.policy_arn == "arn:aws-us-gov:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    error_message = "The managed logging policy is named in the account's own partition."
  }
}

run "refuses_a_role_name_iam_refuses" {
  command = plan

  variables {
    role_name = "api gateway logs"
  }

  expect_failures = [var.role_name]
}
