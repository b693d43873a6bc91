variable "github_repository" {
  type        = string
  description = "The repository whose workflows may assume the roles, OWNER/REPO, spelled exactly as GitHub does (the sub claim is compared case-sensitively)."

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO, with no wildcard."
  }
}

variable "environment_name" {
  type        = string
  description = "The GitHub environment (protected, with required reviewers) whose jobs may assume the apply role."
  default     = "production"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.environment_name))
    error_message = "environment_name must be 1-255 letters, digits, dots, hyphens or underscores, with no wildcard."
  }
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the account's existing GitHub Actions OIDC provider (an account holds at most one per URL); null creates it (token.actions.githubusercontent.com)."
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or null to create the provider."
  }
}

variable "plan_role_name" {
  type        = string
  description = "Name of the read-only role that pull requests assume to plan."
  default     = "github-presigned-uploads-plan"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.plan_role_name))
    error_message = "plan_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "apply_role_name" {
  type        = string
  description = "Name of the role that jobs of the protected environment assume to apply."
  default     = "github-presigned-uploads-apply"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.apply_role_name))
    error_message = "apply_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "resource_prefix" {
  type        = string
  description = "The stack's name (the root module's name): its roles, function, log groups and KMS alias start with it, and the roles may touch only those."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.resource_prefix))
    error_message = "resource_prefix must be 3-40 lower-case letters, digits and hyphens, starting with a letter (as the root module's name)."
  }
}

variable "bucket_name_prefix" {
  type        = string
  description = "Upload buckets the roles may read (plan) and manage (apply): names starting with this; the bucket's full name scopes them to one bucket. null uses resource_prefix."
  default     = null

  validation {
    condition     = var.bucket_name_prefix == null || can(regex("^[a-z0-9][a-z0-9.-]{2,62}$", var.bucket_name_prefix))
    error_message = "bucket_name_prefix must be at least 3 characters of an S3 bucket name, with no wildcard."
  }
}

variable "state_bucket_name" {
  type        = string
  description = "The S3 bucket holding the Terraform state (the backend's bucket)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be an S3 bucket name."
  }
}

variable "state_key" {
  type        = string
  description = "The backend's key of the state object; the plan role may read it and write only its lock file (<key>.tflock), the apply role also write it."
  default     = "presigned-uploads/terraform.tfstate"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()/-]+$", var.state_key)) && !startswith(var.state_key, "/")
    error_message = "state_key must be an S3 key with no leading '/' and no wildcard."
  }
}

variable "stack_features" {
  type = object({
    events       = optional(bool, false)
    malware_scan = optional(bool, false)
    access_logs  = optional(bool, false)
    waf          = optional(bool, false)
  })
  description = "The stack's opt-in features (the root module's enable_events, enable_malware_scan, access_logging and waf_web_acl_arn): each lets the roles read and apply what it adds. SSE-KMS keys: manage_kms_keys."
  default     = {}
  nullable    = false
}

variable "manage_kms_keys" {
  type        = bool
  description = "The stack creates its own KMS key (as examples/complete does): let the apply role create keys tagged kms_key_tag and manage only keys carrying that tag, and aliases alias/<resource_prefix>*."
  default     = false
  nullable    = false
}

variable "kms_key_tag" {
  type = object({
    key   = string
    value = string
  })
  description = "The tag (in the provider's default_tags) that marks the stack's KMS keys, with manage_kms_keys."
  default     = { key = "project", value = "presigned-uploads" }
  nullable    = false
}

variable "max_session_duration" {
  type        = number
  description = "Longest session of either role, in seconds (3600-43200)."
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be from 3600 to 43200 seconds."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
