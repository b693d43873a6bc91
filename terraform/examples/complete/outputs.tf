output "api_url" {
  description = "Base URL of the API, with its stage."
  value       = module.uploads.api_url
}

output "uploads_endpoint" {
  description = "The URL clients POST to for an upload URL."
  value       = module.uploads.uploads_endpoint
}

output "bucket_name" {
  description = "Name of the upload bucket."
  value       = module.uploads.bucket_name
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts uploads."
  value       = aws_kms_key.uploads.arn
}

output "function_name" {
  description = "Name of the signing function."
  value       = module.uploads.function_name
}
