variable "name" {
  type        = string
  description = "Name of the REST API (and prefix of its log group)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.name))
    error_message = "name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "routes" {
  type        = list(string)
  description = "Resource paths, each answered by one ANY method proxied to the function (it answers wrong methods with 405 and CORS preflight itself). Up to four segments; {param} segments allowed."
  nullable    = false

  validation {
    condition     = length(var.routes) > 0 && alltrue([for route in var.routes : can(regex("^(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?\\})){1,4}$", route))])
    error_message = "Each route must be a path like /uploads or /uploads/{upload_id}/parts, with one to four segments."
  }
}

variable "function_name" {
  type        = string
  description = "Name of the function the routes invoke."
}

variable "function_invoke_arn" {
  type        = string
  description = "Invoke ARN of the function the routes invoke."
}

variable "stage_name" {
  type        = string
  description = "Name of the deployment stage; it is the first path segment of the API URL."
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second for the whole stage."
  default     = 50
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be above 0 and at most 10000."
  }
}

variable "throttling_burst_limit" {
  type        = number
  description = "Burst of requests allowed above the rate for the whole stage."
  default     = 100
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "access_logs_enabled" {
  type        = bool
  description = "Write JSON access logs to the API's own log group. Off by default: it needs the account-level API Gateway CloudWatch role, which a fresh account lacks; apply examples/account-bootstrap once per account and region, then turn it on."
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the access log group, in days."
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "xray_tracing_enabled" {
  type        = bool
  description = "Trace the stage with AWS X-Ray."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "cognito_user_pool_arns" {
  type        = list(string)
  description = "User pools whose ID tokens the API accepts (a COGNITO_USER_POOLS authorizer on every method but the CORS preflight). Empty: no authorizer."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.cognito_user_pool_arns : can(regex("^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]*:userpool/[A-Za-z0-9_-]+$", arn))])
    error_message = "cognito_user_pool_arns must hold Cognito user pool ARNs."
  }
}

variable "api_keys_enabled" {
  type        = bool
  description = "Require an API key (x-api-key) on every method but the preflight, with a usage plan for machine clients."
  default     = false
  nullable    = false
}

variable "usage_plan" {
  type = object({
    rate_limit   = optional(number, 10)
    burst_limit  = optional(number, 20)
    quota_limit  = optional(number, 10000)
    quota_period = optional(string, "DAY")
  })
  description = "Throttling and quota of the API key's usage plan."
  default     = {}
  nullable    = false

  validation {
    condition     = contains(["DAY", "WEEK", "MONTH"], var.usage_plan.quota_period) && var.usage_plan.rate_limit > 0 && var.usage_plan.burst_limit >= 1 && var.usage_plan.quota_limit >= 1
    error_message = "usage_plan needs positive limits and a quota_period of DAY, WEEK or MONTH."
  }
}

variable "allowed_origins" {
  type        = list(string)
  description = "Browser origins the API serves (CORS). API Gateway's own error answers (401, 403, 429, 5xx) carry Access-Control-Allow-Origin for them: the origin itself when there is one, else the request's Origin echoed (those answers hold no data). Empty: no CORS on gateway answers."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for origin in var.allowed_origins : origin != "*" && !strcontains(origin, "'")])
    error_message = "allowed_origins must list explicit origins, never '*'."
  }
}

variable "execution_logging_level" {
  type        = string
  description = "API Gateway execution logging for every method: OFF, ERROR or INFO (data tracing, which would log signed URLs, is always off). OFF by default: like access logs it needs the account-level API Gateway CloudWatch role (examples/account-bootstrap)."
  default     = "OFF"
  nullable    = false

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "waf_web_acl_arn" {
  type        = string
  description = "ARN of a regional WAFv2 web ACL to associate with the stage; null associates none."
  default     = null

  validation {
    condition     = var.waf_web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[a-f0-9-]+$", var.waf_web_acl_arn))
    error_message = "waf_web_acl_arn must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)."
  }
}
