variable "role_name" {
  type        = string
  description = "Name of the function's execution role."

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the upload bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN."
  }
}

variable "key_prefix" {
  type        = string
  description = "The only key prefix the role may write under, ending with '/'."

  validation {
    # No '*' or '?': the prefix becomes the IAM resource <bucket>/<prefix>*, where they are wildcards.
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+/)+$", var.key_prefix)) && !can(regex("(^|/)\\.{1,2}/", var.key_prefix))
    error_message = "key_prefix must be one or more path segments, each ending with '/', with no leading '/', no '*' or '?', and no '.' or '..' segment (clients resolve them away, so no signed URL would match)."
  }
}

variable "log_group_arn" {
  type        = string
  description = "ARN of the function's own log group (without the trailing ':*')."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+$", var.log_group_arn))
    error_message = "log_group_arn must be a CloudWatch Logs log group ARN without ':*'."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "The bucket's SSE-KMS key, if any: uploads signed by the role need kms:GenerateDataKey on it, and multipart uploads kms:Decrypt."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "allow_downloads" {
  type        = bool
  description = "Grant s3:GetObject under the prefix, for the opt-in download URLs."
  default     = false
  nullable    = false
}

variable "allow_get_object_version" {
  type        = bool
  description = "Grant s3:GetObjectVersion under the prefix: with downloads and a malware scan, a download is signed for the version that was scanned (and its type read from that version)."
  default     = false
  nullable    = false
}

variable "allow_get_object_tagging" {
  type        = bool
  description = "Grant s3:GetObjectTagging under the prefix, to read a malware scan's status tag."
  default     = false
  nullable    = false
}
