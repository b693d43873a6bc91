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

variable "api_gateway_logging" {
  type        = bool
  description = "Access logs and execution logging (ERROR) for the API stage. They need the account's API Gateway CloudWatch role: apply examples/account-bootstrap once per account and region first."
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

variable "enable_legacy_route" {
  type        = bool
  description = "Serve the seed's GET /upload-url, which signs a URL binding no size, type or checksum. Keep it off in production."
  default     = false
}

variable "enable_form_uploads" {
  type        = bool
  description = "Serve POST /uploads/form (a signed POST policy for plain HTML forms)."
  default     = false
}

variable "allow_browser_s3_requests" {
  type        = bool
  description = "Let browsers send the S3 requests POST /signed-requests signs (Uppy 6): the bucket's CORS also allows POST, GET and DELETE."
  default     = false
}

variable "enable_events" {
  type        = bool
  description = "Send one message per completed upload to an SQS queue through EventBridge."
  default     = false
}

variable "enable_malware_scan" {
  type        = bool
  description = "Scan each upload with GuardDuty Malware Protection for S3; downloads then serve only clean files."
  default     = false
}

variable "allow_password_auth" {
  type        = bool
  description = "Let the app client sign in with USER_PASSWORD_AUTH as well as SRP. Off: the password never leaves the client."
  default     = false
}

variable "user_pool_deletion_protection" {
  type        = bool
  description = "Cognito refuses to delete the user pool while this is on; turn it off and apply before a destroy."
  default     = true
}

variable "force_destroy" {
  type        = bool
  description = "Let a destroy delete the bucket (and its log bucket) with every object and version in it; turn it on and apply before a destroy."
  default     = false
}
