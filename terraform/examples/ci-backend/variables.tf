variable "region" {
  type        = string
  description = "AWS region to deploy to."
  default     = "eu-west-1"
}

variable "name" {
  type        = string
  description = "Prefix for every resource's name; the apply role may touch only resources named after it."
  default     = "presigned-uploads"
}

variable "bucket_name" {
  type        = string
  description = "Globally unique name of the upload bucket."
}

variable "create_bucket" {
  type        = bool
  description = "Create the upload bucket; false uses your existing bucket_name as it is."
  default     = true
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

variable "api_gateway_logging" {
  type        = bool
  description = "Access logs and execution logging (ERROR) for the API stage. They need the account's API Gateway CloudWatch role: apply examples/account-bootstrap once per account and region first."
  default     = true
}

variable "github_repository" {
  type        = string
  description = "The repository whose workflows plan and apply, OWNER/REPO."
}

variable "environment_name" {
  type        = string
  description = "The protected GitHub environment whose jobs apply."
  default     = "production"
}

variable "oidc_provider_arn" {
  type        = string
  description = "The account's existing GitHub Actions OIDC provider; null creates it."
  default     = null
}

variable "state_bucket_name" {
  type        = string
  description = "The backend's state bucket (the same as in backend.hcl)."
}

variable "state_key" {
  type        = string
  description = "The backend's state key (the same as in backend.hcl)."
  default     = "presigned-uploads/terraform.tfstate"
}

variable "enable_events" {
  type        = bool
  description = "One message per completed upload, on an SQS queue (the pipeline's roles may then manage the queues and the rule)."
  default     = false
}

variable "enable_malware_scan" {
  type        = bool
  description = "Scan each upload with GuardDuty Malware Protection for S3 (the pipeline's roles may then manage the plan)."
  default     = false
}
