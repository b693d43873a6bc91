variable "source_bucket_name" {
  type        = string
  description = "The upload bucket whose requests are logged."
}

variable "log_bucket_name" {
  type        = string
  description = "Name of the log bucket created here (ignored with target_bucket)."
  default     = null

  validation {
    condition     = var.log_bucket_name == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.log_bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$|^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\\.mrap|--x-s3|--xa-s3|--op-s3|--table-s3)$", var.log_bucket_name)))
    error_message = "log_bucket_name must follow the S3 naming rules."
  }
}

variable "target_bucket" {
  type        = string
  description = "Deliver the logs to this existing bucket of yours instead of creating one; its policy must admit logging.s3.amazonaws.com for the upload bucket, and it must use SSE-S3."
  default     = null
}

variable "target_prefix" {
  type        = string
  description = "Key prefix of the log objects in the log bucket."
  default     = "s3-access-logs/"
  nullable    = false

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+/)+$", var.target_prefix))
    error_message = "target_prefix must be one or more path segments, each ending with '/'."
  }
}

variable "retention_days" {
  type        = number
  description = "Days a log object is kept in the created log bucket before the lifecycle rule expires it."
  default     = 365
  nullable    = false

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying the created log bucket while it holds logs. Keep false in production: the logs are the audit trail."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
