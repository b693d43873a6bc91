output "api_url" {
  description = "Base URL of the API, with its stage: POST <api_url>/uploads."
  value       = module.api.api_url
}

output "uploads_endpoint" {
  description = "The URL clients POST to for an upload URL (POST <api_url>/uploads)."
  value       = "${module.api.api_url}/uploads"
}

output "upload_url_endpoint" {
  description = "The seed's GET <api_url>/upload-url, or null when enable_legacy_route is false."
  value       = var.enable_legacy_route ? "${module.api.api_url}/upload-url" : null
}

output "bucket_name" {
  description = "Name of the upload bucket (created here, or yours with create_bucket = false)."
  value       = local.bucket_name
}

output "bucket_arn" {
  description = "ARN of the upload bucket."
  value       = local.bucket_arn
}

output "key_prefix" {
  description = "Where uploads land in the bucket."
  value       = var.key_prefix
}

output "function_name" {
  description = "Name of the signing function."
  value       = module.function.function_name
}

output "execution_arn" {
  description = "Execution ARN of the REST API (scope for extra Lambda permissions or IAM auth policies)."
  value       = module.api.execution_arn
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.api.rest_api_id
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.api.stage_name
}

output "region" {
  description = "Region of the deployment."
  value       = local.region
}

output "routes" {
  description = "The resource paths the API serves."
  value       = module.api.routes
}

output "authorization" {
  description = "cognito or none."
  value       = var.authorization
}

output "user_pool_id" {
  description = "ID of the user pool whose tokens the API accepts (null without Cognito or with an existing pool)."
  value       = try(module.cognito[0].user_pool_id, null)
}

output "user_pool_client_ids" {
  description = "App clients whose ID tokens the API accepts."
  value       = local.user_pool_client_ids
}

output "api_key_id" {
  description = "ID of the API key for machine clients, or null when API keys are off."
  value       = module.api.api_key_id
}

output "api_key" {
  description = "The API key for machine clients (x-api-key), or null when API keys are off."
  value       = module.api.api_key_value
  sensitive   = true
}

output "events_queue_url" {
  description = "URL of the queue that receives a message per completed upload (null without enable_events or with events_target_arn)."
  value       = try(module.events[0].queue_url, null)
}

output "events_queue_arn" {
  description = "ARN of the completion events queue (null without it)."
  value       = try(module.events[0].queue_arn, null)
}

output "events_dead_letter_queue_arn" {
  description = "ARN of the completion events' dead-letter queue (null without it)."
  value       = try(module.events[0].dead_letter_queue_arn, null)
}

output "events_rule_arn" {
  description = "ARN of the EventBridge rule for completed uploads (null without enable_events)."
  value       = try(module.events[0].rule_arn, null)
}

output "events_event_pattern" {
  description = "The rule's event pattern (JSON), to subscribe another rule to the same events (null without enable_events)."
  value       = try(module.events[0].event_pattern, null)
}

output "malware_protection_plan_arn" {
  description = "ARN of the GuardDuty malware protection plan (null without enable_malware_scan)."
  value       = try(module.malware_scan[0].plan_arn, null)
}

output "malware_scan_status_tag" {
  description = "The tag GuardDuty writes on each scanned object and its clean value, { key, clean_value } (null without enable_malware_scan)."
  value       = var.enable_malware_scan ? { key = module.malware_scan[0].scan_status_tag_key, clean_value = module.malware_scan[0].clean_tag_value } : null
}

output "access_log_bucket_name" {
  description = "The bucket S3 server access logs of the upload bucket go to (null without access_logging)."
  value       = try(module.access_logs[0].log_bucket_name, null)
}
