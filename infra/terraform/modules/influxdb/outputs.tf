output "instance_id" {
  description = "ID of the DB instance (aws timestream-influxdb get-db-instance --identifier)."
  value       = aws_timestreaminfluxdb_db_instance.this.id
}

output "instance_arn" {
  description = "ARN of the DB instance."
  value       = aws_timestreaminfluxdb_db_instance.this.arn
}

output "endpoint" {
  description = "Host name of the instance (private: resolvable and reachable inside the VPC)."
  value       = aws_timestreaminfluxdb_db_instance.this.endpoint
}

output "url" {
  description = "Base URL of the InfluxDB API (the job's sink/influxdb.url, Grafana's data source URL)."
  value       = "https://${aws_timestreaminfluxdb_db_instance.this.endpoint}:${var.port}"
}

output "organization" {
  description = "The instance's initial organization."
  value       = var.organization
}

output "bucket" {
  description = "The instance's initial bucket, also the InfluxDB v1 database name."
  value       = var.bucket
}

output "admin_secret_arn" {
  description = "Secret the instance wrote itself with its admin credentials (organization, bucket, username, password)."
  value       = aws_timestreaminfluxdb_db_instance.this.influx_auth_parameters_secret_arn
}

output "job_token_secret_arn" {
  description = "Secret holding the job's write token (empty until filled, docs/DEPLOY.md)."
  value       = aws_secretsmanager_secret.token["job"].arn
}

output "grafana_token_secret_arn" {
  description = "Secret holding Grafana's read token (empty until filled, docs/DEPLOY.md)."
  value       = aws_secretsmanager_secret.token["grafana"].arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the token secrets and the engine logs."
  value       = module.key.key_arn
}

output "security_group_id" {
  description = "The instance's security group."
  value       = aws_security_group.this.id
}

output "log_bucket" {
  description = "Bucket receiving the engine logs (under InfluxLogs/)."
  value       = module.logs.bucket_id
}
