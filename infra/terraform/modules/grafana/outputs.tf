output "workspace_id" {
  description = "ID of the Grafana workspace."
  value       = aws_grafana_workspace.this.id
}

output "workspace_url" {
  description = "URL of the Grafana workspace."
  value       = "https://${aws_grafana_workspace.this.endpoint}"
}

output "provisioner_service_account_id" {
  description = "ID of the Grafana service account used by infra/scripts/provision_grafana.py."
  value       = aws_grafana_workspace_service_account.provisioner.service_account_id
}

output "datasources" {
  description = "Grafana data source definitions (Grafana HTTP API shape) that the provisioning script creates or updates, by uid."
  value = {
    timestream = {
      uid    = "connect-timestream"
      name   = "Connect metrics (Timestream)"
      type   = "grafana-timestream-datasource"
      access = "proxy"
      jsonData = {
        authType        = "ec2_iam_role"
        defaultRegion   = var.timestream_region
        defaultDatabase = "\"${var.timestream_database_name}\"" # the plugin stores it quoted
      }
    }
    athena = {
      uid    = "connect-athena"
      name   = "Connect history (Athena)"
      type   = "grafana-athena-datasource"
      access = "proxy"
      jsonData = {
        authType      = "ec2_iam_role"
        defaultRegion = local.region
        catalog       = "AwsDataCatalog"
        database      = var.glue_database_name
        workgroup     = var.athena_workgroup_name
      }
    }
    cloudwatch = {
      uid    = "connect-cloudwatch"
      name   = "Connect monitor health (CloudWatch)"
      type   = "cloudwatch"
      access = "proxy"
      jsonData = {
        authType      = "ec2_iam_role"
        defaultRegion = local.region
      }
    }
  }
}

output "dashboards_path" {
  description = "Directory the dashboard JSON files are read from."
  value       = var.dashboards_path
}

output "dashboard_files" {
  description = "Dashboard JSON files found under dashboards_path at plan time (relative paths)."
  value       = local.dashboard_files
}
