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
  value       = data.aws_region.current.name
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
