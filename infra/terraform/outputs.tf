output "stream_arn" {
  description = "ARN of the Kinesis stream."
  value       = module.kinesis.stream_arn
}

output "efo_consumer_arn" {
  description = "Enhanced fan-out consumer of the Flink job."
  value       = module.kinesis.efo_consumer_arn
}

output "flink_application_name" {
  description = "Name of the Managed Flink application."
  value       = module.flink.application_name
}

output "flink_application_version_id" {
  description = "Configuration version of the Flink application (increases on every rollout)."
  value       = module.flink.application_version_id
}

output "flink_log_group" {
  description = "CloudWatch log group of the Flink job."
  value       = module.flink.log_group_name
}

output "flink_code_object" {
  description = "Deployed application zip (S3 location and version)."
  value       = module.flink.code_object
}

output "flink_property_groups" {
  description = "Runtime properties the job receives."
  value       = module.flink.property_groups
}

output "store" {
  description = "Where the job's real-time figures are stored: timestream or influxdb."
  value       = var.store
}

output "timestream_region" {
  description = "Region holding the Timestream data (null with store = influxdb)."
  value       = try(module.timestream[0].region, null)
}

output "timestream_database" {
  description = "Timestream database (null with store = influxdb)."
  value       = try(module.timestream[0].database_name, null)
}

output "influxdb_endpoint" {
  description = "Host name of the Timestream for InfluxDB instance, private to the VPC (null with store = timestream)."
  value       = try(module.influxdb[0].endpoint, null)
}

output "influxdb_url" {
  description = "Base URL of the InfluxDB API: the job's sink/influxdb.url and Grafana's data source (null with store = timestream)."
  value       = try(module.influxdb[0].url, null)
}

output "influxdb_instance_id" {
  description = "ID of the Timestream for InfluxDB instance (null with store = timestream)."
  value       = try(module.influxdb[0].instance_id, null)
}

output "influxdb_organization" {
  description = "InfluxDB organization of the instance (null with store = timestream)."
  value       = try(module.influxdb[0].organization, null)
}

output "influxdb_bucket" {
  description = "InfluxDB bucket, also the v1 database the job writes (null with store = timestream)."
  value       = try(module.influxdb[0].bucket, null)
}

output "influxdb_admin_secret_arn" {
  description = "Secret the instance created with its admin credentials, used once to create the tokens (null with store = timestream)."
  value       = try(module.influxdb[0].admin_secret_arn, null)
}

output "influxdb_token_secret_arn" {
  description = "Secret holding the job's write token (sink/influxdb.token.secret_arn): fill it once after the first apply, docs/DEPLOY.md (null with store = timestream)."
  value       = try(module.influxdb[0].job_token_secret_arn, null)
}

output "influxdb_grafana_token_secret_arn" {
  description = "Secret holding Grafana's read token, read by infra/scripts/provision_grafana.py (null with store = timestream)."
  value       = try(module.influxdb[0].grafana_token_secret_arn, null)
}

output "flink_security_group_id" {
  description = "Security group of the Flink application in the VPC (null with store = timestream)."
  value       = module.flink.security_group_id
}

output "timestream_tables_by_writer" {
  description = "Timestream tables, by the component that writes them."
  value       = local.tables_by_writer
}

output "history_bucket" {
  description = "Bucket with the raw Connect records."
  value       = module.history.data_bucket
}

output "athena_workgroup" {
  description = "Athena workgroup for CTR history (table <glue_database>.ctr)."
  value       = module.history.athena_workgroup_name
}

output "glue_database" {
  description = "Glue database of the CTR table."
  value       = module.history.glue_database_name
}

output "lambda_dlq_urls" {
  description = "Dead-letter queue of each function."
  value       = module.lambdas.dlq_urls
}

output "grafana_workspace_id" {
  description = "Amazon Managed Grafana workspace ID (null when disabled)."
  value       = try(module.grafana[0].workspace_id, null)
}

output "grafana_workspace_url" {
  description = "URL of the Grafana workspace (null when disabled)."
  value       = try(module.grafana[0].workspace_url, null)
}

output "grafana_provisioner_service_account_id" {
  description = "Service account used by infra/scripts/provision_grafana.py (null when disabled)."
  value       = try(module.grafana[0].provisioner_service_account_id, null)
}

output "grafana_datasources" {
  description = "Data source definitions for the provisioning script (null when disabled)."
  value       = try(module.grafana[0].datasources, null)
}

output "grafana_dashboards_path" {
  description = "Directory of dashboard JSON files the provisioning script uploads."
  value       = var.grafana_dashboards_path
}
