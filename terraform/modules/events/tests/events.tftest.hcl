mock_provider "aws" {
  # Known at plan time, so policies and wiring can be asserted (Terraform 1.11+).
  mock_resource "aws_cloudwatch_event_rule" {
    override_during = plan
    defaults = {
      arn = "arn:aws:events:eu-west-1:123456789012:rule/uploads-events-object-created"
    }
  }
  mock_resource "aws_sqs_queue" {
    override_during = plan
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:uploads-events"
      id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/uploads-events"
    }
  }
}

variables {
  name        = "uploads-events"
  bucket_name = "uploads-test-bucket"
  key_prefix  = "uploads/"
}

run "routes_object_created_under_the_prefix_to_an_encrypted_queue" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == {
      source      = ["aws.s3"]
      detail-type = ["Object Created"]
      detail = {
        bucket = { name = ["uploads-test-bucket"] }
        object = { key = [{ prefix = "uploads/" }] }
      }
    }
    error_message = "The rule must match Object Created for this bucket under the upload prefix only."
  }

  assert {
    condition     = output.event_pattern == aws_cloudwatch_event_rule.this.event_pattern
    error_message = "The event pattern output is the rule's pattern."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.this.event_bus_name == "default"
    error_message = "S3 sends events to the default bus only."
  }

  assert {
    condition     = length(aws_sqs_queue.this) == 1 && aws_sqs_queue.this[0].sqs_managed_sse_enabled && aws_sqs_queue.dead_letter[0].sqs_managed_sse_enabled
    error_message = "Without a KMS key both queues use SQS-managed SSE."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.this[0].redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:eu-west-1:123456789012:uploads-events"
      maxReceiveCount     = 5
    }
    error_message = "The queue must redrive to the dead-letter queue after 5 receives."
  }

  assert {
    condition     = one(aws_cloudwatch_event_target.this.dead_letter_config).arn == aws_sqs_queue.dead_letter[0].arn
    error_message = "Events EventBridge cannot deliver must go to the dead-letter queue."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this.arn == "arn:aws:sqs:eu-west-1:123456789012:uploads-events"
    error_message = "The rule must deliver to the created queue."
  }

  assert {
    condition = alltrue([
      for document in data.aws_iam_policy_document.queue : length(document.statement) == 1 && alltrue([
        for statement in document.statement :
        statement.effect == "Allow" && statement.actions == toset(["sqs:SendMessage"]) &&
        one(statement.principals).type == "Service" && one(statement.principals).identifiers == toset(["events.amazonaws.com"]) &&
        one(statement.condition).test == "ArnEquals" && one(statement.condition).variable == "aws:SourceArn" &&
        one(statement.condition).values == tolist(["arn:aws:events:eu-west-1:123456789012:rule/uploads-events-object-created"])
      ])
    ]) && length(data.aws_iam_policy_document.queue) == 2
    error_message = "Both queue policies must admit only EventBridge sending on behalf of this rule."
  }

  assert {
    condition     = keys(data.aws_iam_policy_document.queue) == ["dead_letter_queue", "queue"] && length(aws_sqs_queue_policy.this) == 1 && length(aws_sqs_queue_policy.dead_letter) == 1
    error_message = "Each queue gets its policy."
  }

  assert {
    condition     = one(aws_cloudwatch_event_target.this.input_transformer).input_paths == tomap({ id = "$.id", time = "$.time", bucket = "$.detail.bucket.name", key = "$.detail.object.key", size = "$.detail.object.size", etag = "$.detail.object.etag", reason = "$.detail.reason" })
    error_message = "The transformer must read bucket, key, size and ETag from the S3 event's detail."
  }

  assert {
    condition     = strcontains(one(aws_cloudwatch_event_target.this.input_transformer).input_template, "\"size\": <size>,") && strcontains(one(aws_cloudwatch_event_target.this.input_transformer).input_template, "\"key_prefix\": \"uploads/\"}")
    error_message = "The message carries size as a number and the key prefix."
  }
}

run "a_kms_key_encrypts_both_queues" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_sqs_queue.this[0].kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dead_letter[0].kms_master_key_id == var.kms_key_arn
    error_message = "With a KMS key both queues use it."
  }
}

run "a_target_arn_creates_no_queue" {
  command = plan

  variables {
    target_arn = "arn:aws:lambda:eu-west-1:123456789012:function:on-upload"
  }

  assert {
    condition     = length(aws_sqs_queue.this) == 0 && length(aws_sqs_queue.dead_letter) == 0 && length(aws_sqs_queue_policy.this) == 0 && length(data.aws_iam_policy_document.queue) == 0
    error_message = "With target_arn no queue, dead-letter queue or queue policy is created."
  }

  assert {
    condition     = aws_cloudwatch_event_target.this.arn == var.target_arn && length(aws_cloudwatch_event_target.this.dead_letter_config) == 0
    error_message = "The rule must deliver to the given target."
  }

  assert {
    condition     = output.queue_url == null && output.queue_arn == null && output.dead_letter_queue_arn == null
    error_message = "The queue outputs are null with target_arn."
  }
}

run "rejects_a_prefix_without_a_trailing_slash" {
  command = plan

  variables {
    key_prefix = "uploads"
  }

  expect_failures = [var.key_prefix]
}
