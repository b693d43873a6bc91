variable "function_name" {
  type        = string
  description = "Name of the Lambda function (its log group is /aws/lambda/<name>)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "package_path" {
  type        = string
  description = "Path of the deployment zip built by `nox -s package` (build/lambda.zip)."

  validation {
    condition     = endswith(var.package_path, ".zip") && fileexists(var.package_path)
    error_message = "package_path must name an existing .zip: build it first with `nox -s package` (it writes build/lambda.zip)."
  }
}

variable "role_arn" {
  type        = string
  description = "ARN of the execution role."
}

variable "handler" {
  type        = string
  description = "The function's entry point."
  default     = "upload_api.handler.lambda_handler"
  nullable    = false
}

variable "runtime" {
  type        = string
  description = "Python runtime; 3.12 or newer."
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = can(regex("^python3\\.(1[2-9]|[2-9][0-9])$", var.runtime))
    error_message = "runtime must be python3.12 or newer (the runtimes the handler is tested on)."
  }
}

variable "architecture" {
  type        = string
  description = "Instruction set: arm64 (cheaper per GB-second) or x86_64."
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  type        = number
  description = "Memory in MB (CPU scales with it)."
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  type        = number
  description = "Timeout in seconds; API Gateway gives up after 29 s anyway."
  default     = 10
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 29 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 29 (API Gateway's integration limit)."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of the function (its configuration)."
  default     = {}
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's log group, in days."
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "log_level" {
  type        = string
  description = "Application log level for Lambda's native JSON logs."
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "reserved_concurrent_executions" {
  type        = number
  description = "Concurrent executions reserved for (and the most allowed to) the function; -1 leaves it unreserved, bounded by the account's pool and the API's throttling. 0 stops every invocation. Lambda keeps 100 of the account's executions unreserved (all 10 of a new account's), so a reservation fails in a new account."
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number from 0."
  }
}
