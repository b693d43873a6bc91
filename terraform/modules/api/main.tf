locals {
  # Every prefix of every route is a resource: /a/b/c needs /a and /a/b. API Gateway resources
  # name their parent, so they are created one depth at a time (up to four, as validated).
  route_segments = { for route in var.routes : route => split("/", trimprefix(route, "/")) }
  resource_paths = distinct(flatten([
    for segments in values(local.route_segments) : [
      for depth in range(1, length(segments) + 1) : "/${join("/", slice(segments, 0, depth))}"
    ]
  ]))
  paths_by_depth = {
    for depth in [1, 2, 3, 4] : depth => {
      for path in local.resource_paths : path => {
        parent    = depth == 1 ? "" : join("/", slice(split("/", path), 0, depth))
        path_part = element(split("/", path), depth)
      } if length(split("/", path)) == depth + 1
    }
  }
  resource_ids = merge(
    { for path, resource in aws_api_gateway_resource.depth1 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth2 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth3 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth4 : path => resource.id },
  )
  routes        = toset(var.routes)
  authorization = length(var.cognito_user_pool_arns) > 0 ? "COGNITO_USER_POOLS" : "NONE"

  # CORS on API Gateway's own answers (401, 403, 429, 5xx), so a page sees the status instead of
  # a network error. Access-Control-Allow-Origin holds one origin: with one allowed origin it is
  # that origin; with several a gateway response cannot choose among them, so it echoes the
  # request's Origin. That only ever applies to these error answers, whose body is API Gateway's
  # fixed message ({"message":"Unauthorized"} and the like) and never data; there is no
  # Access-Control-Allow-Credentials, so no cookie-carrying request is let through. Every answer
  # with data comes from the function, which checks Origin against the list.
  gateway_response_cors = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = (
      length(var.allowed_origins) == 1 ? "'${var.allowed_origins[0]}'" : "method.request.header.Origin"
    )
    "gatewayresponse.header.Vary" = "'Origin'"
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "presigned-uploads: signs direct-to-S3 upload URLs"
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "depth1" {
  for_each = local.paths_by_depth[1]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth2" {
  for_each = local.paths_by_depth[2]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth1[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth3" {
  for_each = local.paths_by_depth[3]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth2[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth4" {
  for_each = local.paths_by_depth[4]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth3[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_authorizer" "this" {
  count = local.authorization == "COGNITO_USER_POOLS" ? 1 : 0

  name            = "${var.name}-cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = var.cognito_user_pool_arns
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_gateway_response" "cors" {
  for_each = toset(length(var.allowed_origins) == 0 ? [] : ["DEFAULT_4XX", "DEFAULT_5XX"])

  rest_api_id         = aws_api_gateway_rest_api.this.id
  response_type       = each.key
  response_parameters = local.gateway_response_cors
}

# One ANY method per route: the function answers 405 for a method a route lacks, so API Gateway
# never needs per-method copies. It carries the authorizer and the API key requirement.
resource "aws_api_gateway_method" "this" {
  # checkov:skip=CKV2_AWS_53: the function validates every request body against the OpenAPI contract and answers 400; a gateway validator would duplicate it
  for_each = local.routes

  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = local.resource_ids[each.key]
  http_method      = "ANY"
  authorization    = local.authorization
  authorizer_id    = try(aws_api_gateway_authorizer.this[0].id, null)
  api_key_required = var.api_keys_enabled
}

# The CORS preflight carries no credentials, so it has its own method with no authorizer and no
# key; the function answers it for the allowed origins only.
resource "aws_api_gateway_method" "preflight" {
  # checkov:skip=CKV2_AWS_53: a CORS preflight has no body or parameters to validate
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[each.key]
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "preflight" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.resource_ids[each.key]
  http_method             = aws_api_gateway_method.preflight[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.resource_ids[each.key]
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A new deployment whenever a route, method, integration, the authorizer or a gateway response
  # changes: none of them reaches the stage until it is deployed again. The last two are kept
  # readable (their values are known at plan time), so a plan shows what changed.
  triggers = {
    redeployment = sha1(jsonencode([
      local.resource_ids,
      [for method in aws_api_gateway_method.this : [method.id, method.authorization, method.authorizer_id, method.api_key_required]],
      [for integration in aws_api_gateway_integration.this : [integration.id, integration.uri]],
      [for integration in aws_api_gateway_integration.preflight : [integration.id, integration.uri]],
    ]))
    authorizer = jsonencode([
      for authorizer in aws_api_gateway_authorizer.this : [authorizer.type, authorizer.provider_arns, authorizer.identity_source]
    ])
    gateway_responses = jsonencode({
      for type, response in aws_api_gateway_gateway_response.cors : type => response.response_parameters
    })
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  # checkov:skip=CKV_AWS_158: CloudWatch Logs encrypts every group at rest; access logs hold no URL, signature or token, so a customer key is not needed
  count = var.access_logs_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# Execution logs: the group API Gateway writes to, created here so it has a retention and goes
# with the stack.
resource "aws_cloudwatch_log_group" "execution" {
  # checkov:skip=CKV_AWS_158: CloudWatch Logs encrypts every group at rest; execution logs at ERROR or INFO never hold a URL, signature or token (data tracing stays off)
  count = var.execution_logging_level == "OFF" ? 0 : 1

  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  # checkov:skip=CKV_AWS_120: the API answers with per-user signed URLs; a cache would hand one caller's URL to another
  # checkov:skip=CKV2_AWS_29: a WAF web ACL is optional (waf_web_acl_arn): its rules and cost are the account's choice
  # checkov:skip=CKV2_AWS_77: the web ACL (and its rule groups, Log4j's included) is the caller's; the function is Python, not Java
  # checkov:skip=CKV2_AWS_51: client certificates authenticate API Gateway to an HTTP backend; the only backend is a Lambda proxy
  # checkov:skip=CKV_AWS_73: X-Ray is optional (xray_tracing_enabled): tracing adds cost and no control
  rest_api_id           = aws_api_gateway_rest_api.this.id
  deployment_id         = aws_api_gateway_deployment.this.id
  stage_name            = var.stage_name
  xray_tracing_enabled  = var.xray_tracing_enabled
  cache_cluster_enabled = false
  tags                  = var.tags

  dynamic "access_log_settings" {
    for_each = aws_cloudwatch_log_group.access

    content {
      destination_arn = access_log_settings.value.arn
      format = jsonencode({
        requestId        = "$context.requestId"
        requestTime      = "$context.requestTime"
        ip               = "$context.identity.sourceIp"
        httpMethod       = "$context.httpMethod"
        resourcePath     = "$context.resourcePath"
        status           = "$context.status"
        responseLength   = "$context.responseLength"
        integrationError = "$context.integration.error"
        latencyMs        = "$context.responseLatency"
        sub              = "$context.authorizer.claims.sub"
        apiKeyId         = "$context.identity.apiKeyId"
        authorizerError  = "$context.authorizer.error"
      })
    }
  }

  # API Gateway creates the execution log group itself (no retention, never deleted) unless it
  # exists before the first logged request.
  depends_on = [aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "all" {
  # checkov:skip=CKV_AWS_225: the API answers with per-user signed URLs; a cache would hand one caller's URL to another
  # checkov:skip=CKV_AWS_308: caching is off, so there is no cache to encrypt
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    metrics_enabled        = true
    logging_level          = var.execution_logging_level
    # Data tracing logs whole responses, signed URLs included: never on.
    data_trace_enabled = false
    caching_enabled    = false
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_web_acl_arn == null ? 0 : 1

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = var.waf_web_acl_arn

  # WAF sometimes answers WAFUnavailableEntityException for a stage created moments before; the
  # method settings' update gives the stage that moment.
  depends_on = [aws_api_gateway_method_settings.all]
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowInvokeFromThisApiOnly"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
}

# The account-wide CloudWatch role (aws_api_gateway_account) moved to modules/api-gateway-account,
# applied once per account and region (examples/account-bootstrap). Stacks that created it keep
# it in AWS, untouched, and only forget it: the account's logging must not depend on one stack.
removed {
  from = aws_api_gateway_account.this

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_iam_role_policy_attachment.api_gateway_logs

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_iam_role.api_gateway_logs

  lifecycle {
    destroy = false
  }
}

# API keys for machine clients (CI jobs): one key, bound to this stage through a usage plan.
resource "aws_api_gateway_api_key" "this" {
  count = var.api_keys_enabled ? 1 : 0

  name    = "${var.name}-client"
  enabled = true
  tags    = var.tags
}

resource "aws_api_gateway_usage_plan" "this" {
  count = var.api_keys_enabled ? 1 : 0

  name = "${var.name}-clients"
  tags = var.tags

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.usage_plan.rate_limit
    burst_limit = var.usage_plan.burst_limit
  }

  quota_settings {
    limit  = var.usage_plan.quota_limit
    period = var.usage_plan.quota_period
  }
}

resource "aws_api_gateway_usage_plan_key" "this" {
  count = var.api_keys_enabled ? 1 : 0

  key_id        = aws_api_gateway_api_key.this[0].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[0].id
}
