output "api_url" {
  description = "Base URL of the API, with its stage."
  value       = module.uploads.api_url
}

output "bucket_name" {
  description = "Name of the upload bucket."
  value       = module.uploads.bucket_name
}

output "user_pool_id" {
  description = "ID of the user pool whose ID tokens the API accepts."
  value       = module.uploads.user_pool_id
}

output "user_pool_client_ids" {
  description = "App clients whose ID tokens the API accepts."
  value       = module.uploads.user_pool_client_ids
}

output "plan_role_arn" {
  description = "The repository variable AWS_PLAN_ROLE_ARN."
  value       = module.github_oidc.plan_role_arn
}

output "apply_role_arn" {
  description = "The repository variable AWS_APPLY_ROLE_ARN."
  value       = module.github_oidc.apply_role_arn
}
