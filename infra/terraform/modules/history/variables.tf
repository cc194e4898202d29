variable "name_prefix" {
  description = "Prefix of the names of the resources created here (delivery stream, role, log group, key alias)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "stream_arn" {
  description = "ARN of the Kinesis stream carrying agent events and CTRs."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/", var.stream_arn))
    error_message = "stream_arn must be a Kinesis stream ARN."
  }
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of the stream (Firehose gets kms:Decrypt on it); null when the stream uses the AWS-managed key."
  type        = string
  nullable    = true
}

variable "data_bucket_name" {
  description = "Name of the bucket (created here) that receives the raw records."
  type        = string
}

variable "data_expiration_days" {
  description = "Days raw records are kept in S3; null keeps them until deleted."
  type        = number
  nullable    = true
}

variable "athena_results_bucket_name" {
  description = "Name of the bucket (created here) for Athena query results."
  type        = string
}

variable "athena_results_expiration_days" {
  description = "Days Athena query results are kept."
  type        = number

  validation {
    condition     = var.athena_results_expiration_days >= 1
    error_message = "athena_results_expiration_days must be at least 1."
  }
}

variable "buffering_interval_seconds" {
  description = "Firehose writes an S3 object at least this often (60-900 s): the delay before a record is queryable in Athena."
  type        = number

  validation {
    condition     = var.buffering_interval_seconds >= 60 && var.buffering_interval_seconds <= 900
    error_message = "buffering_interval_seconds must be from 60 to 900."
  }
}

variable "buffering_size_mib" {
  description = "Firehose writes an S3 object when this much data is buffered (64-128 MiB: dynamic partitioning needs at least 64)."
  type        = number

  validation {
    condition     = var.buffering_size_mib >= 64 && var.buffering_size_mib <= 128
    error_message = "buffering_size_mib must be from 64 to 128 (dynamic partitioning needs at least 64)."
  }
}

variable "glue_database_name" {
  description = "Name of the Glue Data Catalog database holding the history tables (ctr, contact_event, agent_event)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database_name))
    error_message = "glue_database_name must be lower-case letters, digits and underscores (Athena's rule)."
  }
}

variable "partition_projection_start_date" {
  description = "First date (yyyy-MM-dd) of the date partitions Athena projects for the history tables."
  type        = string

  validation {
    condition     = can(formatdate("YYYY-MM-DD", "${var.partition_projection_start_date}T00:00:00Z"))
    error_message = "partition_projection_start_date must be a date like 2026-01-01."
  }
}

variable "athena_workgroup_name" {
  description = "Name of the Athena workgroup (results encrypted with SSE-KMS, settings enforced)."
  type        = string
}

variable "athena_bytes_scanned_cutoff" {
  description = "Largest number of bytes one Athena query of the workgroup may scan (at least 10 MB); a guard against accidental full scans."
  type        = number

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB)."
  }
}

variable "log_retention_days" {
  description = "Retention of the Firehose error log group, in days (a value CloudWatch Logs accepts)."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the history KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the buckets while they hold objects."
  type        = bool
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
