output "queue_url" {
  description = "URL of the queue the completion messages land in (null with target_arn)."
  value       = try(aws_sqs_queue.this[0].id, null)
}

output "queue_arn" {
  description = "ARN of the queue (null with target_arn)."
  value       = try(aws_sqs_queue.this[0].arn, null)
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue: messages received max_receive_count times, and events EventBridge could not deliver (null with target_arn)."
  value       = try(aws_sqs_queue.dead_letter[0].arn, null)
}

output "rule_arn" {
  description = "ARN of the EventBridge rule (the aws:SourceArn a target's policy admits)."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "rule_name" {
  description = "Name of the EventBridge rule, on the default bus."
  value       = aws_cloudwatch_event_rule.this.name
}

output "event_pattern" {
  description = "The rule's event pattern (JSON), for another rule or consumer that wants the same events."
  value       = local.event_pattern
}

output "message_fields" {
  description = "The fields of each message the target receives (the input transformer's template keys)."
  value       = ["event_id", "time", "bucket", "key", "size", "etag", "reason", "key_prefix"]
}
