variable "stream_name" {
  description = "Name of the Kinesis data stream that Amazon Connect streams agent events and contact trace records (CTRs) to."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,128}$", var.stream_name))
    error_message = "stream_name must be 1-128 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "create_stream" {
  description = "true: create the stream (KMS-encrypted with a key created here). false: adopt the existing stream named stream_name (data source only; it is never modified or destroyed)."
  type        = bool
}

variable "stream_mode" {
  description = "Capacity mode of a created stream: ON_DEMAND or PROVISIONED. Ignored when adopting."
  type        = string

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.stream_mode)
    error_message = "stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "shard_count" {
  description = "Shards of a created PROVISIONED stream (ignored for ON_DEMAND and when adopting). Each shard takes 1 MB/s or 1,000 records/s in, 2 MB/s out per shared-throughput reader."
  type        = number

  validation {
    condition     = var.shard_count >= 1 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number of at least 1."
  }
}

variable "retention_period_hours" {
  description = "How long a created stream keeps records (24-8760 hours). Must cover the longest outage of a consumer you want to replay after."
  type        = number

  validation {
    condition     = var.retention_period_hours >= 24 && var.retention_period_hours <= 8760 && floor(var.retention_period_hours) == var.retention_period_hours
    error_message = "retention_period_hours must be a whole number from 24 to 8760."
  }
}

variable "existing_stream_kms_key_arn" {
  description = "When adopting a stream encrypted with a customer-managed KMS key: that key's ARN, so readers are granted kms:Decrypt on it. null when adopting a stream that uses the AWS-managed key alias/aws/kinesis (or when create_stream = true)."
  type        = string
  nullable    = true

  validation {
    condition     = var.existing_stream_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.existing_stream_kms_key_arn))
    error_message = "existing_stream_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the stream's KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "efo_consumer_name" {
  description = "Name of the enhanced fan-out consumer registered for the Flink job (dedicated 2 MB/s per shard). Must equal the job property source/efo.consumer.name."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,128}$", var.efo_consumer_name))
    error_message = "efo_consumer_name must be 1-128 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "reader_principal_arns" {
  description = "IAM principals (role ARNs, including other accounts') allowed to read the stream through its resource policy. Same-account roles created by this project get access from their own policies and need not be listed. Empty: no resource policy is managed (an adopted stream's existing policy is left alone)."
  type        = list(string)

  validation {
    condition     = alltrue([for arn in var.reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|root)", arn))])
    error_message = "reader_principal_arns must be IAM role ARNs or account root ARNs."
  }
}

variable "connect_instance_id" {
  description = "Amazon Connect instance to associate with the stream for both CTRs and agent events (aws_connect_instance_storage_config). null: the association is managed elsewhere (e.g. it already exists for an adopted stream)."
  type        = string
  nullable    = true

  validation {
    condition     = var.connect_instance_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.connect_instance_id))
    error_message = "connect_instance_id must be null or an instance ID (a UUID, the last part of the instance ARN)."
  }
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
