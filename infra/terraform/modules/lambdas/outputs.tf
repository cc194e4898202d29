output "function_arns" {
  description = "ARN of each function, by module name in lambdas/."
  value       = { for key, f in aws_lambda_function.this : key => f.arn }
}

output "role_arns" {
  description = "Execution role of each function, by module name."
  value       = { for key, role in module.function_role : key => role.role_arn }
}

output "dlq_urls" {
  description = "Dead-letter queue of each function, by module name (failed events, batches and invocations)."
  value       = { for key, q in aws_sqs_queue.dlq : key => q.url }
}

output "contact_event_rule_arn" {
  description = "ARN of the EventBridge rule routing Connect contact events."
  value       = aws_cloudwatch_event_rule.contact_events.arn
}

output "contact_event_pattern" {
  description = "Event pattern of that rule."
  value       = aws_cloudwatch_event_rule.contact_events.event_pattern
}

output "agent_event_source_mapping_uuid" {
  description = "ID of the Kinesis event source mapping of persist_agent_event (null without functions)."
  value       = try(aws_lambda_event_source_mapping.agent_events[0].uuid, null)
}

output "instance_data_schedule_arn" {
  description = "ARN of the schedule invoking persist_instance_data (null without functions)."
  value       = try(aws_scheduler_schedule.instance_data[0].arn, null)
}

output "contact_events_to_stream_role_arn" {
  description = "Role EventBridge assumes to put contact events onto the shared stream (null when contact_events_to_stream = false)."
  value       = try(module.stream_target_role[0].role_arn, null)
}
