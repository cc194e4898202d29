output "stream_name" {
  description = "Name of the stream."
  value       = var.stream_name
}

output "stream_arn" {
  description = "ARN of the stream (created or adopted)."
  value       = local.stream_arn
}

output "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the stream, or null when an adopted stream uses the AWS-managed key. Readers need kms:Decrypt on it."
  value       = local.kms_key_arn
}

output "efo_consumer_name" {
  description = "Name of the Flink job's enhanced fan-out consumer."
  value       = aws_kinesis_stream_consumer.flink.name
}

output "efo_consumer_arn" {
  description = "ARN of the Flink job's enhanced fan-out consumer (kinesis:SubscribeToShard is granted on it)."
  value       = aws_kinesis_stream_consumer.flink.arn
}
