data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  oidc_host  = "token.actions.githubusercontent.com"
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  # The provider's region: `region` in provider 6.x, `name` (deprecated there) in 5.x. A lookup
  # on the whole object works on both majors; naming either attribute fails or warns on one.
  region      = lookup(data.aws_region.current, "region", lookup(data.aws_region.current, "name", null))
  bucket_glob = "${coalesce(var.bucket_name_prefix, var.resource_prefix)}*"

  create_oidc_provider = var.oidc_provider_arn == null
  oidc_provider_arn    = local.create_oidc_provider ? aws_iam_openid_connect_provider.this[0].arn : var.oidc_provider_arn

  # The only subjects trusted: exact strings, compared with StringEquals (no StringLike, so no
  # wildcard lets a branch, a tag, a fork's workflow or another repository in).
  plan_subject  = "repo:${var.github_repository}:pull_request"
  apply_subject = "repo:${var.github_repository}:environment:${var.environment_name}"

  # Built with jsonencode rather than aws_iam_policy_document so that tests (with a mock
  # provider, which answers a policy document with random text) can decode and check them.
  trust_policies = {
    for role, subject in { plan = local.plan_subject, apply = local.apply_subject } : role => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActionsOidc"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_host}:aud" = "sts.amazonaws.com"
            "${local.oidc_host}:sub" = subject
          }
        }
      }]
    })
  }

  arn = {
    roles          = "arn:${local.partition}:iam::${local.account_id}:role/${var.resource_prefix}-*"
    function_role  = "arn:${local.partition}:iam::${local.account_id}:role/${var.resource_prefix}-signer"
    pipeline_roles = ["arn:${local.partition}:iam::${local.account_id}:role/${var.plan_role_name}", "arn:${local.partition}:iam::${local.account_id}:role/${var.apply_role_name}"]
    oidc_provider  = "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.oidc_host}"
    functions      = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${var.resource_prefix}-*"
    log_groups = [
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${var.resource_prefix}-*",
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/${var.resource_prefix}/*",
      # API Gateway's execution log group is named by the API's id, known only once it exists.
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*",
    ]
    all_log_groups = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
    buckets        = "arn:${local.partition}:s3:::${local.bucket_glob}"
    user_pools     = "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/*"
    keys           = "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"
    aliases        = "arn:${local.partition}:kms:${local.region}:${local.account_id}:alias/${var.resource_prefix}*"
    # API Gateway's ARNs carry ids, not names: scoped to the region and the kinds the stack makes.
    apis = [
      "arn:${local.partition}:apigateway:${local.region}::/restapis",
      "arn:${local.partition}:apigateway:${local.region}::/restapis/*",
      "arn:${local.partition}:apigateway:${local.region}::/apikeys",
      "arn:${local.partition}:apigateway:${local.region}::/apikeys/*",
      "arn:${local.partition}:apigateway:${local.region}::/usageplans",
      "arn:${local.partition}:apigateway:${local.region}::/usageplans/*",
      "arn:${local.partition}:apigateway:${local.region}::/tags/*",
    ]
    api_account  = "arn:${local.partition}:apigateway:${local.region}::/account"
    queues       = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${var.resource_prefix}-*"
    rules        = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.resource_prefix}-*"
    scan_role    = "arn:${local.partition}:iam::${local.account_id}:role/${var.resource_prefix}-malware-scan"
    scan_plans   = "arn:${local.partition}:guardduty:${local.region}:${local.account_id}:malware-protection-plan/*"
    web_acls     = "arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/webacl/*"
    stages       = "arn:${local.partition}:apigateway:${local.region}::/restapis/*/stages/*"
    state_bucket = "arn:${local.partition}:s3:::${var.state_bucket_name}"
    state_object = "arn:${local.partition}:s3:::${var.state_bucket_name}/${var.state_key}"
    state_lock   = "arn:${local.partition}:s3:::${var.state_bucket_name}/${var.state_key}.tflock"
  }
}

# What each opt-in feature of the stack (stack_features) adds: to reading the stack (both roles)
# and to applying it. A statement with passed_to lets the role pass a role to that service only.
locals {
  enabled_features = toset([for feature, on in var.stack_features : feature if on])

  feature_read_statements = [for statement in [
    { features = ["events"], sid = "ReadStackEventQueues", actions = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], resources = [local.arn.queues] },
    { features = ["events"], sid = "ReadStackEventRules", actions = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"], resources = [local.arn.rules] },
    { features = ["malware_scan"], sid = "ReadStackMalwareProtectionPlan", actions = ["guardduty:GetMalwareProtectionPlan", "guardduty:ListTagsForResource"], resources = [local.arn.scan_plans] },
    { features = ["waf"], sid = "ReadStackWebAclAssociation", actions = ["wafv2:GetWebACLForResource", "wafv2:GetWebACL"], resources = [local.arn.web_acls, local.arn.stages] },
  ] : statement if length(setintersection(statement.features, local.enabled_features)) > 0]

  feature_apply_statements = [for statement in [
    { features = ["events"], sid = "ManageStackEventQueues", actions = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"], resources = [local.arn.queues], passed_to = null },
    { features = ["events"], sid = "ManageStackEventRules", actions = ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"], resources = [local.arn.rules], passed_to = null },
    # Completion events and GuardDuty's scan both hear uploads through the bucket's EventBridge notifications.
    { features = ["events", "malware_scan"], sid = "ManageStackBucketNotifications", actions = ["s3:PutBucketNotification"], resources = [local.arn.buckets], passed_to = null },
    # A plan's id (and so its ARN) exists only once it is created.
    { features = ["malware_scan"], sid = "CreateMalwareProtectionPlans", actions = ["guardduty:CreateMalwareProtectionPlan", "guardduty:TagResource"], resources = ["*"], passed_to = null },
    { features = ["malware_scan"], sid = "ManageMalwareProtectionPlans", actions = ["guardduty:UpdateMalwareProtectionPlan", "guardduty:DeleteMalwareProtectionPlan", "guardduty:UntagResource"], resources = [local.arn.scan_plans], passed_to = null },
    { features = ["malware_scan"], sid = "PassScanRoleToGuardDutyOnly", actions = ["iam:PassRole"], resources = [local.arn.scan_role], passed_to = "malware-protection-plan.guardduty.amazonaws.com" },
    { features = ["access_logs"], sid = "ManageStackBucketLogging", actions = ["s3:PutBucketLogging"], resources = [local.arn.buckets], passed_to = null },
    { features = ["waf"], sid = "AssociateWebAclWithStackStage", actions = ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "apigateway:SetWebACL"], resources = [local.arn.web_acls, local.arn.stages], passed_to = null },
  ] : statement if length(setintersection(statement.features, local.enabled_features)) > 0]
}

resource "aws_iam_openid_connect_provider" "this" {
  count = local.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  # AWS trusts GitHub's certificate through its own CA library and ignores these, but the API
  # (and provider versions before thumbprint_list became optional) still ask for one.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  tags            = var.tags
}

resource "aws_iam_role" "plan" {
  name                 = var.plan_role_name
  description          = "GitHub Actions: plan presigned-uploads from pull requests of ${var.github_repository} (read-only)."
  assume_role_policy   = local.trust_policies["plan"]
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role" "apply" {
  name                 = var.apply_role_name
  description          = "GitHub Actions: apply presigned-uploads from the ${var.environment_name} environment of ${var.github_repository}."
  assume_role_policy   = local.trust_policies["apply"]
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

# What refreshing the stack's state reads; both roles get it.
data "aws_iam_policy_document" "read" {
  statement {
    sid       = "ReadStackRolesAndPipeline"
    effect    = "Allow"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:GetOpenIDConnectProvider"]
    resources = concat([local.arn.roles, local.arn.oidc_provider], local.arn.pipeline_roles)
  }

  statement {
    sid       = "ReadStackFunction"
    effect    = "Allow"
    actions   = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:ListTags"]
    resources = [local.arn.functions]
  }

  statement {
    sid       = "ReadStackLogGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = concat([local.arn.all_log_groups], local.arn.log_groups)
  }

  statement {
    sid       = "ReadStackApi"
    effect    = "Allow"
    actions   = ["apigateway:GET"]
    resources = concat(local.arn.apis, [local.arn.api_account])
  }

  statement {
    sid    = "ReadStackBucketSettings"
    effect = "Allow"
    # Bucket settings only: no s3:GetObject, the plan never reads an upload.
    actions = [
      "s3:ListBucket", "s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
    ]
    resources = [local.arn.buckets]
  }

  statement {
    sid       = "ReadStackUserPools"
    effect    = "Allow"
    actions   = ["cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource"]
    resources = [local.arn.user_pools]
  }

  statement {
    sid       = "ReadKeys"
    effect    = "Allow"
    actions   = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
    resources = [local.arn.keys]
  }

  statement {
    sid       = "ListKeyAliases"
    effect    = "Allow"
    actions   = ["kms:ListAliases"]
    resources = ["*"] # ListAliases takes no resource
  }

  dynamic "statement" {
    for_each = local.feature_read_statements

    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }

}

# The backend's use_lockfile lock: a plan takes and releases <key>.tflock, and only reads the state.
data "aws_iam_policy_document" "plan_state" {
  statement {
    sid       = "ListStateBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.arn.state_bucket]
  }

  statement {
    sid       = "ReadState"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [local.arn.state_object, local.arn.state_lock]
  }

  statement {
    sid       = "TakeAndReleaseStateLock"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [local.arn.state_lock]
  }
}

data "aws_iam_policy_document" "apply_state" {
  source_policy_documents = [data.aws_iam_policy_document.plan_state.json]

  statement {
    sid       = "WriteState"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = [local.arn.state_object]
  }
}

# What applying (and destroying) the stack changes, scoped by name prefix wherever the ARN has a name.
data "aws_iam_policy_document" "apply" {
  statement {
    sid    = "ManageStackRoles"
    effect = "Allow"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
      "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:ListInstanceProfilesForRole",
    ]
    resources = [local.arn.roles]
  }

  statement {
    sid       = "PassFunctionRoleToLambdaOnly"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = [local.arn.function_role]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }

  # The pipeline's own roles and the OIDC provider are applied by an administrator, never by CI:
  # otherwise the apply role could widen its own trust or permissions.
  statement {
    sid         = "NeverChangeThePipeline"
    effect      = "Deny"
    not_actions = ["iam:Get*", "iam:List*"]
    resources   = concat(local.arn.pipeline_roles, [local.arn.oidc_provider])
  }

  statement {
    sid    = "ManageStackFunction"
    effect = "Allow"
    actions = [
      "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
      "lambda:AddPermission", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
      "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
    ]
    resources = [local.arn.functions]
  }

  statement {
    sid    = "ManageStackLogGroups"
    effect = "Allow"
    actions = [
      "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
      "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
    ]
    resources = local.arn.log_groups
  }

  statement {
    sid       = "ManageStackApi"
    effect    = "Allow"
    actions   = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"]
    resources = local.arn.apis
  }

  statement {
    sid    = "ManageStackBucketSettings"
    effect = "Allow"
    # The bucket and its settings, no object action: the stack never writes or deletes an upload.
    actions = [
      "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketOwnershipControls", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning", "s3:PutBucketCORS",
      "s3:PutLifecycleConfiguration", "s3:PutBucketTagging",
    ]
    resources = [local.arn.buckets]
  }

  statement {
    sid       = "CreateUserPools"
    effect    = "Allow"
    actions   = ["cognito-idp:CreateUserPool"]
    resources = ["*"] # a pool's id (and so its ARN) exists only once it is created
  }

  statement {
    sid    = "ManageUserPools"
    effect = "Allow"
    actions = [
      "cognito-idp:DeleteUserPool", "cognito-idp:UpdateUserPool", "cognito-idp:SetUserPoolMfaConfig",
      "cognito-idp:CreateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:UpdateUserPoolClient",
      "cognito-idp:TagResource", "cognito-idp:UntagResource",
    ]
    resources = [local.arn.user_pools]
  }

  dynamic "statement" {
    for_each = local.feature_apply_statements

    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.passed_to == null ? [] : [statement.value.passed_to]

        content {
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = [condition.value]
        }
      }
    }
  }

  dynamic "statement" {
    for_each = var.manage_kms_keys ? [1] : []

    content {
      sid       = "CreateTaggedKeys"
      effect    = "Allow"
      actions   = ["kms:CreateKey", "kms:TagResource"]
      resources = ["*"] # a key's id exists only once it is created; the request must carry the tag

      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/${var.kms_key_tag.key}"
        values   = [var.kms_key_tag.value]
      }
    }
  }

  dynamic "statement" {
    for_each = var.manage_kms_keys ? [1] : []

    content {
      sid    = "ManageTaggedKeys"
      effect = "Allow"
      actions = [
        "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
      ]
      resources = [local.arn.keys]

      condition {
        test     = "StringEquals"
        variable = "aws:ResourceTag/${var.kms_key_tag.key}"
        values   = [var.kms_key_tag.value]
      }
    }
  }

  dynamic "statement" {
    for_each = var.manage_kms_keys ? [1] : []

    content {
      sid       = "ManageStackAliases"
      effect    = "Allow"
      actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
      resources = [local.arn.aliases]
    }
  }
}

resource "aws_iam_role_policy" "plan_read" {
  name   = "read-stack"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "terraform-state"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan_state.json
}

resource "aws_iam_role_policy" "apply_read" {
  name   = "read-stack"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy" "apply_state" {
  name   = "terraform-state"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.apply_state.json
}

resource "aws_iam_role_policy" "apply" {
  name   = "apply-stack"
  role   = aws_iam_role.apply.id
  policy = data.aws_iam_policy_document.apply.json
}
