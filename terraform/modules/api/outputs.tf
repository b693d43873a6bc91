output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the REST API (what Lambda permissions are scoped to)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "api_url" {
  description = "Invoke URL of the stage, e.g. https://<id>.execute-api.<region>.amazonaws.com/v1."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "routes" {
  description = "The resource paths the API serves."
  value       = sort(var.routes)
}

output "access_log_group_name" {
  description = "Name of the access log group, or null when access logs are off."
  value       = try(aws_cloudwatch_log_group.access[0].name, null)
}

output "authorization" {
  description = "The methods' authorization: COGNITO_USER_POOLS or NONE."
  value       = local.authorization
}

output "api_key_id" {
  description = "ID of the API key for machine clients, or null when API keys are off."
  value       = try(aws_api_gateway_api_key.this[0].id, null)
}

output "api_key_value" {
  description = "The API key for machine clients, or null when API keys are off."
  value       = try(aws_api_gateway_api_key.this[0].value, null)
  sensitive   = true
}
