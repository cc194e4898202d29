# Amazon Managed Grafana with the live-metrics store (Timestream for LiveAnalytics, or InfluxDB in
# InfluxQL mode), Athena (CTR history) and CloudWatch (pipeline health: dead letters, rejected records)
# data sources. The workspace role is customer-managed and can read exactly this project's tables,
# workgroup and buckets. Data source instances and dashboards are created inside Grafana by
# infra/scripts/provision_grafana.py from the outputs below (no Grafana provider is pinned here).
# With InfluxDB the workspace is connected to the VPC (var.vpc): the instance is private, and the
# workspace then reaches its AWS data sources through that VPC too (interface endpoints or a NAT).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  dashboard_files = try(sort(tolist(fileset(var.dashboards_path, "**/*.json"))), [])
}

module "role" {
  source = "../service_role"

  name        = "${var.workspace_name}-grafana"
  service     = "grafana.amazonaws.com"
  source_arns = []
  policies    = { "read-connect-monitor" = data.aws_iam_policy_document.workspace.json }
  log_group   = null
  tags        = var.tags
}

# Addresses before the role moved into modules/service_role: no replacement on apply.
moved {
  from = aws_iam_role.workspace
  to   = module.role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.workspace
  to   = module.role.aws_iam_role_policy.this["read-connect-monitor"]
}

data "aws_iam_policy_document" "workspace" {
  dynamic "statement" {
    for_each = var.timestream_database_arn == null ? [] : [1]
    content {
      sid       = "QueryTimestreamTables"
      actions   = ["timestream:DescribeTable", "timestream:ListMeasures", "timestream:Select"]
      resources = values(var.timestream_table_arns)
    }
  }

  dynamic "statement" {
    for_each = var.timestream_database_arn == null ? [] : [var.timestream_database_arn]
    content {
      sid       = "BrowseTimestreamDatabase"
      actions   = ["timestream:DescribeDatabase", "timestream:ListTables"]
      resources = [statement.value]
    }
  }

  # The plugin's health check runs `SELECT 1` (SelectValues: a query that reads no table) and a
  # dashboard that is closed mid-query cancels it (CancelQuery); neither has a resource type.
  dynamic "statement" {
    for_each = var.timestream_database_arn == null ? [] : [1]
    content {
      sid = "DiscoverAndRunTimestreamQueries"
      actions = [
        "timestream:CancelQuery",
        "timestream:DescribeEndpoints",
        "timestream:ListDatabases",
        "timestream:SelectValues",
      ]
      resources = ["*"] # none of these actions has a resource type: AWS requires "*"
    }
  }

  statement {
    sid       = "ReadHealthMetrics" # the dead-letter / rejected-record panel (Lambda and job metrics)
    actions   = ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]
    resources = ["*"] # CloudWatch metric reads have no resource type: AWS requires "*"
  }

  statement {
    sid = "RunAthenaQueries"
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:GetWorkGroup",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [var.athena_workgroup_arn]
  }

  # The query editor's catalog, database and table pickers.
  statement {
    sid = "BrowseDataCatalog"
    actions = [
      "athena:GetDataCatalog",
      "athena:GetTableMetadata",
      "athena:ListDatabases",
      "athena:ListTableMetadata",
    ]
    resources = ["arn:${local.partition}:athena:${local.region}:${local.account_id}:datacatalog/AwsDataCatalog"]
  }

  statement {
    sid       = "ListCatalogsAndWorkgroups"
    actions   = ["athena:ListDataCatalogs", "athena:ListWorkGroups"]
    resources = ["*"] # list actions without a resource type: AWS requires "*"
  }

  # Athena reads the Glue catalog with the caller's rights (ListDatabases needs glue:GetDatabases,
  # ListTableMetadata glue:GetTables): the catalog, this database and its tables only.
  statement {
    sid = "ReadGlueTables"
    actions = [
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTables",
    ]
    resources = concat(
      [
        "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
        var.glue_database_arn,
      ],
      var.glue_table_arns,
    )
  }

  statement {
    sid       = "ReadHistory"
    actions   = ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]
    resources = [var.history_bucket_arn, "${var.history_bucket_arn}/*"]
  }

  statement {
    sid = "WriteAthenaResults"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:GetBucketLocation",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]
    resources = [var.athena_results_bucket_arn, "${var.athena_results_bucket_arn}/*"]
  }

  statement {
    sid       = "UseHistoryKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.history_kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_grafana_workspace" "this" {
  name                     = var.workspace_name
  description              = "Real-time Amazon Connect monitoring."
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = ["AWS_SSO"]
  permission_type          = "CUSTOMER_MANAGED"
  role_arn                 = module.role.role_arn
  data_sources             = var.timestream_database_arn == null ? ["ATHENA", "CLOUDWATCH"] : ["ATHENA", "CLOUDWATCH", "TIMESTREAM"]
  grafana_version          = var.grafana_version
  configuration = jsonencode({
    plugins         = { pluginAdminEnabled = false }
    unifiedAlerting = { enabled = true }
  })
  tags = var.tags

  # Outbound to a data source inside the VPC (the private InfluxDB instance).
  dynamic "vpc_configuration" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnet_ids         = vpc_configuration.value.subnet_ids
      security_group_ids = [aws_security_group.workspace[0].id]
    }
  }
}

resource "aws_security_group" "workspace" {
  #checkov:skip=CKV2_AWS_5:Attached to the Grafana workspace's VPC connection (vpc_configuration above), which checkov does not follow.
  count       = var.vpc == null ? 0 : 1
  name        = "${var.workspace_name}-grafana"
  description = "Amazon Managed Grafana workspace ${var.workspace_name}: egress to its data sources only"
  vpc_id      = var.vpc.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "workspace" {
  for_each = var.vpc == null ? {} : var.vpc.egress

  security_group_id            = aws_security_group.workspace[0].id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
  cidr_ipv4                    = each.value.cidr_ipv4
  tags                         = var.tags
}

resource "aws_grafana_role_association" "admins" {
  count        = length(var.admin_sso_group_ids) > 0 ? 1 : 0
  workspace_id = aws_grafana_workspace.this.id
  role         = "ADMIN"
  group_ids    = var.admin_sso_group_ids
}

resource "aws_grafana_role_association" "viewers" {
  count        = length(var.viewer_sso_group_ids) > 0 ? 1 : 0
  workspace_id = aws_grafana_workspace.this.id
  role         = "VIEWER"
  group_ids    = var.viewer_sso_group_ids
}

# The service account the provisioning script uses (its short-lived token is created by the
# script through the AWS API, never stored in Terraform state).
resource "aws_grafana_workspace_service_account" "provisioner" {
  workspace_id = aws_grafana_workspace.this.id
  name         = "provisioner"
  grafana_role = "ADMIN"
}
