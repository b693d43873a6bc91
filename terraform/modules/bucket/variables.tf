variable "bucket_name" {
  type        = string
  description = "Name of the private upload bucket."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$|^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\\.mrap|--x-s3|--xa-s3|--op-s3|--table-s3)$", var.bucket_name))
    error_message = "bucket_name must follow the S3 naming rules for general purpose buckets: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, and none of the prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --xa-s3, --op-s3, --table-s3) S3 reserves."
  }
}

variable "allowed_origins" {
  type        = list(string)
  description = "Browser origins allowed to upload to the bucket (CORS), e.g. https://app.example.com."
  nullable    = false

  validation {
    condition     = length(var.allowed_origins) > 0
    error_message = "allowed_origins must list at least one origin."
  }
  validation {
    # https://<lower-case host>[:port], or plain http only on loopback (a local page). Browsers
    # send Origin exactly like this: no path, no trailing slash, and never '*'.
    condition = alltrue([
      for origin in var.allowed_origins :
      can(regex("^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$", origin)) ||
      can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?$", origin))
    ])
    error_message = "Each allowed origin must be https://host[:port] (lower case), or http://127.0.0.1:port or http://localhost:port, with no path, no trailing slash and no '*'."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for SSE-KMS default encryption; null uses SSE-S3 (AES256)."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "enforce_tls" {
  type        = bool
  description = "Deny, in the bucket policy, every request made without TLS or with TLS older than 1.2. Turn off only for a local emulator that serves plain HTTP (moto also skips the policy's Bool condition, so it would deny everything)."
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
  description = "Allow destroying the bucket while it still holds objects. Keep false in production."
  default     = false
  nullable    = false
}

variable "abort_incomplete_multipart_upload_days" {
  type        = number
  description = "Days after which the lifecycle rule aborts incomplete multipart uploads."
  default     = 7
  nullable    = false

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && var.abort_incomplete_multipart_upload_days <= 365 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number from 1 to 365."
  }
}

variable "cors_allowed_headers" {
  type        = list(string)
  description = "Request headers browsers may send with an upload (those the presigned URLs bind)."
  default     = ["content-type", "content-md5", "if-none-match", "x-amz-checksum-sha256", "x-amz-checksum-crc64nvme", "x-amz-sdk-checksum-algorithm"]
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "max_url_expiry_seconds" {
  type        = number
  description = "The longest lifetime of any URL the service signs (uploads and downloads), in seconds. The bucket policy denies requests whose signature is older than this plus 300 s of clock skew (s3:signatureAge)."
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_url_expiry_seconds >= 1 && var.max_url_expiry_seconds <= 604800 && floor(var.max_url_expiry_seconds) == var.max_url_expiry_seconds
    error_message = "max_url_expiry_seconds must be a whole number from 1 to 604800 (SigV4's limit)."
  }
}

variable "allow_post" {
  type        = bool
  description = "Also allow POST in the bucket's CORS rule, for browser form uploads (presigned POST policies). Off: the service signs PUTs only."
  default     = false
  nullable    = false
}

variable "allow_get" {
  type        = bool
  description = "Also allow GET in the bucket's CORS rule, so a page can fetch() a download URL (a link or a navigation needs no CORS)."
  default     = false
  nullable    = false
}

variable "eventbridge_notifications" {
  type        = bool
  description = "Send the bucket's events to EventBridge: needed by completion events and by GuardDuty's malware scan. This module then owns the bucket's notification configuration."
  default     = false
  nullable    = false
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "With versioning, delete a version this many days after it stops being current (a deleted or overwritten upload), and then its delete marker. null keeps every version forever."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days == null || try(var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days, false)
    error_message = "noncurrent_version_expiration_days must be a whole number of days, 1 or more, or null."
  }
}

variable "malware_scan" {
  type = object({
    role_arn   = string
    key_prefix = string
  })
  description = "GuardDuty's malware scan of the uploads under key_prefix, done by role_arn: the bucket policy then refuses reading an object under key_prefix not tagged clean, and any change to object tags, to every other principal. Objects uploaded before the scan was on carry no tag, so they become unreadable to everyone. null: no scan."
  default     = null
}
