variable "name" {
  type        = string
  description = "Prefix for every resource's name (function, role, API)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name" {
  type        = string
  description = "Name of the private upload bucket (S3 naming rules)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must follow the S3 naming rules: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "package_path" {
  type        = string
  description = "Path of the deployment zip built by `make package` (build/lambda.zip)."
}

variable "allowed_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API and to PUT to the bucket (CORS), e.g. [\"https://app.example.com\"]."
  nullable    = false

  validation {
    condition     = length(var.allowed_origins) > 0
    error_message = "allowed_origins must list at least one origin: CORS is explicit, never '*'."
  }
  validation {
    condition     = alltrue([for origin in var.allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "Each allowed origin must be scheme://host[:port] with no path, no trailing slash and no '*'."
  }
}

variable "allowed_content_types" {
  type        = list(string)
  description = "Media types clients may upload; 'type/*' allows a whole family. Anything else is refused with 415."
  nullable    = false

  validation {
    condition     = length(var.allowed_content_types) > 0 && alltrue([for type in var.allowed_content_types : can(regex("^[a-z0-9][a-z0-9!#$&^_.+-]*/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$", type))])
    error_message = "allowed_content_types must list at least one lower-case media type such as image/png or image/*."
  }
}

variable "key_prefix" {
  type        = string
  description = "Where uploads land in the bucket; the function's role can write only under it."
  default     = "uploads/"
  nullable    = false

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.*'()-]+/)+$", var.key_prefix))
    error_message = "key_prefix must be one or more path segments each ending with '/', with no leading '/'."
  }
}

variable "url_expiry_seconds" {
  type        = number
  description = "Lifetime of a presigned URL. Capped at one hour: a leaked URL should die young (SigV4 itself allows seven days)."
  default     = 300
  nullable    = false

  validation {
    condition     = var.url_expiry_seconds >= 1 && var.url_expiry_seconds <= 3600 && floor(var.url_expiry_seconds) == var.url_expiry_seconds
    error_message = "url_expiry_seconds must be a whole number from 1 to 3600."
  }
}

variable "max_upload_size_bytes" {
  type        = number
  description = "Largest upload the API signs; a single PUT stores at most 5 GiB."
  default     = 5368709120
  nullable    = false

  validation {
    condition     = var.max_upload_size_bytes >= 1 && var.max_upload_size_bytes <= 5368709120 && floor(var.max_upload_size_bytes) == var.max_upload_size_bytes
    error_message = "max_upload_size_bytes must be a whole number from 1 to 5368709120 (5 GiB)."
  }
}

variable "enable_legacy_route" {
  type        = bool
  description = "Serve the seed's GET /upload-url, whose URL binds no size, type or checksum. Off unless you need the original curl flow."
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for SSE-KMS default encryption; null uses SSE-S3."
  default     = null
}

variable "enforce_tls" {
  type        = bool
  description = "Deny every bucket request made without TLS (a bucket policy). Keep true; the local moto example turns it off because moto serves plain HTTP and ignores policy conditions."
  default     = true
  nullable    = false
}

variable "versioning_enabled" {
  type        = bool
  description = "Keep every version of an object."
  default     = false
  nullable    = false
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying the bucket while it holds objects. Keep false in production."
  default     = false
  nullable    = false
}

variable "abort_incomplete_multipart_upload_days" {
  type        = number
  description = "Days after which incomplete multipart uploads are aborted by the lifecycle rule."
  default     = 7
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's and the API's log groups, in days."
  default     = 30
  nullable    = false
}

variable "lambda_runtime" {
  type        = string
  description = "Python runtime of the function (python3.12 or newer)."
  default     = "python3.13"
  nullable    = false
}

variable "lambda_architecture" {
  type        = string
  description = "Instruction set of the function: arm64 or x86_64."
  default     = "arm64"
  nullable    = false
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of the function in MB."
  default     = 256
  nullable    = false
}

variable "lambda_timeout" {
  type        = number
  description = "Timeout of the function in seconds."
  default     = 10
  nullable    = false
}

variable "stage_name" {
  type        = string
  description = "API stage name, the first segment of the API URL's path."
  default     = "v1"
  nullable    = false
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second for the API stage."
  default     = 50
  nullable    = false
}

variable "throttling_burst_limit" {
  type        = number
  description = "Burst of requests above the rate for the API stage."
  default     = 100
  nullable    = false
}

variable "access_logs_enabled" {
  type        = bool
  description = "Write JSON access logs for the API stage (needs the account-level API Gateway CloudWatch role)."
  default     = true
  nullable    = false
}

variable "create_api_gateway_account_role" {
  type        = bool
  description = "Create and register the account-wide API Gateway CloudWatch role (once per account and region)."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
