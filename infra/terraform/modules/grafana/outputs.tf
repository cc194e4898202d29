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
  value = merge(var.timestream_database_arn == null ? {} : {
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
    }, var.influxdb == null ? {} : {
    influxdb = {
      uid    = "connect-influxdb"
      name   = "Connect metrics (InfluxDB)"
      type   = "influxdb"
      access = "proxy"
      url    = var.influxdb.url
      jsonData = {
        version         = "InfluxQL" # the v1 query API, served by the InfluxDB 2 engine through its DBRP mapping
        dbName          = var.influxdb.database
        httpMode        = "POST"
        httpHeaderName1 = "Authorization"
      }
      # Not a Grafana field: provision_grafana.py reads the secret and sends "Token <token>" as
      # secureJsonData.httpHeaderValue1, so the token is never in Terraform's state or outputs.
      secureJsonDataFromSecrets = {
        httpHeaderValue1 = { secret_arn = var.influxdb.token_secret_arn, template = "Token {token}" }
      }
    }
    }, {
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
  })
}

output "security_group_id" {
  description = "The workspace's own security group in the VPC (null when not connected)."
  value       = try(aws_security_group.workspace[0].id, null)
}

output "dashboards_path" {
  description = "Directory the dashboard JSON files are read from."
  value       = var.dashboards_path
}

output "dashboard_files" {
  description = "Dashboard JSON files found under dashboards_path at plan time (relative paths)."
  value       = local.dashboard_files
}
