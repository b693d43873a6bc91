output "role_arn" {
  description = "ARN of the execution role, known only once its permissions are attached."
  value       = aws_iam_role.this.arn

  # A function created from this ARN never runs without its permissions.
  depends_on = [aws_iam_role_policy.this]
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The role's permissions policy document."
  value       = data.aws_iam_policy_document.permissions.json
}
