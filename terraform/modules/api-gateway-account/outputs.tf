output "cloudwatch_role_arn" {
  description = "ARN of the role registered as the account's API Gateway CloudWatch role."
  value       = aws_api_gateway_account.this.cloudwatch_role_arn
}

output "role_name" {
  description = "Name of that role."
  value       = aws_iam_role.this.name
}
