data "aws_region" "current" {}

locals {
  function_name = "${var.name}-signer"
  # Every route the handler serves (api/openapi.yaml); the seed's route only when asked for.
  routes = concat(
    [
      "/uploads",
      "/uploads/multipart",
      "/uploads/multipart/{upload_id}",
      "/uploads/multipart/{upload_id}/parts",
      "/uploads/multipart/{upload_id}/complete",
      "/signed-requests",
    ],
    var.enable_legacy_route ? ["/upload-url"] : [],
    var.enable_downloads ? ["/files/{key+}"] : [],
    var.enable_form_uploads ? ["/uploads/form"] : [],
  )
  create_user_pool = var.authorization == "cognito" && var.existing_user_pool == null
  user_pool_arns = var.authorization != "cognito" ? [] : (
    local.create_user_pool ? [module.cognito[0].user_pool_arn] : [var.existing_user_pool.arn]
  )
  # The app clients whose ID tokens the API takes: the authorizer accepts any client of the pool,
  # so the function checks each token's `aud` against these.
  user_pool_client_ids = var.authorization != "cognito" ? [] : (
    local.create_user_pool ? [module.cognito[0].client_id] : var.existing_user_pool.client_ids
  )
  # The bucket the role and the function are scoped to: the one created here, or yours.
  bucket_name = var.create_bucket ? module.bucket[0].bucket_name : data.aws_s3_bucket.existing[0].id
  bucket_arn  = var.create_bucket ? module.bucket[0].bucket_arn : data.aws_s3_bucket.existing[0].arn
  # The provider's region: `region` in provider 6.x, `name` (deprecated there) in 5.x. A lookup
  # on the whole object works on both majors; naming either attribute fails or warns on one.
  region = lookup(data.aws_region.current, "region", lookup(data.aws_region.current, "name", null))
  # A bucket you bring may be in another region: in provider 6.x data.aws_s3_bucket's `region` is
  # the provider's (the bucket's moved to `bucket_region`), in 5.x it is the bucket's.
  bucket_region = var.create_bucket ? local.region : lookup(data.aws_s3_bucket.existing[0], "bucket_region", lookup(data.aws_s3_bucket.existing[0], "region", null))

  # GuardDuty Malware Protection for S3 scans objects up to 100 GB and tags larger ones
  # UNSUPPORTED, which downloads refuse: with the scan on, no upload is signed above that.
  guardduty_max_object_bytes      = 100 * 1000 * 1000 * 1000
  max_multipart_upload_size_bytes = var.enable_malware_scan ? min(var.max_multipart_upload_size_bytes, local.guardduty_max_object_bytes) : var.max_multipart_upload_size_bytes
}

module "cognito" {
  source = "./modules/cognito"
  count  = local.create_user_pool ? 1 : 0

  name                        = var.name
  allow_self_signup           = var.allow_self_signup
  id_token_validity_minutes   = var.id_token_validity_minutes
  refresh_token_validity_days = var.refresh_token_validity_days
  deletion_protection         = var.user_pool_deletion_protection
  mfa_configuration           = var.mfa_configuration
  threat_protection           = var.threat_protection
  allow_password_auth         = var.allow_password_auth
  tags                        = var.tags
}

module "bucket" {
  source = "./modules/bucket"
  count  = var.create_bucket ? 1 : 0

  bucket_name                            = var.bucket_name
  allowed_origins                        = var.allowed_origins
  kms_key_arn                            = var.kms_key_arn
  enforce_tls                            = var.enforce_tls
  versioning_enabled                     = var.versioning_enabled
  force_destroy                          = var.force_destroy
  abort_incomplete_multipart_upload_days = var.abort_incomplete_multipart_upload_days
  noncurrent_version_expiration_days     = var.noncurrent_version_expiration_days
  # The bucket policy denies signatures older than the longest URL the function can sign.
  max_url_expiry_seconds = max(var.url_expiry_seconds, var.download_expiry_seconds)
  # The bucket's CORS allows POST only when forms are enabled or browsers drive S3 themselves...
  allow_post = var.enable_form_uploads || var.allow_browser_s3_requests
  # ... GET when download URLs are served (so a page can fetch() one) or to list parts ...
  allow_get = var.enable_downloads || var.allow_browser_s3_requests
  # ... and DELETE only to abort a browser's own multipart upload.
  allow_delete = var.allow_browser_s3_requests
  # No write without If-None-Match, unless a route whose requests send none is on.
  deny_unconditional_writes = coalesce(var.require_conditional_writes, !var.enable_legacy_route && !var.enable_form_uploads)
  # Completion events and GuardDuty's scan both hear uploads through EventBridge: one owner of
  # the bucket's notification configuration while either is on.
  eventbridge_notifications = var.enable_events || var.enable_malware_scan
  # With the scan, S3 refuses unscanned reads and scan-tag changes to all but GuardDuty.
  malware_scan = var.enable_malware_scan ? { role_arn = module.malware_scan[0].role_arn, key_prefix = var.key_prefix } : null
  tags         = var.tags
}

# Before create_bucket the module had no count: keep existing states' bucket where it is.
moved {
  from = module.bucket
  to   = module.bucket[0]
}

# Bring your own bucket: read it, never manage it (its CORS, encryption, policy and lifecycle
# are left as they are; the README lists what the service needs of them).
data "aws_s3_bucket" "existing" {
  count  = var.create_bucket ? 0 : 1
  bucket = var.bucket_name
}

module "iam_role" {
  source = "./modules/iam-role"

  role_name       = "${var.name}-signer"
  bucket_arn      = local.bucket_arn
  key_prefix      = var.key_prefix
  log_group_arn   = module.function.log_group_arn
  kms_key_arn     = var.kms_key_arn
  allow_downloads = var.enable_downloads
  tags            = var.tags

  # The handler reads GuardDuty's scan status tag (UPLOAD_MALWARE_SCAN) before it serves an object.
  allow_get_object_tagging = var.enable_malware_scan
  allow_get_object_version = var.enable_downloads && var.enable_malware_scan
}

module "function" {
  source = "./modules/function"

  function_name      = local.function_name
  package_path       = var.package_path
  role_arn           = module.iam_role.role_arn
  runtime            = var.lambda_runtime
  architecture       = var.lambda_architecture
  memory_size        = var.lambda_memory_size
  timeout            = var.lambda_timeout
  log_retention_days = var.log_retention_days
  tags               = var.tags

  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions

  # The handler's whole configuration; it validates these at cold start.
  environment = merge({
    UPLOAD_BUCKET                   = local.bucket_name
    UPLOAD_BUCKET_REGION            = local.bucket_region
    UPLOAD_KEY_PREFIX               = var.key_prefix
    UPLOAD_URL_EXPIRY_SECONDS       = tostring(var.url_expiry_seconds)
    UPLOAD_MAX_SIZE_BYTES           = tostring(var.max_upload_size_bytes)
    UPLOAD_MAX_MULTIPART_SIZE_BYTES = tostring(local.max_multipart_upload_size_bytes)
    UPLOAD_ALLOWED_CONTENT_TYPES    = join(",", var.allowed_content_types)
    UPLOAD_ALLOWED_ORIGINS          = join(",", var.allowed_origins)
    UPLOAD_LEGACY_ROUTE_ENABLED     = tostring(var.enable_legacy_route)
    UPLOAD_AUTH_MODE                = var.authorization
    # The authorizer takes an ID token of any app client of the pool; the function only these.
    UPLOAD_ALLOWED_AUDIENCES       = join(",", local.user_pool_client_ids)
    UPLOAD_DOWNLOADS_ENABLED       = tostring(var.enable_downloads)
    UPLOAD_DOWNLOAD_EXPIRY_SECONDS = tostring(var.download_expiry_seconds)
    UPLOAD_FORM_UPLOADS_ENABLED    = tostring(var.enable_form_uploads)
    },
    # Set only with the scan, so a function without it sees no new variable.
    var.enable_malware_scan ? { UPLOAD_MALWARE_SCAN = "guardduty" } : {},
  )
}

module "api" {
  source = "./modules/api"

  name                    = var.name
  routes                  = local.routes
  function_name           = module.function.function_name
  function_invoke_arn     = module.function.invoke_arn
  stage_name              = var.stage_name
  throttling_rate_limit   = var.throttling_rate_limit
  throttling_burst_limit  = var.throttling_burst_limit
  access_logs_enabled     = var.access_logs_enabled
  cognito_user_pool_arns  = local.user_pool_arns
  api_keys_enabled        = var.enable_api_keys
  usage_plan              = var.usage_plan
  log_retention_days      = var.log_retention_days
  allowed_origins         = var.allowed_origins
  execution_logging_level = var.execution_logging_level
  waf_web_acl_arn         = var.waf_web_acl_arn
  tags                    = var.tags
}

# Completion events: S3 -> EventBridge -> a queue (or your target), one message per upload.
module "events" {
  source = "./modules/events"
  count  = var.enable_events ? 1 : 0

  name        = "${var.name}-uploads"
  bucket_name = local.bucket_name
  key_prefix  = var.key_prefix
  target_arn  = var.events_target_arn
  kms_key_arn = var.events_kms_key_arn
  tags        = var.tags
}

# The notification moved from the events module to the bucket module: moved, not replaced, so
# the bucket's EventBridge setting is never emptied on the way.
moved {
  from = module.events[0].aws_s3_bucket_notification.this[0]
  to   = module.bucket[0].aws_s3_bucket_notification.eventbridge[0]
}

# Malware scan: GuardDuty Malware Protection for S3 scans each upload and tags it with the result.
module "malware_scan" {
  source = "./modules/malware-scan"
  count  = var.enable_malware_scan ? 1 : 0

  role_name   = "${var.name}-malware-scan"
  bucket_name = local.bucket_name
  key_prefix  = var.key_prefix
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

# Audit trail: S3 server access logs of the created upload bucket, into a locked-down log bucket.
module "access_logs" {
  source = "./modules/access-logs"
  count  = var.access_logging.enabled && var.create_bucket ? 1 : 0

  source_bucket_name = local.bucket_name
  log_bucket_name    = var.access_logging.target_bucket == null ? "${trim(substr(var.bucket_name, 0, 58), ".-")}-logs" : null
  target_bucket      = var.access_logging.target_bucket
  target_prefix      = var.access_logging.target_prefix
  retention_days     = var.access_logging.retention_days
  force_destroy      = var.force_destroy
  tags               = var.tags

  # The upload bucket's logging setting, after its other settings (S3's 409 OperationAborted).
  depends_on = [module.bucket]
}
