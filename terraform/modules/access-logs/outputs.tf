output "log_bucket_name" {
  description = "The bucket the access logs go to (created here, or target_bucket)."
  value       = local.log_bucket
}

output "log_bucket_arn" {
  description = "ARN of the log bucket."
  value       = local.log_bucket_arn
}

output "log_prefix" {
  description = "Where in the log bucket the upload bucket's logs land."
  value       = var.target_prefix
}
