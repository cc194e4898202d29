output "region" {
  description = "Region holding the Timestream database."
  value       = local.region
}

output "database_name" {
  description = "Name of the Timestream database."
  value       = aws_timestreamwrite_database.this.database_name
}

output "database_arn" {
  description = "ARN of the Timestream database."
  value       = aws_timestreamwrite_database.this.arn
}

output "table_arns" {
  description = "ARN of each table, by table name."
  value       = { for name, t in aws_timestreamwrite_table.this : name => t.arn }
}

output "kms_key_arn" {
  description = "KMS key encrypting the database and the rejected-record reports."
  value       = module.key.key_arn
}

output "rejected_records_bucket" {
  description = "Bucket receiving rejected-record reports."
  value       = module.rejected_records.bucket_id
}
