output "api_url" {
  description = "Base URL of the API, with its stage."
  value       = module.uploads.api_url
}

output "bucket_name" {
  description = "Name of the upload bucket."
  value       = module.uploads.bucket_name
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

output "stage_name" {
  description = "Name of the API stage."
  value       = module.uploads.stage_name
}

output "region" {
  description = "Region of the deployment."
  value       = module.uploads.region
}
