variable "name" {
  type        = string
  description = "Prefix for every resource's name (function, role, API)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name" {
  type        = string
  description = "Name of the private upload bucket (S3 naming rules)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$|^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\\.mrap|--x-s3|--xa-s3|--op-s3|--table-s3)$", var.bucket_name))
    error_message = "bucket_name must follow the S3 naming rules for general purpose buckets: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address, and none of the prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap, --x-s3, --xa-s3, --op-s3, --table-s3) S3 reserves."
  }
}

variable "create_bucket" {
  type        = bool
  description = "Create the upload bucket. false: use your existing bucket named bucket_name, scope the role and the function to it, and leave its settings alone (it needs CORS for allowed_origins, Block Public Access, default encryption and a lifecycle rule aborting incomplete multipart uploads). kms_key_arn then only grants the role your bucket's key; enforce_tls, versioning_enabled, force_destroy and abort_incomplete_multipart_upload_days apply only to a created bucket."
  default     = true
  nullable    = false
}

variable "package_path" {
  type        = string
  description = "Path of the deployment zip built by `make package` (build/lambda.zip)."
}

variable "allowed_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API and to PUT to the bucket (CORS), e.g. [\"https://app.example.com\"]."
  nullable    = false

  validation {
    condition     = length(var.allowed_origins) > 0
    error_message = "allowed_origins must list at least one origin: CORS is explicit, never '*'."
  }
  validation {
    # https://<lower-case host>[:port], or plain http only on loopback (a local page). Browsers
    # send Origin exactly like this: no path, no trailing slash, and never '*'.
    condition = alltrue([
      for origin in var.allowed_origins :
      can(regex("^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$", origin)) ||
      can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?$", origin))
    ]) && !anytrue([for origin in var.allowed_origins : can(regex("^(https://.*:443|http://.*:80)$", origin))])
    error_message = "Each allowed origin must be https://host[:port] (lower case), or http://127.0.0.1:port or http://localhost:port, with no path, no trailing slash, no '*' and no default port (:443, :80: browsers leave it out of Origin)."
  }
}

variable "allowed_content_types" {
  type        = list(string)
  description = "Media types clients may upload; 'type/*' allows a whole family. Anything else is refused with 415."
  nullable    = false

  validation {
    condition     = length(var.allowed_content_types) > 0 && alltrue([for type in var.allowed_content_types : can(regex("^[a-z0-9][a-z0-9!#$&^_.+-]*/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$", type))])
    error_message = "allowed_content_types must list at least one lower-case media type such as image/png or image/*."
  }
}

variable "key_prefix" {
  type        = string
  description = "Where uploads land in the bucket; the function's role can write only under it."
  default     = "uploads/"
  nullable    = false

  validation {
    # No '*' or '?': the prefix becomes the role's IAM resource <bucket>/<prefix>*, where they are wildcards.
    condition     = can(regex("^([A-Za-z0-9!_.'()-]+/)+$", var.key_prefix)) && !can(regex("(^|/)\\.{1,2}/", var.key_prefix))
    error_message = "key_prefix must be one or more path segments each ending with '/', with no leading '/', no '*' or '?', and no '.' or '..' segment (clients resolve them away, so no signed URL would match)."
  }
}

variable "url_expiry_seconds" {
  type        = number
  description = "Lifetime of a presigned URL in seconds, 1-3600. SigV4 allows up to 604800 (7 days), but we cap at one hour: a leaked URL should die young, and a URL signed with the function's temporary role credentials dies with them anyway, so a longer expires_at would be a promise the URL cannot keep."
  default     = 300
  nullable    = false

  validation {
    condition     = var.url_expiry_seconds >= 1 && var.url_expiry_seconds <= 3600 && floor(var.url_expiry_seconds) == var.url_expiry_seconds
    error_message = "url_expiry_seconds must be a whole number from 1 to 3600."
  }
}

variable "max_upload_size_bytes" {
  type        = number
  description = "Largest upload the API signs; a single PUT stores at most 5 GiB."
  default     = 5368709120
  nullable    = false

  validation {
    condition     = var.max_upload_size_bytes >= 1 && var.max_upload_size_bytes <= 5368709120 && floor(var.max_upload_size_bytes) == var.max_upload_size_bytes
    error_message = "max_upload_size_bytes must be a whole number from 1 to 5368709120 (5 GiB)."
  }
}

variable "max_multipart_upload_size_bytes" {
  type        = number
  description = "Largest multipart upload the API starts; S3's limit is 10 000 parts of 5 GiB (48.8 TiB). With enable_malware_scan it is capped at 100 GB, the largest object GuardDuty scans."
  default     = 1099511627776
  nullable    = false

  validation {
    condition     = var.max_multipart_upload_size_bytes >= 1 && var.max_multipart_upload_size_bytes <= 53687091200000 && floor(var.max_multipart_upload_size_bytes) == var.max_multipart_upload_size_bytes
    error_message = "max_multipart_upload_size_bytes must be a whole number from 1 to 53687091200000 (10 000 parts of 5 GiB)."
  }
}

variable "enable_legacy_route" {
  type        = bool
  description = "Serve the seed's GET /upload-url, whose URL binds no size, type or checksum. Off unless you need the original curl flow."
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key for SSE-KMS default encryption; null uses SSE-S3."
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "enforce_tls" {
  type        = bool
  description = "Deny every bucket request made without TLS (a bucket policy). Keep true; the local moto example turns it off because moto serves plain HTTP and skips the policy's Bool condition, so it would deny every upload."
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
  description = "Allow destroying the bucket while it holds objects. Keep false in production."
  default     = false
  nullable    = false
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "With versioning_enabled, delete a version this many days after it stops being current (a deleted or overwritten upload), then its delete marker. null keeps every version forever."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days == null || try(var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days, false)
    error_message = "noncurrent_version_expiration_days must be a whole number of days, 1 or more, or null."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  type        = number
  description = "Days after which incomplete multipart uploads are aborted by the lifecycle rule."
  default     = 7
  nullable    = false

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && var.abort_incomplete_multipart_upload_days <= 365 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number from 1 to 365."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's and the API's log groups, in days."
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "lambda_runtime" {
  type        = string
  description = "Python runtime of the function (python3.12 or newer)."
  default     = "python3.13"
  nullable    = false

  validation {
    condition     = can(regex("^python3\\.(1[2-9]|[2-9][0-9])$", var.lambda_runtime))
    error_message = "lambda_runtime must be python3.12 or newer (the runtimes the handler is tested on)."
  }
}

variable "lambda_architecture" {
  type        = string
  description = "Instruction set of the function: arm64 or x86_64."
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_size" {
  type        = number
  description = "Memory of the function in MB."
  default     = 256
  nullable    = false

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout" {
  type        = number
  description = "Timeout of the function in seconds. Completing a very large multipart upload can take S3 longer; the client's retry of the completion is answered from S3's listing, so it recovers."
  default     = 10
  nullable    = false

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 29 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds from 1 to 29 (API Gateway's integration limit)."
  }
}

variable "lambda_reserved_concurrent_executions" {
  type        = number
  description = "Concurrent executions reserved for (and the most allowed to) the function; -1 leaves it unreserved. Lambda keeps 100 of the account's executions unreserved (all 10 of a new account's), so a reservation fails in a new account and above the limit minus 100 in others: see `aws lambda get-account-settings`."
  default     = -1
  nullable    = false
}

variable "stage_name" {
  type        = string
  description = "API stage name, the first segment of the API URL's path."
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second for the API stage."
  default     = 50
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be above 0 and at most 10000."
  }
}

variable "throttling_burst_limit" {
  type        = number
  description = "Burst of requests above the rate for the API stage."
  default     = 100
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "access_logs_enabled" {
  type        = bool
  description = "Write JSON access logs for the API stage. Off by default: it needs the account-level API Gateway CloudWatch role, which a fresh account lacks; apply examples/account-bootstrap once per account and region, then turn it on."
  default     = false
  nullable    = false
}

variable "execution_logging_level" {
  type        = string
  description = "API Gateway execution logging: OFF, ERROR or INFO (data tracing, which would log signed URLs, is always off). Like access logs it needs the account-level API Gateway CloudWatch role, so anything but OFF needs access_logs_enabled. OFF by default, as access logs are."
  default     = "OFF"
  nullable    = false

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
  validation {
    condition     = var.execution_logging_level == "OFF" || var.access_logs_enabled
    error_message = "Execution logging needs the account-level API Gateway CloudWatch role, as access logs do: with access_logs_enabled = false set execution_logging_level = \"OFF\"."
  }
}

variable "waf_web_acl_arn" {
  type        = string
  description = "ARN of a regional WAFv2 web ACL to associate with the API stage (rate rules, IP sets, managed rule groups); null associates none."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "authorization" {
  type        = string
  description = "Who may call the API: cognito (a Cognito ID token; every key under the caller's own prefix) or none (anyone who knows the URL; keys share one prefix). none also needs acknowledge_unauthenticated_api = true, or the plan fails."
  default     = "cognito"
  nullable    = false

  validation {
    condition     = contains(["cognito", "none"], var.authorization)
    error_message = "authorization must be cognito or none."
  }
  validation {
    condition     = var.authorization != "none" || var.acknowledge_unauthenticated_api
    error_message = "authorization = none lets anyone who knows the API URL get upload URLs, and every key shares one prefix. Use cognito, or, if something in front of the API authenticates callers, set acknowledge_unauthenticated_api = true."
  }
}

variable "acknowledge_unauthenticated_api" {
  type        = bool
  description = "Required with authorization = none: you accept that the API itself authenticates no one (put it behind your own authentication)."
  default     = false
  nullable    = false
}

variable "existing_user_pool" {
  type = object({
    arn        = string
    client_ids = list(string)
  })
  description = "With authorization = cognito, use this user pool (and its app clients) instead of creating one."
  default     = null

  validation {
    condition     = var.existing_user_pool == null || can(regex("^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/[A-Za-z0-9_-]+$", var.existing_user_pool.arn))
    error_message = "existing_user_pool.arn must be a Cognito user pool ARN."
  }
}

variable "allow_self_signup" {
  type        = bool
  description = "In a created user pool, let anyone create an account. Off: only administrators create users."
  default     = false
  nullable    = false
}

variable "id_token_validity_minutes" {
  type        = number
  description = "In a created user pool, the lifetime of ID and access tokens in minutes."
  default     = 60
  nullable    = false
}

variable "refresh_token_validity_days" {
  type        = number
  description = "In a created user pool, the lifetime of refresh tokens in days."
  default     = 30
  nullable    = false
}

variable "user_pool_deletion_protection" {
  type        = bool
  description = "In a created user pool, refuse to delete it (and every account in it) until this is set false and applied. Keep true outside throwaway stacks."
  default     = true
  nullable    = false
}

variable "mfa_configuration" {
  type        = string
  description = "In a created user pool, TOTP multi-factor sign-in: OFF, OPTIONAL (each user may enrol) or ON (every user must)."
  default     = "OFF"
  nullable    = false
}

variable "threat_protection" {
  type        = string
  description = "In a created user pool, Cognito threat protection: OFF, AUDIT or ENFORCED. Anything but OFF puts the pool on the Plus feature plan (billed per active user)."
  default     = "OFF"
  nullable    = false
}

variable "allow_password_auth" {
  type        = bool
  description = "In a created user pool, let the app client sign in with USER_PASSWORD_AUTH as well as SRP. The local demo needs it; keep false otherwise."
  default     = false
  nullable    = false
}

variable "enable_api_keys" {
  type        = bool
  description = "Also require an API key (x-api-key), with a usage plan, for machine clients such as CI jobs."
  default     = false
  nullable    = false
}

variable "usage_plan" {
  type = object({
    rate_limit   = optional(number, 10)
    burst_limit  = optional(number, 20)
    quota_limit  = optional(number, 10000)
    quota_period = optional(string, "DAY")
  })
  description = "Throttling and quota of the API key's usage plan (with enable_api_keys)."
  default     = {}
  nullable    = false
}

variable "enable_downloads" {
  type        = bool
  description = "Serve GET /files/{key+}: short-lived download URLs for the caller's own objects (adds s3:GetObject on the prefix)."
  default     = false
  nullable    = false
}

variable "allow_browser_s3_requests" {
  type        = bool
  description = "Let browsers send the S3 requests POST /signed-requests signs (Uppy 6 and other clients that drive S3 themselves): the bucket's CORS rule also allows POST, GET and DELETE. Off: browsers only PUT (and POST forms with enable_form_uploads)."
  default     = false
  nullable    = false
}

variable "require_conditional_writes" {
  type        = bool
  description = "Bucket policy: deny every PutObject and CompleteMultipartUpload without If-None-Match (s3:if-none-match), whoever signed it, so no object is written over. null: on unless enable_legacy_route or enable_form_uploads is (their URLs and forms bind no condition)."
  default     = null

  validation {
    condition     = var.require_conditional_writes != true || (!var.enable_legacy_route && !var.enable_form_uploads)
    error_message = "require_conditional_writes cannot be true with enable_legacy_route or enable_form_uploads: the seed's PUT URL and HTML forms send no If-None-Match, so S3 would refuse them."
  }
}

variable "enable_form_uploads" {
  type        = bool
  description = "Serve POST /uploads/form: presigned POST policies for plain HTML form uploads (also allows POST in the bucket's CORS rule)."
  default     = false
  nullable    = false
}

variable "download_expiry_seconds" {
  type        = number
  description = "Lifetime of a download URL."
  default     = 60
  nullable    = false

  validation {
    condition     = var.download_expiry_seconds >= 1 && var.download_expiry_seconds <= 3600 && floor(var.download_expiry_seconds) == var.download_expiry_seconds
    error_message = "download_expiry_seconds must be a whole number from 1 to 3600."
  }
}

variable "enable_events" {
  type        = bool
  description = "Send a message for every completed upload: the bucket's events go to EventBridge, a rule matches Object Created under key_prefix and delivers bucket, key, size and ETag to a queue created here (with a dead-letter queue) or to events_target_arn. With create_bucket = false, turn on the bucket's EventBridge notifications yourself."
  default     = false
  nullable    = false
}

variable "events_target_arn" {
  type        = string
  description = "With enable_events, deliver to this target (its policy must admit the rule, see the events_rule_arn output) instead of a queue created here."
  default     = null
}

variable "events_kms_key_arn" {
  type        = string
  description = "With enable_events, encrypt the created queues with this KMS key (its key policy must let events.amazonaws.com use it); null uses SQS-managed SSE."
  default     = null

  validation {
    condition     = var.events_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.events_kms_key_arn))
    error_message = "events_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "enable_malware_scan" {
  type        = bool
  description = "Scan every upload with GuardDuty Malware Protection for S3 (a protection plan on the bucket, the upload prefix only, with its own least-privileged service role): each object is tagged GuardDutyMalwareScanStatus, and the function gets UPLOAD_MALWARE_SCAN=guardduty and s3:GetObjectTagging under the prefix to read it. Needs versioning_enabled (a bucket you bring needs versioning on): a download is signed for the version that was scanned. GuardDuty charges per GB scanned and per object."
  default     = false
  nullable    = false

  validation {
    # A download URL names the scanned version; without versions, bytes written after the scan
    # could be served by a URL signed for the clean ones.
    condition     = !var.enable_malware_scan || var.versioning_enabled || !var.create_bucket
    error_message = "enable_malware_scan needs versioning_enabled = true: each download is signed for the version GuardDuty scanned."
  }
}

variable "access_logging" {
  type = object({
    enabled        = bool
    target_bucket  = optional(string)
    target_prefix  = optional(string, "s3-access-logs/")
    retention_days = optional(number, 365)
  })
  description = "S3 server access logs of the created upload bucket (every request: who, when, which key, the result), into a log bucket created as <bucket_name>-logs (Block Public Access, SSE-S3, only S3's log delivery for this bucket may write, logs expire after retention_days) or into target_bucket of yours. Not applied to a bucket you bring (create_bucket = false)."
  default     = { enabled = false }
  nullable    = false

  validation {
    condition     = var.access_logging.retention_days >= 1 && floor(var.access_logging.retention_days) == var.access_logging.retention_days
    error_message = "access_logging.retention_days must be a whole number of days, at least 1."
  }
}
