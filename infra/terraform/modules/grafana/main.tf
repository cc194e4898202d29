# Amazon Managed Grafana with the Timestream (live metrics), Athena (CTR history) and CloudWatch
# (pipeline health: dead letters, rejected records) data sources. The workspace role is customer-managed and can read exactly this project's tables,
# workgroup and buckets. Data source instances and dashboards are created inside Grafana by
# infra/scripts/provision_grafana.py from the outputs below (no Grafana provider is pinned here).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  dashboard_files = try(sort(tolist(fileset(var.dashboards_path, "**/*.json"))), [])
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["grafana.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "workspace" {
  name               = "${var.workspace_name}-grafana"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "workspace" {
  statement {
    sid       = "QueryTimestreamTables"
    actions   = ["timestream:DescribeTable", "timestream:ListMeasures", "timestream:Select"]
    resources = values(var.timestream_table_arns)
  }

  statement {
    sid       = "BrowseTimestreamDatabase"
    actions   = ["timestream:DescribeDatabase", "timestream:ListTables"]
    resources = [var.timestream_database_arn]
  }

  statement {
    sid       = "DiscoverTimestream"
    actions   = ["timestream:DescribeEndpoints", "timestream:ListDatabases"]
    resources = ["*"] # neither action has a resource type: AWS requires "*"
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

  statement {
    sid       = "ReadDataCatalog"
    actions   = ["athena:GetDataCatalog"]
    resources = ["arn:${local.partition}:athena:${local.region}:${local.account_id}:datacatalog/AwsDataCatalog"]
  }

  statement {
    sid = "ReadGlueTable"
    actions = [
      "glue:GetDatabase",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTables",
    ]
    resources = [
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
      var.glue_database_arn,
      var.glue_table_arn,
    ]
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

resource "aws_iam_role_policy" "workspace" {
  name   = "read-connect-monitor"
  role   = aws_iam_role.workspace.id
  policy = data.aws_iam_policy_document.workspace.json
}

resource "aws_grafana_workspace" "this" {
  name                     = var.workspace_name
  description              = "Real-time Amazon Connect monitoring."
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = ["AWS_SSO"]
  permission_type          = "CUSTOMER_MANAGED"
  role_arn                 = aws_iam_role.workspace.arn
  data_sources             = ["ATHENA", "CLOUDWATCH", "TIMESTREAM"]
  grafana_version          = var.grafana_version
  configuration = jsonencode({
    plugins         = { pluginAdminEnabled = false }
    unifiedAlerting = { enabled = true }
  })
  tags = var.tags
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
