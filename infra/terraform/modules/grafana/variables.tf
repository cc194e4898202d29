variable "workspace_name" {
  description = "Name of the Amazon Managed Grafana workspace."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,255}$", var.workspace_name))
    error_message = "workspace_name must be letters, digits, '_' and '-'."
  }
}

variable "grafana_version" {
  description = "Grafana version of the workspace (one Amazon Managed Grafana offers, e.g. 10.4)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.grafana_version))
    error_message = "grafana_version must look like 10.4."
  }
}

variable "admin_sso_group_ids" {
  description = "IAM Identity Center group IDs given the Grafana ADMIN role (AWS_SSO authentication needs IAM Identity Center enabled in the account). Empty: assign users later in the console."
  type        = list(string)
}

variable "viewer_sso_group_ids" {
  description = "IAM Identity Center group IDs given the Grafana VIEWER role."
  type        = list(string)
}

variable "timestream_region" {
  description = "Region of the Timestream database (the Timestream data source's default region); null with the InfluxDB store."
  type        = string
  nullable    = true
}

variable "timestream_database_name" {
  description = "Timestream database the dashboards query; null with the InfluxDB store."
  type        = string
  nullable    = true
}

variable "timestream_database_arn" {
  description = "ARN of that database; null with the InfluxDB store (no Timestream data source, no Timestream permissions)."
  type        = string
  nullable    = true
}

variable "timestream_table_arns" {
  description = "ARNs of the tables the dashboards may read, by table name ({} with the InfluxDB store)."
  type        = map(string)
}

variable "influxdb" {
  description = "With the InfluxDB store: the instance's URL, the v1 database the dashboards query in InfluxQL, and the secret holding Grafana's read token (the provisioning script reads it; the token never passes through Terraform). null with Timestream."
  type = object({
    url              = string
    database         = string
    token_secret_arn = string
  })
  nullable = true

  validation {
    condition     = (var.influxdb == null) != (var.timestream_database_arn == null)
    error_message = "Give exactly one live-metrics store: influxdb, or the timestream_* variables."
  }
}

variable "vpc" {
  description = "Connects the workspace to a VPC (null: not connected): the VPC, 2-6 subnets for its network interfaces and the egress rules of its own security group, by name (a TCP port to a security group or to an IPv4 range)."
  type = object({
    vpc_id     = string
    subnet_ids = list(string)
    egress = map(object({
      description       = string
      port              = number
      security_group_id = optional(string)
      cidr_ipv4         = optional(string)
    }))
  })
  nullable = true

  validation {
    condition = var.vpc == null ? true : (
      length(var.vpc.subnet_ids) >= 2 && length(var.vpc.subnet_ids) <= 6 &&
      alltrue([for rule in values(var.vpc.egress) : (rule.security_group_id == null) != (rule.cidr_ipv4 == null)])
    )
    error_message = "vpc needs 2-6 subnets (Amazon Managed Grafana's rule) and each egress rule exactly one of security_group_id or cidr_ipv4."
  }
}

variable "athena_workgroup_name" {
  description = "Athena workgroup the Athena data source uses."
  type        = string
}

variable "athena_workgroup_arn" {
  description = "ARN of that workgroup."
  type        = string
}

variable "glue_database_name" {
  description = "Glue database of the CTR history table."
  type        = string
}

variable "glue_database_arn" {
  description = "ARN of that Glue database."
  type        = string
}

variable "glue_table_arns" {
  description = "ARNs of the Glue tables of the history (one per record kind) that Athena queries may read."
  type        = list(string)
}

variable "history_bucket_arn" {
  description = "ARN of the bucket with raw records (read by Athena queries)."
  type        = string
}

variable "athena_results_bucket_arn" {
  description = "ARN of the bucket receiving Athena results."
  type        = string
}

variable "history_kms_key_arn" {
  description = "KMS key of the raw records and Athena results."
  type        = string
}

variable "dashboards_path" {
  description = "Directory of Grafana dashboard JSON files (the repository's grafana/dashboards/ folder), provisioned by infra/scripts/provision_grafana.py. The directory may be empty or absent until dashboards exist."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
