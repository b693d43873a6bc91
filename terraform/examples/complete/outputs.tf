output "api_url" {
  description = "Base URL of the API, with its stage."
  value       = module.uploads.api_url
}

output "uploads_endpoint" {
  description = "The URL clients POST to for an upload URL."
  value       = module.uploads.uploads_endpoint
}

output "upload_url_endpoint" {
  description = "The seed's GET /upload-url: null here, the route is off."
  value       = module.uploads.upload_url_endpoint
}

output "bucket_name" {
  description = "Name of the upload bucket."
  value       = module.uploads.bucket_name
}

output "bucket_arn" {
  description = "ARN of the upload bucket."
  value       = module.uploads.bucket_arn
}

output "key_prefix" {
  description = "Where uploads land in the bucket."
  value       = module.uploads.key_prefix
}

output "function_name" {
  description = "Name of the signing function."
  value       = module.uploads.function_name
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.uploads.rest_api_id
}

output "execution_arn" {
  description = "Execution ARN of the REST API."
  value       = module.uploads.execution_arn
}

output "stage_name" {
  description = "Name of the API stage."
  value       = module.uploads.stage_name
}

output "region" {
  description = "Region of the deployment."
  value       = module.uploads.region
}

output "routes" {
  description = "The resource paths the API serves."
  value       = module.uploads.routes
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts uploads."
  value       = aws_kms_key.uploads.arn
}

output "user_pool_id" {
  description = "ID of the user pool whose ID tokens the API accepts; create users in it."
  value       = module.uploads.user_pool_id
}

output "user_pool_client_ids" {
  description = "App clients to sign in with (SRP through your app's Cognito SDK; USER_PASSWORD_AUTH only with allow_password_auth)."
  value       = module.uploads.user_pool_client_ids
}

output "authorization" {
  description = "How the API authenticates callers: cognito."
  value       = module.uploads.authorization
}

output "events_queue_url" {
  description = "The queue that receives a message per completed upload (null without enable_events)."
  value       = module.uploads.events_queue_url
}

output "events_rule_arn" {
  description = "ARN of the EventBridge rule for completed uploads (null without enable_events)."
  value       = module.uploads.events_rule_arn
}

output "malware_protection_plan_arn" {
  description = "ARN of the GuardDuty malware protection plan (null without enable_malware_scan)."
  value       = module.uploads.malware_protection_plan_arn
}
