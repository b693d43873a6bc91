mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name   = "eu-west-1" # provider 5.x
      region = "eu-west-1" # provider 6.x
    }
  }
  # Under a mock provider a policy document's json is random text; IAM resources need JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    override_during = plan
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }
}

variables {
  github_repository = "acme/presigned-uploads"
  resource_prefix   = "acme-uploads"
  state_bucket_name = "acme-terraform-state"
}

run "plan_role_trusts_only_pull_requests_of_the_repository" {
  command = plan

  assert {
    condition     = length(jsondecode(aws_iam_role.plan.assume_role_policy).Statement) == 1
    error_message = "The plan role's trust policy has exactly one statement."
  }

  assert {
    condition = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0] == {
      Sid       = "GitHubActionsOidc"
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:acme/presigned-uploads:pull_request"
        }
      }
    }
    error_message = "The plan role trusts GitHub's OIDC provider for pull requests of acme/presigned-uploads only: StringEquals on aud and sub, nothing else."
  }

  assert {
    condition     = output.plan_subject == "repo:acme/presigned-uploads:pull_request"
    error_message = "The plan subject is the repository's pull_request subject."
  }
}

run "apply_role_trusts_only_the_protected_environment" {
  command = plan

  variables {
    environment_name = "production"
  }

  assert {
    condition = jsondecode(aws_iam_role.apply.assume_role_policy).Statement == [{
      Sid       = "GitHubActionsOidc"
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:acme/presigned-uploads:environment:production"
        }
      }
    }]
    error_message = "The apply role trusts jobs of the production environment of acme/presigned-uploads only."
  }
}

run "no_branch_tag_wildcard_or_other_repository_is_trusted" {
  command = plan

  assert {
    condition = alltrue([
      for policy in [aws_iam_role.plan.assume_role_policy, aws_iam_role.apply.assume_role_policy] :
      keys(jsondecode(policy).Statement[0].Condition) == ["StringEquals"]
    ])
    error_message = "Trust conditions use StringEquals only: no StringLike, so no wildcard subject."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [aws_iam_role.plan.assume_role_policy, aws_iam_role.apply.assume_role_policy] : [
        for subject in [
          "repo:acme/presigned-uploads:ref:refs/heads/main",
          "repo:acme/presigned-uploads:ref:refs/heads/feature",
          "repo:acme/presigned-uploads:ref:refs/tags/v0.1.0",
          "repo:acme/presigned-uploads:*",
          "repo:acme/other-repo:pull_request",
          "repo:acme/other-repo:environment:production",
          "repo:evil/presigned-uploads:pull_request",
        ] : jsondecode(policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] != subject
      ]
    ]))
    error_message = "Neither role trusts a branch, a tag, a wildcard or another repository."
  }

  assert {
    condition     = !strcontains(aws_iam_role.plan.assume_role_policy, "*") && !strcontains(aws_iam_role.apply.assume_role_policy, "*")
    error_message = "No wildcard anywhere in a trust policy."
  }
}

run "an_existing_oidc_provider_is_used_as_given" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0
    error_message = "With an existing provider's ARN no provider is created."
  }

  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" && output.oidc_provider_arn == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The roles trust the given provider."
  }
}

run "passrole_only_for_the_function_role_to_lambda" {
  command = plan

  assert {
    condition = [for s in data.aws_iam_policy_document.apply.statement : {
      resources = s.resources
      condition = s.condition
      } if contains(coalesce(s.actions, []), "iam:PassRole")] == [{
      resources = toset(["arn:aws:iam::123456789012:role/acme-uploads-signer"])
      condition = toset([{ test = "StringEquals", variable = "iam:PassedToService", values = tolist(["lambda.amazonaws.com"]) }])
    }]
    error_message = "iam:PassRole is granted once: on the function's role, to Lambda only."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : alltrue([
        for action in coalesce(s.actions, []) : action != "*" && !endswith(action, ":*")
      ])
    ])
    error_message = "The apply role has no service-wide wildcard action (no AdministratorAccess, no iam:*)."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement :
      s.effect == "Deny" || alltrue([for r in s.resources : r != "*"]) || contains(["CreateUserPools"], s.sid)
    ])
    error_message = "Every allowed apply action is scoped to resources, except creating a user pool (whose ARN exists only afterwards)."
  }
}

run "the_apply_role_cannot_change_the_pipeline" {
  command = plan

  assert {
    condition = [for s in data.aws_iam_policy_document.apply.statement : s.resources if s.effect == "Deny"] == [toset([
      "arn:aws:iam::123456789012:role/github-presigned-uploads-plan",
      "arn:aws:iam::123456789012:role/github-presigned-uploads-apply",
      "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    ])]
    error_message = "The apply role is denied every change to the pipeline's roles and OIDC provider."
  }
}

run "the_apply_role_may_set_the_function_concurrency" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.apply.statement :
      s.sid == "ManageStackFunction" && try(contains(s.actions, "lambda:PutFunctionConcurrency") && contains(s.actions, "lambda:DeleteFunctionConcurrency"), false)
    ])
    error_message = "lambda_reserved_concurrent_executions needs Put/DeleteFunctionConcurrency on the stack's function."
  }
}

run "the_default_feature_set_grants_no_feature_permissions" {
  command = plan

  assert {
    condition = length([
      for s in concat(data.aws_iam_policy_document.apply.statement, data.aws_iam_policy_document.read.statement) : s
      if anytrue([for action in coalesce(s.actions, []) : can(regex("^(sqs|events|guardduty|wafv2):|^s3:PutBucket(Notification|Logging)$", action))])
    ]) == 0
    error_message = "Without stack_features the roles get nothing for events, the scan, access logs or WAF."
  }
}

run "each_stack_feature_adds_what_applying_it_changes" {
  command = plan

  variables {
    stack_features = { events = true, malware_scan = true, access_logs = true, waf = true }
  }

  assert {
    condition = toset([for s in data.aws_iam_policy_document.apply.statement : s.sid]) == toset([
      "ManageStackRoles", "PassFunctionRoleToLambdaOnly", "NeverChangeThePipeline", "ManageStackFunction", "ManageStackLogGroups",
      "ManageStackApi", "ManageStackBucketSettings", "CreateUserPools", "ManageUserPools", "ManageStackEventQueues",
      "ManageStackEventRules", "ManageStackBucketNotifications", "CreateMalwareProtectionPlans", "ManageMalwareProtectionPlans",
      "PassScanRoleToGuardDutyOnly", "ManageStackBucketLogging", "AssociateWebAclWithStackStage",
    ])
    error_message = "Every feature adds its statements to the apply role."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ManageStackEventQueues"] == [
      toset(["arn:aws:sqs:eu-west-1:123456789012:acme-uploads-*"])
    ]
    error_message = "The event queues are scoped to the stack's name prefix."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.apply.statement : one(s.condition).values if s.sid == "PassScanRoleToGuardDutyOnly"] == [
      tolist(["malware-protection-plan.guardduty.amazonaws.com"])
    ]
    error_message = "The scan's role is passed to GuardDuty's malware protection only."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement :
      s.effect == "Deny" || alltrue([for r in s.resources : r != "*"]) || contains(["CreateUserPools", "CreateMalwareProtectionPlans"], s.sid)
    ])
    error_message = "Every allowed apply action is scoped to resources, except creating what has no ARN before it exists."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.read.statement : [
        for action in s.actions : can(regex("^[a-z0-9-]+:(Get|List|Describe)", action)) || action == "apigateway:GET"
      ]
    ]))
    error_message = "With every feature the plan role still only reads."
  }
}

run "the_plan_role_reads_and_only_takes_the_lock" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.read.statement : [
        for action in s.actions : can(regex("^[a-z0-9-]+:(Get|List|Describe)", action)) || action == "apigateway:GET"
      ]
    ]))
    error_message = "The stack policy of the plan role only reads."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.plan_state.statement : s.resources if contains(s.actions, "s3:PutObject")] == [
      toset(["arn:aws:s3:::acme-terraform-state/presigned-uploads/terraform.tfstate.tflock"])
    ]
    error_message = "The plan role writes only the state's lock file, never the state."
  }

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.read.statement : s.actions]), "s3:GetObject")
    error_message = "The plan role never reads uploaded objects."
  }
}

run "rejects_a_wildcard_repository" {
  command = plan

  variables {
    github_repository = "acme/*"
  }

  expect_failures = [var.github_repository]
}

run "rejects_an_arn_that_is_not_a_github_oidc_provider" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/accounts.google.com"
  }

  expect_failures = [var.oidc_provider_arn]
}
