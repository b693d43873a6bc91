locals {
  create_queue = var.target_arn == null

  # What S3 sends to EventBridge for a new object (PutObject, POST, CompleteMultipartUpload,
  # CopyObject) in this bucket under the upload prefix.
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = [{ prefix = var.key_prefix }] }
    }
  })

  # EventBridge's input transformer reads JSON paths; it cannot split a string, so the owner
  # (the segment of `key` after `key_prefix`) is left to the consumer, who gets both.
  input_paths = {
    id     = "$.id"
    time   = "$.time"
    bucket = "$.detail.bucket.name"
    key    = "$.detail.object.key"
    size   = "$.detail.object.size"
    etag   = "$.detail.object.etag"
    reason = "$.detail.reason"
  }
  input_template = chomp(<<-EOT
    {"event_id": "<id>", "time": "<time>", "bucket": "<bucket>", "key": "<key>", "size": <size>, "etag": "<etag>", "reason": "<reason>", "key_prefix": "${var.key_prefix}"}
  EOT
  )

  target_arn = local.create_queue ? aws_sqs_queue.this[0].arn : var.target_arn
}

# Who may send to the queues: EventBridge, on behalf of this rule only.
data "aws_iam_policy_document" "queue" {
  for_each = local.create_queue ? toset(["queue", "dead_letter_queue"]) : toset([])

  statement {
    sid       = "OnlyTheUploadRuleSends"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [each.key == "queue" ? aws_sqs_queue.this[0].arn : aws_sqs_queue.dead_letter[0].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.this.arn]
    }
  }
}

resource "aws_sqs_queue" "dead_letter" {
  count = local.create_queue ? 1 : 0

  name                              = "${var.name}-dlq"
  message_retention_seconds         = 1209600 # 14 days, SQS's longest: time to look at what failed
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "this" {
  count = local.create_queue ? 1 : 0

  name                              = var.name
  message_retention_seconds         = var.message_retention_seconds
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  sqs_managed_sse_enabled           = var.kms_key_arn == null ? true : null
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_key_arn == null ? null : 300
  tags                              = var.tags

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_sqs_queue_policy" "this" {
  count = local.create_queue ? 1 : 0

  queue_url = aws_sqs_queue.this[0].id
  policy    = data.aws_iam_policy_document.queue["queue"].json
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.create_queue ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy    = data.aws_iam_policy_document.queue["dead_letter_queue"].json
}

# The bucket must send its events to EventBridge (all of them: the rule filters). The bucket
# module does that (eventbridge_notifications), so the setting has one owner whichever feature
# needs it: GuardDuty's malware scan hears uploads the same way, and a notification owned here
# would be emptied, scans and all, when events are turned off.

resource "aws_cloudwatch_event_rule" "this" {
  name           = "${var.name}-object-created"
  description    = "Objects created in ${var.bucket_name} under ${var.key_prefix}"
  event_bus_name = "default" # S3 sends its events to the default bus only
  event_pattern  = local.event_pattern
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "completed-uploads"
  arn       = local.target_arn

  input_transformer {
    input_paths    = local.input_paths
    input_template = local.input_template
  }

  # What EventBridge cannot deliver (a queue policy or key policy that refuses it) lands here.
  dynamic "dead_letter_config" {
    for_each = local.create_queue ? [1] : []

    content {
      arn = aws_sqs_queue.dead_letter[0].arn
    }
  }
}
