output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider the roles trust (created here, or the one given)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the read-only plan role: the repository variable AWS_PLAN_ROLE_ARN."
  value       = aws_iam_role.plan.arn
}

output "plan_role_name" {
  description = "Name of the read-only plan role."
  value       = aws_iam_role.plan.name
}

output "apply_role_arn" {
  description = "ARN of the apply role: the repository variable AWS_APPLY_ROLE_ARN."
  value       = aws_iam_role.apply.arn
}

output "apply_role_name" {
  description = "Name of the apply role."
  value       = aws_iam_role.apply.name
}

output "plan_subject" {
  description = "The only OIDC sub claim the plan role trusts (repo:OWNER/REPO:pull_request)."
  value       = local.plan_subject
}

output "apply_subject" {
  description = "The only OIDC sub claim the apply role trusts (repo:OWNER/REPO:environment:NAME)."
  value       = local.apply_subject
}
