output "bucket_id" {
  description = "ID of the bucket (its name)."
  value       = aws_s3_bucket.this.id
}

output "bucket_name" {
  description = "Name (id) of the bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (<bucket>.s3.<region>.amazonaws.com)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "cors_allowed_methods" {
  description = "Methods the bucket's CORS rule allows browsers (PUT; POST too with allow_post, GET with allow_get, DELETE with allow_delete)."
  value       = local.cors_allowed_methods
}

output "eventbridge_notifications" {
  description = "Whether the bucket sends its events to EventBridge (this module owns the setting)."
  value       = length(aws_s3_bucket_notification.eventbridge) == 1
}

output "deny_unconditional_writes" {
  description = "Whether the bucket policy denies writes without If-None-Match."
  value       = var.deny_unconditional_writes
}
