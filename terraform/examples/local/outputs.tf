output "api_url" {
  description = "Base URL of the API, with its stage."
  value       = module.uploads.api_url
}

output "uploads_endpoint" {
  description = "The URL clients POST to for an upload URL."
  value       = module.uploads.uploads_endpoint
}

output "upload_url_endpoint" {
  description = "The seed's GET /upload-url (on in this example)."
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

output "authorization" {
  description = "cognito or none."
  value       = module.uploads.authorization
}

output "user_pool_id" {
  description = "ID of the user pool whose tokens the API accepts."
  value       = module.uploads.user_pool_id
}

output "user_pool_client_ids" {
  description = "App clients whose ID tokens the API accepts."
  value       = module.uploads.user_pool_client_ids
}

output "events_queue_url" {
  description = "The queue that receives a message per completed upload."
  value       = module.uploads.events_queue_url
}

output "events_rule_arn" {
  description = "ARN of the EventBridge rule for completed uploads."
  value       = module.uploads.events_rule_arn
}
