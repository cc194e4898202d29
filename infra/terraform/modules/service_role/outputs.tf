output "role_arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the log group (null without one)."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "log_group_arn" {
  description = "ARN of the log group, without the ':*' suffix (null without one)."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}

output "log_stream_name" {
  description = "Name of the log stream (null without one)."
  value       = try(aws_cloudwatch_log_stream.this[0].name, null)
}

output "log_stream_arn" {
  description = "ARN of the log stream (null without one)."
  value       = try(aws_cloudwatch_log_stream.this[0].arn, null)
}

output "policies_attached" {
  description = "Names of the inline policies, known once they are attached: depend on it (or on the module) before using the role."
  value       = [for policy in aws_iam_role_policy.this : policy.name]
}
