variable "region" {
  type        = string
  description = "AWS region (moto accepts any)."
  default     = "us-east-1"
}

variable "bucket_name" {
  type        = string
  description = "Name of the upload bucket."
  default     = "presigned-uploads-local"
}

variable "package_path" {
  type        = string
  description = "The deployment zip built by `make package`."
  default     = "../../../build/lambda.zip"
}

variable "allowed_origins" {
  type        = list(string)
  description = "Origins the API and the bucket allow; the local stack adds the uploader page's own."
  default     = ["http://127.0.0.1:8080"]
}

variable "allowed_content_types" {
  type        = list(string)
  description = "Media types the demo accepts."
  default     = ["image/*", "text/plain", "application/pdf", "application/octet-stream", "video/mp4"]
}
