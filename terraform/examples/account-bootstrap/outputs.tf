output "cloudwatch_role_arn" {
  description = "The role now registered as this account's API Gateway CloudWatch role in the region."
  value       = module.api_gateway_account.cloudwatch_role_arn
}
