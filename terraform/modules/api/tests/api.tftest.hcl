mock_provider "aws" {
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Known at plan time so the Lambda permission's scope can be asserted (Terraform 1.11+).
override_resource {
  target          = aws_api_gateway_rest_api.this
  override_during = plan
  values = {
    id               = "abc123"
    execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
    root_resource_id = "root"
  }
}

variables {
  name                = "uploads"
  routes              = ["/uploads", "/upload-url"]
  function_name       = "uploads-signer"
  function_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:uploads-signer/invocations"
}

run "one_any_method_per_route_proxied_to_the_function" {
  command = plan

  assert {
    condition     = toset(keys(aws_api_gateway_method.this)) == toset(["/uploads", "/upload-url"])
    error_message = "Every route gets a method."
  }

  assert {
    condition     = alltrue([for method in aws_api_gateway_method.this : method.http_method == "ANY" && method.authorization == "NONE"])
    error_message = "Each route has one ANY method; the function answers 405 and preflight."
  }

  assert {
    condition = alltrue([
      for integration in aws_api_gateway_integration.this :
      integration.type == "AWS_PROXY" && integration.integration_http_method == "POST" && integration.uri == var.function_invoke_arn
    ])
    error_message = "Every integration is a Lambda proxy to the function."
  }

  assert {
    condition     = one(aws_api_gateway_rest_api.this.endpoint_configuration).types == tolist(["REGIONAL"])
    error_message = "The API is regional."
  }

  assert {
    condition     = aws_api_gateway_stage.this.stage_name == "v1"
    error_message = "The stage defaults to v1."
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).throttling_rate_limit == 50 && one(aws_api_gateway_method_settings.all.settings).throttling_burst_limit == 100
    error_message = "The stage is throttled by default."
  }

  assert {
    condition     = aws_lambda_permission.this.source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/*/*" && aws_lambda_permission.this.principal == "apigateway.amazonaws.com"
    error_message = "Only this API may invoke the function."
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.access) == 0 && length(aws_api_gateway_stage.this.access_log_settings) == 0
    error_message = "Access logging is off by default: it needs the account's API Gateway CloudWatch role, which a fresh account lacks."
  }
}

run "nested_routes_create_their_parents" {
  command = plan

  variables {
    routes = ["/uploads", "/uploads/multipart/{upload_id}/parts"]
  }

  assert {
    condition     = toset(keys(aws_api_gateway_resource.depth1)) == toset(["/uploads"]) && toset(keys(aws_api_gateway_resource.depth2)) == toset(["/uploads/multipart"])
    error_message = "Parents of a nested route are created at their depth."
  }

  assert {
    condition     = aws_api_gateway_resource.depth3["/uploads/multipart/{upload_id}"].path_part == "{upload_id}" && aws_api_gateway_resource.depth4["/uploads/multipart/{upload_id}/parts"].path_part == "parts"
    error_message = "Path parts are the last segment of each path."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_method.this)) == toset(["/uploads", "/uploads/multipart/{upload_id}/parts"])
    error_message = "Only routes get methods, not their parents."
  }
}

run "no_account_wide_setting_in_a_stack" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_log_group.execution) == 0 && one(aws_api_gateway_method_settings.all.settings).logging_level == "OFF"
    error_message = "Execution logging is off by default, as access logs are: a fresh account can apply the module."
  }
}

run "rejects_a_route_without_a_leading_slash" {
  command = plan

  variables {
    routes = ["uploads"]
  }

  expect_failures = [var.routes]
}

run "rejects_a_route_deeper_than_four" {
  command = plan

  variables {
    routes = ["/a/b/c/d/e"]
  }

  expect_failures = [var.routes]
}

run "rejects_a_bad_stage_name" {
  command = plan

  variables {
    stage_name = "v 1"
  }

  expect_failures = [var.stage_name]
}

run "rejects_a_zero_burst" {
  command = plan

  variables {
    throttling_burst_limit = 0
  }

  expect_failures = [var.throttling_burst_limit]
}

run "cognito_guards_every_method_but_the_preflight" {
  command = plan

  variables {
    cognito_user_pool_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"]
    api_keys_enabled       = true
  }

  assert {
    condition     = alltrue([for method in aws_api_gateway_method.this : method.authorization == "COGNITO_USER_POOLS" && method.api_key_required])
    error_message = "Every ANY method needs the ID token and the API key."
  }

  assert {
    condition     = alltrue([for method in aws_api_gateway_method.preflight : method.http_method == "OPTIONS" && method.authorization == "NONE" && method.api_key_required != true])
    error_message = "The CORS preflight carries no credentials and must stay open."
  }

  assert {
    condition     = aws_api_gateway_authorizer.this[0].type == "COGNITO_USER_POOLS" && aws_api_gateway_authorizer.this[0].identity_source == "method.request.header.Authorization"
    error_message = "The authorizer reads the ID token from the Authorization header."
  }

  assert {
    condition     = length(aws_api_gateway_usage_plan_key.this) == 1 && one(aws_api_gateway_usage_plan.this[0].quota_settings).period == "DAY"
    error_message = "API keys come with a usage plan bound to the stage."
  }
}

run "rejects_a_pool_that_is_not_a_pool" {
  command = plan

  variables {
    cognito_user_pool_arns = ["arn:aws:iam::123456789012:role/x"]
  }

  expect_failures = [var.cognito_user_pool_arns]
}

run "gateway_errors_carry_cors_for_the_one_allowed_origin" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com"]
  }

  assert {
    condition     = toset(keys(aws_api_gateway_gateway_response.cors)) == toset(["DEFAULT_4XX", "DEFAULT_5XX"])
    error_message = "API Gateway's own 4xx and 5xx answers (401, 403, 429, ...) carry CORS headers."
  }

  assert {
    condition = alltrue([
      for response in aws_api_gateway_gateway_response.cors : response.response_parameters == tomap({
        "gatewayresponse.header.Access-Control-Allow-Origin" = "'https://app.example.com'"
        "gatewayresponse.header.Vary"                        = "'Origin'"
      })
    ])
    error_message = "With one allowed origin the gateway's errors name it statically, with Vary: Origin."
  }
}

run "gateway_errors_echo_the_origin_when_several_are_allowed" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com", "http://localhost:3000"]
  }

  assert {
    condition = alltrue([
      for response in aws_api_gateway_gateway_response.cors :
      response.response_parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == "method.request.header.Origin" &&
      response.response_parameters["gatewayresponse.header.Vary"] == "'Origin'" &&
      !contains(keys(response.response_parameters), "gatewayresponse.header.Access-Control-Allow-Credentials")
    ])
    error_message = "With several origins the gateway's errors echo Origin (they hold no data), vary on it, and never allow credentials."
  }
}

run "no_gateway_cors_without_origins" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_gateway_response.cors) == 0
    error_message = "Without allowed origins no gateway response is customised."
  }
}

run "access_logs_name_the_caller_the_key_and_the_authorizer_error" {
  command = plan

  variables {
    access_logs_enabled = true
  }

  assert {
    condition = alltrue([
      jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).sub == "$context.authorizer.claims.sub",
      jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).apiKeyId == "$context.identity.apiKeyId",
      jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).authorizerError == "$context.authorizer.error",
      jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).requestId == "$context.requestId",
    ])
    error_message = "Each access log line names the caller's sub, the API key id and the authorizer's error."
  }
}

run "execution_logs_errors_never_traces_data_and_never_caches" {
  command = plan

  variables {
    access_logs_enabled     = true
    execution_logging_level = "ERROR"
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).logging_level == "ERROR" && one(aws_api_gateway_method_settings.all.settings).data_trace_enabled == false
    error_message = "Execution logging at ERROR; data tracing (which would log signed URLs) is off."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].name == "API-Gateway-Execution-Logs_abc123/v1" && aws_cloudwatch_log_group.execution[0].retention_in_days == 30
    error_message = "The execution log group API Gateway writes to is the module's, with a retention."
  }

  assert {
    condition     = aws_api_gateway_stage.this.cache_cluster_enabled == false && one(aws_api_gateway_method_settings.all.settings).caching_enabled == false
    error_message = "No cache: the API answers with per-user signed URLs."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 0
    error_message = "No WAF association unless a web ACL is given."
  }
}

run "execution_logging_off_and_a_waf_when_asked" {
  command = plan

  variables {
    execution_logging_level = "OFF"
    waf_web_acl_arn         = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/uploads/a1b2c3d4-5678-90ab-cdef-111122223333"
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).logging_level == "OFF"
    error_message = "execution_logging_level = OFF turns execution logging off."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this[0].web_acl_arn == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/uploads/a1b2c3d4-5678-90ab-cdef-111122223333"
    error_message = "A given web ACL is associated with the stage."
  }
}

run "rejects_an_unknown_logging_level" {
  command = plan

  variables {
    execution_logging_level = "DEBUG"
  }

  expect_failures = [var.execution_logging_level]
}

run "rejects_a_global_web_acl" {
  command = plan

  variables {
    waf_web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/uploads/a1b2c3d4-5678-90ab-cdef-111122223333"
  }

  expect_failures = [var.waf_web_acl_arn]
}

run "rejects_a_wildcard_origin" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "the_authorizer_and_gateway_responses_redeploy_the_stage" {
  command = plan

  variables {
    cognito_user_pool_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"]
    allowed_origins        = ["https://app.example.com"]
  }

  assert {
    condition     = strcontains(aws_api_gateway_deployment.this.triggers.authorizer, "eu-west-1_AbCdEf123") && strcontains(aws_api_gateway_deployment.this.triggers.authorizer, "method.request.header.Authorization")
    error_message = "A change to the authorizer's user pools or identity source triggers a new deployment."
  }

  assert {
    condition     = strcontains(aws_api_gateway_deployment.this.triggers.gateway_responses, "https://app.example.com") && strcontains(aws_api_gateway_deployment.this.triggers.gateway_responses, "DEFAULT_4XX")
    error_message = "A change to the gateway responses' CORS headers triggers a new deployment."
  }
}
