mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name   = "eu-west-1" # provider 5.x
      region = "eu-west-1" # provider 6.x
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Known at plan time so the function's environment can be asserted (Terraform 1.11+).
override_resource {
  target          = module.bucket[0].aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "uploads-test-bucket"
    arn = "arn:aws:s3:::uploads-test-bucket"
  }
}

override_resource {
  target          = module.cognito[0].aws_cognito_user_pool_client.this
  override_during = plan
  values = {
    id = "test0app0client0id"
  }
}

variables {
  name                  = "uploads"
  bucket_name           = "uploads-test-bucket"
  package_path          = "modules/function/tests/fixtures/lambda.zip"
  allowed_origins       = ["https://app.example.com", "http://localhost:3000"]
  allowed_content_types = ["image/png", "video/*"]
}

run "the_function_gets_its_whole_configuration" {
  command = plan

  assert {
    condition = module.function.environment == tomap({
      UPLOAD_BUCKET                   = "uploads-test-bucket"
      UPLOAD_BUCKET_REGION            = "eu-west-1"
      UPLOAD_KEY_PREFIX               = "uploads/"
      UPLOAD_URL_EXPIRY_SECONDS       = "300"
      UPLOAD_MAX_SIZE_BYTES           = "5368709120"
      UPLOAD_MAX_MULTIPART_SIZE_BYTES = "1099511627776"
      UPLOAD_ALLOWED_CONTENT_TYPES    = "image/png,video/*"
      UPLOAD_ALLOWED_ORIGINS          = "https://app.example.com,http://localhost:3000"
      UPLOAD_LEGACY_ROUTE_ENABLED     = "false"
      UPLOAD_AUTH_MODE                = "cognito"
      UPLOAD_ALLOWED_AUDIENCES        = "test0app0client0id"
      UPLOAD_DOWNLOADS_ENABLED        = "false"
      UPLOAD_DOWNLOAD_EXPIRY_SECONDS  = "60"
      UPLOAD_FORM_UPLOADS_ENABLED     = "false"
    })
    error_message = "The function's environment must carry the whole configuration, with the seed's route off."
  }

  assert {
    condition     = !contains(module.api.routes, "/upload-url") && contains(module.api.routes, "/uploads") && contains(module.api.routes, "/uploads/multipart/{upload_id}/complete")
    error_message = "By default the v1 and multipart routes are served; the seed's route is opt-in."
  }

  assert {
    condition     = output.upload_url_endpoint == null
    error_message = "With the seed's route off there is no /upload-url endpoint."
  }

  assert {
    condition     = output.bucket_arn == "arn:aws:s3:::uploads-test-bucket" && output.region == "eu-west-1"
    error_message = "The root passes the bucket's ARN and the region through."
  }
}

run "the_seed_route_when_asked" {
  command = plan

  variables {
    enable_legacy_route = true
  }

  assert {
    condition     = contains(module.api.routes, "/upload-url")
    error_message = "enable_legacy_route adds GET /upload-url."
  }

  assert {
    condition     = module.function.environment["UPLOAD_LEGACY_ROUTE_ENABLED"] == "true"
    error_message = "The function must know the seed's route is on."
  }
}

run "rejects_a_zero_expiry" {
  command = plan

  variables {
    url_expiry_seconds = 0
  }

  expect_failures = [var.url_expiry_seconds]
}

run "rejects_an_expiry_above_the_maximum" {
  command = plan

  variables {
    url_expiry_seconds = 3601
  }

  expect_failures = [var.url_expiry_seconds]
}

run "rejects_a_size_above_a_single_put" {
  command = plan

  variables {
    max_upload_size_bytes = 5368709121
  }

  expect_failures = [var.max_upload_size_bytes]
}

run "rejects_a_multipart_size_beyond_s3" {
  command = plan

  variables {
    max_multipart_upload_size_bytes = 53687091200001
  }

  expect_failures = [var.max_multipart_upload_size_bytes]
}

run "rejects_a_bad_content_type" {
  command = plan

  variables {
    allowed_content_types = ["Image/PNG"]
  }

  expect_failures = [var.allowed_content_types]
}

run "rejects_no_content_types" {
  command = plan

  variables {
    allowed_content_types = []
  }

  expect_failures = [var.allowed_content_types]
}

run "rejects_a_wildcard_origin" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_no_origins" {
  command = plan

  variables {
    allowed_origins = []
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_a_prefix_without_a_trailing_slash" {
  command = plan

  variables {
    key_prefix = "uploads"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    bucket_name = "UPPER_case"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_bad_name" {
  command = plan

  variables {
    name = "Uploads!"
  }

  expect_failures = [var.name]
}

run "rejects_an_origin_with_a_trailing_slash" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_an_origin_with_a_path" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/upload"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_plain_http_off_loopback" {
  command = plan

  variables {
    allowed_origins = ["http://app.example.com"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_an_upper_case_origin" {
  command = plan

  variables {
    allowed_origins = ["https://App.Example.com"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_a_wildcard_in_the_prefix" {
  command = plan

  variables {
    key_prefix = "*/"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_leading_slash_in_the_prefix" {
  command = plan

  variables {
    key_prefix = "/uploads/"
  }

  expect_failures = [var.key_prefix]
}

run "rejects_a_fractional_expiry" {
  command = plan

  variables {
    url_expiry_seconds = 1.5
  }

  expect_failures = [var.url_expiry_seconds]
}

run "rejects_a_kms_alias" {
  command = plan

  variables {
    kms_key_arn = "alias/uploads"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_an_old_runtime" {
  command = plan

  variables {
    lambda_runtime = "python3.9"
  }

  expect_failures = [var.lambda_runtime]
}

run "rejects_an_unknown_architecture" {
  command = plan

  variables {
    lambda_architecture = "sparc"
  }

  expect_failures = [var.lambda_architecture]
}

run "rejects_a_retention_cloudwatch_lacks" {
  command = plan

  variables {
    log_retention_days = 2
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_a_timeout_beyond_api_gateway" {
  command = plan

  variables {
    lambda_timeout = 30
  }

  expect_failures = [var.lambda_timeout]
}

run "rejects_a_zero_burst" {
  command = plan

  variables {
    throttling_burst_limit = 0
  }

  expect_failures = [var.throttling_burst_limit]
}

run "accepts_loopback_and_https_origins_with_ports" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com:8443", "http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:5173"]
  }

  assert {
    condition     = module.function.environment["UPLOAD_ALLOWED_ORIGINS"] == "https://app.example.com:8443,http://127.0.0.1:8080,http://localhost:3000,http://[::1]:5173"
    error_message = "Loopback http origins and https origins with ports are valid."
  }
}

run "accepts_the_oldest_supported_runtime" {
  command = plan

  variables {
    lambda_runtime      = "python3.12"
    lambda_architecture = "x86_64"
  }

  assert {
    condition     = var.lambda_runtime == "python3.12" && var.lambda_architecture == "x86_64"
    error_message = "python3.12 on x86_64 passes the validation."
  }
}

run "cognito_is_the_default_with_a_created_pool" {
  command = plan

  assert {
    condition     = length(module.cognito) == 1 && module.api.authorization == "COGNITO_USER_POOLS"
    error_message = "By default a user pool is created and every method but the preflight needs its ID token."
  }

  assert {
    condition     = module.api.api_key_id == null && !contains(module.api.routes, "/files/{key+}")
    error_message = "API keys and downloads are opt-in."
  }
}

run "an_existing_pool_is_used_as_given" {
  command = plan

  variables {
    existing_user_pool = {
      arn        = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
      client_ids = ["abc123"]
    }
  }

  assert {
    condition     = length(module.cognito) == 0 && module.api.authorization == "COGNITO_USER_POOLS"
    error_message = "With an existing pool none is created, and the API still requires its tokens."
  }

  assert {
    condition     = output.user_pool_client_ids == tolist(["abc123"])
    error_message = "The given app clients are the ones the deployment accepts."
  }

  assert {
    condition     = module.function.environment["UPLOAD_ALLOWED_AUDIENCES"] == "abc123"
    error_message = "The function accepts ID tokens of the existing pool's given app clients only."
  }
}

run "authorization_none_fails_without_the_acknowledgement" {
  command = plan

  variables {
    authorization = "none"
  }

  expect_failures = [var.authorization]
}

run "authorization_none_when_acknowledged" {
  command = plan

  variables {
    authorization                   = "none"
    acknowledge_unauthenticated_api = true
  }

  assert {
    condition     = length(module.cognito) == 0 && module.api.authorization == "NONE" && module.function.environment["UPLOAD_AUTH_MODE"] == "none"
    error_message = "Acknowledged authorization = none creates no pool and no authorizer."
  }
}

run "execution_logging_needs_the_logging_role_access_logs_need" {
  command = plan

  variables {
    execution_logging_level = "ERROR"
  }

  expect_failures = [var.execution_logging_level]
}

run "the_defaults_apply_in_an_account_without_the_logging_role" {
  command = plan

  assert {
    condition     = module.api.access_log_group_name == null
    error_message = "With access logs and execution logging off the stage needs no account role."
  }
}

run "downloads_and_api_keys_when_asked" {
  command = plan

  variables {
    enable_downloads = true
    enable_api_keys  = true
  }

  assert {
    condition     = contains(module.api.routes, "/files/{key+}") && module.function.environment["UPLOAD_DOWNLOADS_ENABLED"] == "true"
    error_message = "enable_downloads routes GET /files/{key+} and tells the function."
  }

  assert {
    condition     = contains(module.bucket[0].cors_allowed_methods, "GET")
    error_message = "With downloads the bucket's CORS allows GET, so a page can fetch() a download URL."
  }
}

run "form_uploads_are_off_by_default" {
  command = plan

  assert {
    condition     = !contains(module.api.routes, "/uploads/form") && module.function.environment["UPLOAD_FORM_UPLOADS_ENABLED"] == "false"
    error_message = "POST /uploads/form is opt-in: no route, and the function keeps it switched off."
  }

  assert {
    condition     = !contains(module.bucket[0].cors_allowed_methods, "POST") && !contains(module.bucket[0].cors_allowed_methods, "GET")
    error_message = "The bucket's CORS allows POST only when forms are enabled, GET only with downloads."
  }
}

run "form_uploads_when_asked" {
  command = plan

  variables {
    enable_form_uploads = true
  }

  assert {
    condition     = contains(module.api.routes, "/uploads/form") && module.function.environment["UPLOAD_FORM_UPLOADS_ENABLED"] == "true"
    error_message = "enable_form_uploads routes POST /uploads/form and tells the function."
  }

  assert {
    condition     = contains(module.bucket[0].cors_allowed_methods, "POST")
    error_message = "The bucket's CORS allows POST only when forms are enabled."
  }
}

run "rejects_an_unknown_authorization" {
  command = plan

  variables {
    authorization = "iam"
  }

  expect_failures = [var.authorization]
}

run "brings_its_own_bucket" {
  command = plan

  variables {
    create_bucket = false
    bucket_name   = "acme-existing-uploads"
  }

  override_data {
    target = data.aws_s3_bucket.existing[0]
    values = {
      id     = "acme-existing-uploads"
      arn    = "arn:aws:s3:::acme-existing-uploads"
      region = "eu-central-1" # the bucket's region in provider 5.x
      # the bucket's region in provider 6.x (where `region` is the provider's); 5.x ignores it
      bucket_region = "eu-central-1"
    }
  }

  assert {
    condition     = length(module.bucket) == 0
    error_message = "With create_bucket = false no bucket (nor any of its settings) is managed."
  }

  assert {
    condition     = output.bucket_name == "acme-existing-uploads" && output.bucket_arn == "arn:aws:s3:::acme-existing-uploads"
    error_message = "The role is scoped to, and the outputs name, the existing bucket."
  }

  assert {
    condition     = module.function.environment["UPLOAD_BUCKET"] == "acme-existing-uploads" && module.function.environment["UPLOAD_BUCKET_REGION"] == "eu-central-1"
    error_message = "The function signs for the existing bucket, in that bucket's own region."
  }
}

run "creates_the_bucket_by_default" {
  command = plan

  assert {
    condition     = length(module.bucket) == 1 && length(data.aws_s3_bucket.existing) == 0
    error_message = "By default the bucket module creates the bucket and no existing one is read."
  }
}

run "an_existing_bucket_name_still_follows_the_s3_rules" {
  command = plan

  variables {
    create_bucket = false
    bucket_name   = "Not_A_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "completion_events_and_malware_scan_are_off_by_default" {
  command = plan

  assert {
    condition     = length(module.events) == 0 && output.events_queue_url == null && output.events_rule_arn == null && output.events_event_pattern == null
    error_message = "Completion events are opt-in; their outputs are null when off."
  }

  assert {
    condition     = !module.bucket[0].eventbridge_notifications
    error_message = "Without events or a scan the bucket sends nothing to EventBridge."
  }

  assert {
    condition     = length(module.malware_scan) == 0 && output.malware_protection_plan_arn == null && output.malware_scan_status_tag == null
    error_message = "The malware scan is opt-in; its outputs are null when off."
  }

  assert {
    condition     = !contains(keys(module.function.environment), "UPLOAD_MALWARE_SCAN")
    error_message = "Without the scan the function gets no UPLOAD_MALWARE_SCAN."
  }
}

run "completion_events_for_the_created_bucket" {
  command = plan

  variables {
    enable_events = true
  }

  assert {
    condition     = length(module.events) == 1 && length(module.events[0].event_pattern) > 0
    error_message = "enable_events creates the events module."
  }

  assert {
    condition     = module.bucket[0].eventbridge_notifications
    error_message = "The bucket sends its events to EventBridge, through the bucket module."
  }

  assert {
    condition = jsondecode(output.events_event_pattern).detail == {
      bucket = { name = ["uploads-test-bucket"] }
      object = { key = [{ prefix = "uploads/" }] }
    }
    error_message = "The rule matches the upload bucket under key_prefix."
  }
}

run "a_malware_scan_tells_the_function_and_lets_it_read_tags" {
  command = plan

  variables {
    enable_malware_scan = true
    versioning_enabled  = true
    enable_downloads    = true
  }

  assert {
    condition     = module.function.environment["UPLOAD_MALWARE_SCAN"] == "guardduty"
    error_message = "With the scan the function gets UPLOAD_MALWARE_SCAN=guardduty."
  }

  # The role's s3:GetObjectTagging (allow_get_object_tagging) is asserted in modules/iam-role's tests.
  assert {
    condition     = length(module.malware_scan) == 1
    error_message = "enable_malware_scan creates the malware-scan module."
  }

  assert {
    condition     = module.bucket[0].eventbridge_notifications && length(module.events) == 0
    error_message = "GuardDuty hears uploads through the bucket's EventBridge notifications: they stay on without completion events (one owner, never emptied by turning events off)."
  }

  assert {
    condition     = module.function.environment["UPLOAD_MAX_MULTIPART_SIZE_BYTES"] == "100000000000"
    error_message = "With the scan no multipart upload is signed above 100 GB, the largest object GuardDuty scans."
  }

  assert {
    condition     = output.malware_scan_status_tag == { key = "GuardDutyMalwareScanStatus", clean_value = "NO_THREATS_FOUND" }
    error_message = "The root names the tag the function checks and its clean value."
  }
}

run "a_malware_scan_needs_versioning" {
  command = plan

  variables {
    enable_malware_scan = true
    versioning_enabled  = false
  }

  expect_failures = [var.enable_malware_scan]
}

run "access_logging_into_a_created_log_bucket" {
  command = plan

  variables {
    access_logging = { enabled = true, retention_days = 90 }
  }

  # The created log bucket's name is known only after apply; the module passes its id through.
  override_resource {
    target          = module.access_logs[0].aws_s3_bucket.this[0]
    override_during = plan
    values = {
      id = "uploads-test-bucket-logs"
    }
  }

  assert {
    condition     = length(module.access_logs) == 1 && output.access_log_bucket_name == "uploads-test-bucket-logs"
    error_message = "access_logging creates <bucket_name>-logs and logs into it."
  }
}

run "no_access_logging_by_default" {
  command = plan

  assert {
    condition     = length(module.access_logs) == 0 && output.access_log_bucket_name == null
    error_message = "Server access logging is opt-in."
  }
}

run "conditional_writes_are_required_unless_a_route_sends_none" {
  command = plan

  assert {
    condition     = module.bucket[0].deny_unconditional_writes
    error_message = "With the legacy route and forms off (the defaults), the bucket denies writes without If-None-Match."
  }
}

run "the_legacy_route_turns_the_conditional_write_rule_off" {
  command = plan

  variables {
    enable_legacy_route = true
  }

  assert {
    condition     = !module.bucket[0].deny_unconditional_writes
    error_message = "The seed's PUT URL binds no condition: the rule would refuse it."
  }
}

run "conditional_writes_cannot_be_forced_with_forms" {
  command = plan

  variables {
    enable_form_uploads        = true
    require_conditional_writes = true
  }

  expect_failures = [var.require_conditional_writes]
}

run "browser_s3_requests_open_the_bucket_s_cors" {
  command = plan

  variables {
    allow_browser_s3_requests = true
  }

  assert {
    condition     = toset(module.bucket[0].cors_allowed_methods) == toset(["PUT", "POST", "GET", "DELETE"])
    error_message = "A browser that drives S3 itself sends POST (create, complete), GET (list parts) and DELETE (abort)."
  }
}
