output "application_name" {
  description = "Name of the Flink application."
  value       = aws_kinesisanalyticsv2_application.this.name
}

output "application_arn" {
  description = "ARN of the Flink application."
  value       = aws_kinesisanalyticsv2_application.this.arn
}

output "application_version_id" {
  description = "Current version of the application configuration (increases with every update)."
  value       = aws_kinesisanalyticsv2_application.this.version_id
}

output "role_arn" {
  description = "Service execution role of the application."
  value       = module.role.role_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the application (Python errors under logger org.apache.flink.client.python.PythonDriver)."
  value       = module.role.log_group_name
}

output "code_object" {
  description = "S3 location and version of the deployed application zip."
  value       = "s3://${module.code_bucket.bucket_id}/${aws_s3_object.app.key}?versionId=${aws_s3_object.app.version_id}"
}

output "property_groups" {
  description = "Runtime properties the job receives, by group (the run options group excluded)."
  value       = local.property_groups
}

output "security_group_id" {
  description = "The application's own security group (null when it is not in a VPC): allow it on the store's port."
  value       = try(aws_security_group.app[0].id, null)
}
