output "delivery_stream_arn" {
  description = "ARN of the Firehose delivery stream archiving the Kinesis stream."
  value       = aws_kinesis_firehose_delivery_stream.history.arn
}

output "data_bucket" {
  description = "Bucket holding the raw records (records/kind=ctr|agent_event|contact_event|unknown/dt=yyyy-MM-dd/, errors/...)."
  value       = module.data_bucket.bucket_id
}

output "data_bucket_arn" {
  description = "ARN of the raw-records bucket."
  value       = module.data_bucket.bucket_arn
}

output "athena_results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  value       = module.athena_results_bucket.bucket_arn
}

output "kms_key_arn" {
  description = "KMS key encrypting raw records, Athena results and the Firehose log."
  value       = module.key.key_arn
}

output "glue_database_name" {
  description = "Glue database holding the CTR table."
  value       = aws_glue_catalog_database.this.name
}

output "glue_table_name" {
  description = "Glue table of CTRs."
  value       = aws_glue_catalog_table.ctr.name
}

output "glue_table_arn" {
  description = "ARN of the Glue CTR table."
  value       = aws_glue_catalog_table.ctr.arn
}

output "glue_table_names" {
  description = "Glue table of each record kind Athena reads (ctr, contact_event, agent_event), by kind."
  value       = merge({ ctr = aws_glue_catalog_table.ctr.name }, { for kind, table in aws_glue_catalog_table.kind : kind => table.name })
}

output "glue_table_arns" {
  description = "ARNs of the Glue tables of every record kind (ctr, contact_event, agent_event)."
  value       = concat([aws_glue_catalog_table.ctr.arn], [for table in aws_glue_catalog_table.kind : table.arn])
}

output "glue_database_arn" {
  description = "ARN of the Glue database."
  value       = aws_glue_catalog_database.this.arn
}

output "athena_workgroup_name" {
  description = "Athena workgroup for history queries."
  value       = aws_athena_workgroup.this.name
}

output "athena_workgroup_arn" {
  description = "ARN of the Athena workgroup."
  value       = aws_athena_workgroup.this.arn
}
