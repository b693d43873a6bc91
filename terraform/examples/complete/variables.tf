variable "region" {
  type        = string
  description = "AWS region to deploy to."
  default     = "eu-west-1"
}

variable "name" {
  type        = string
  description = "Prefix for every resource's name."
  default     = "presigned-uploads"
}

variable "bucket_name" {
  type        = string
  description = "Globally unique name of the upload bucket."
}

variable "package_path" {
  type        = string
  description = "The deployment zip built by `make package`."
  default     = "../../../build/lambda.zip"
}

variable "allowed_origins" {
  type        = list(string)
  description = "Origins of the web apps that upload, e.g. [\"https://app.example.com\"]."
}

variable "allowed_content_types" {
  type        = list(string)
  description = "Media types clients may upload."
  default     = ["image/png", "image/jpeg", "image/webp", "application/pdf"]
}

variable "max_upload_size_bytes" {
  type        = number
  description = "Largest upload the API signs."
  default     = 104857600
}

variable "create_api_gateway_account_role" {
  type        = bool
  description = "Create and register the account-wide API Gateway CloudWatch role."
  default     = true
}

variable "enable_downloads" {
  type        = bool
  description = "Serve GET /files/{key} (short-lived download URLs for the caller's own files)."
  default     = false
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Days a destroyed KMS key waits before deletion (7 to 30)."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be from 7 to 30."
  }
}
