variable "name" {
  type        = string
  description = "Name of the user pool and its app client."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.name))
    error_message = "name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "allow_self_signup" {
  type        = bool
  description = "Let anyone create an account from the app. Off: only administrators create users."
  default     = false
  nullable    = false
}

variable "password_minimum_length" {
  type        = number
  description = "Minimum password length (upper, lower, digit and symbol are always required)."
  default     = 12
  nullable    = false

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be between 8 and 99."
  }
}

variable "id_token_validity_minutes" {
  type        = number
  description = "Lifetime of ID and access tokens, in minutes."
  default     = 60
  nullable    = false

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "id_token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  type        = number
  description = "Lifetime of refresh tokens, in days."
  default     = 30
  nullable    = false

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "refresh_token_validity_days must be between 1 and 3650."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the user pool (and with it every account) until this is turned off. Keep true outside throwaway stacks: destroying the stack then needs it set false and applied first."
  default     = true
  nullable    = false
}

variable "mfa_configuration" {
  type        = string
  description = "Multi-factor sign-in with TOTP (an authenticator app): OFF, OPTIONAL (each user may enrol) or ON (every user must)."
  default     = "OFF"
  nullable    = false

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "threat_protection" {
  type        = string
  description = "Cognito threat protection (advanced security): OFF, AUDIT (log risky sign-ins) or ENFORCED (block them, and compromised credentials). Anything but OFF puts the pool on the Plus feature plan, which is billed per active user."
  default     = "OFF"
  nullable    = false

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.threat_protection)
    error_message = "threat_protection must be OFF, AUDIT or ENFORCED."
  }
}

variable "allow_password_auth" {
  type        = bool
  description = "Let the app client sign in with USER_PASSWORD_AUTH (the password is sent to Cognito as is, over TLS). Off: SRP only, where the password never leaves the client. The local demo turns it on."
  default     = false
  nullable    = false
}
