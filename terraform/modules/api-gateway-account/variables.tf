variable "role_name" {
  type        = string
  description = "Name of the IAM role API Gateway assumes to write logs (one per account; a region suffix lets each region have its own)."
  default     = "apigateway-cloudwatch-logs"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1 to 64 characters of letters, digits and +=,.@_- (IAM's rule)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for the role."
  default     = {}
}
