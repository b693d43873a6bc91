variable "name" {
  type        = string
  description = "Name of the queue (the dead-letter queue adds -dlq, the rule -object-created)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,49}$", var.name))
    error_message = "name must be 1-49 letters, digits, hyphens or underscores: the rule is named <name>-object-created, and EventBridge rule names end at 64 characters."
  }
}

variable "bucket_name" {
  type        = string
  description = "The upload bucket whose Object Created events are routed."
}

variable "key_prefix" {
  type        = string
  description = "Only objects under this prefix are routed (the upload prefix, ending with '/')."
  nullable    = false

  validation {
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+/)+$", var.key_prefix)) && !can(regex("(^|/)\\.{1,2}/", var.key_prefix))
    error_message = "key_prefix must be one or more path segments, each ending with '/', with no leading '/', and no '.' or '..' segment (clients resolve them away, so no signed URL would match)."
  }
}

variable "target_arn" {
  type        = string
  description = "Deliver to this target (an SQS queue, a Lambda function, an SNS topic, ...) instead of a queue created here; then no queue is created and the target's own policy must admit the rule. null creates the queue and its dead-letter queue."
  default     = null

  validation {
    condition     = var.target_arn == null || can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:", var.target_arn))
    error_message = "target_arn must be an ARN."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for the queues' SSE; null uses SQS-managed SSE. Its key policy must let events.amazonaws.com call kms:GenerateDataKey and kms:Decrypt."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives of a message before SQS moves it to the dead-letter queue."
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "message_retention_seconds" {
  type        = number
  description = "How long the queue keeps a message, 60 to 1209600 seconds (14 days)."
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600."
  }
}

variable "visibility_timeout_seconds" {
  type        = number
  description = "How long a received message stays hidden from other consumers (set it above your consumer's processing time)."
  default     = 60
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
