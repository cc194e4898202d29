# Raw history: Firehose copies every record of the stream to S3 (SSE-KMS), partitioned by record
# kind (ctr / agent_event / contact_event / unknown, by the jq rule in record_kind.jq) and arrival
# date; a Glue table per kind Athena reads (CTRs, contact events, agent events) and an Athena
# workgroup with encrypted results query them.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id      = data.aws_caller_identity.current.account_id
  region          = data.aws_region.current.region
  partition       = data.aws_partition.current.partition
  log_group_name  = "/aws/kinesisfirehose/${var.name_prefix}-history"
  log_group_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  log_stream_name = "S3Delivery"
  records_prefix  = "records"
  ctr_location    = "s3://${module.data_bucket.bucket_id}/${local.records_prefix}/kind=ctr/"
  # One line for Firehose's MetadataExtractionQuery; the file is the one home of the rule (the local
  # simulation in grafana/local/firehose.py and the tests evaluate it with jq).
  record_kind_query = join(" ", [for line in split("\n", trimspace(file("${path.module}/record_kind.jq"))) : trimspace(line)])

  # The other kinds Athena reads, beside the CTRs (aws_glue_catalog_table.ctr). Contact events are
  # the EventBridge envelope as EventBridge puts it on the stream, `detail` in camelCase as the job
  # reads it (older PascalCase events map too: the SerDe matches keys case-insensitively).
  kind_tables = {
    contact_event = {
      description = "Amazon Connect contact events (EventBridge envelopes), best effort: may be missing, duplicated or out of order; one row per delivered event."
      # The envelope's `detail-type` is no valid column name.
      serde_mappings = { "mapping.detail_type" = "detail-type" }
      columns = [
        { name = "version", type = "string" },
        { name = "id", type = "string" },
        { name = "detail_type", type = "string" },
        { name = "source", type = "string" },
        { name = "account", type = "string" },
        { name = "time", type = "string" },
        { name = "region", type = "string" },
        { name = "resources", type = "array<string>" },
        { name = "detail", type = "struct<eventType:string,contactId:string,initialContactId:string,previousContactId:string,channel:string,instanceArn:string,initiationMethod:string,initiationTimestamp:string,connectedToSystemTimestamp:string,disconnectTimestamp:string,queueInfo:struct<queueArn:string,queueType:string,enqueueTimestamp:string>,agentInfo:struct<agentArn:string,connectedToAgentTimestamp:string,afterContactWorkStartTimestamp:string,afterContactWorkEndTimestamp:string,afterContactWorkDuration:int>>" },
      ]
    }
    agent_event = {
      description    = "Amazon Connect agent events (LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT), delivered at least once: deduplicate by eventid."
      serde_mappings = {}
      columns = [
        { name = "eventid", type = "string" },
        { name = "eventtype", type = "string" },
        { name = "eventtimestamp", type = "string" },
        { name = "agentarn", type = "string" },
        { name = "instancearn", type = "string" },
        { name = "awsaccountid", type = "string" },
        { name = "version", type = "string" },
        { name = "currentagentsnapshot", type = local.agent_snapshot_type },
        { name = "previousagentsnapshot", type = local.agent_snapshot_type },
      ]
    }
  }
  agent_snapshot_type = "struct<agentstatus:struct<arn:string,name:string,type:string,starttimestamp:string>,configuration:struct<username:string,firstname:string,lastname:string,routingprofile:struct<arn:string,name:string,inboundqueues:array<struct<arn:string,name:string,channels:array<string>>>>>,contacts:array<struct<contactid:string,initialcontactid:string,channel:string,initiationmethod:string,state:string,statestarttimestamp:string,connectedtoagenttimestamp:string,queuetimestamp:string,queue:struct<arn:string,name:string>>>>"
  kms_use_actions = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]
}

module "key" {
  source = "../kms_key"

  alias_name             = "${var.name_prefix}-history"
  description            = "Encrypts the raw Connect records in S3, Athena results and the Firehose error log."
  deletion_window_days   = var.kms_key_deletion_window_days
  via_service_principals = []
  service_principals = [{
    sid       = "CloudWatchLogsEncryptsFirehoseLog"
    service   = "logs.${local.region}.amazonaws.com"
    actions   = local.kms_use_actions
    condition = { test = "ArnEquals", variable = "kms:EncryptionContext:aws:logs:arn", values = [local.log_group_arn] }
  }]
  tags = var.tags
}

module "data_bucket" {
  source = "../private_bucket"

  bucket_name                        = var.data_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.data_expiration_days
  noncurrent_version_expiration_days = 7
  additional_policy_json             = null
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

module "athena_results_bucket" {
  source = "../private_bucket"

  bucket_name                        = var.athena_results_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.athena_results_expiration_days
  noncurrent_version_expiration_days = 1
  additional_policy_json             = null
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

# ---------------------------------------------------------------------------------------------
# Firehose
# ---------------------------------------------------------------------------------------------

module "firehose_role" {
  source = "../service_role"

  name        = "${var.name_prefix}-history-firehose"
  service     = "firehose.amazonaws.com"
  source_arns = []
  policies    = { "deliver-history" = data.aws_iam_policy_document.firehose.json }
  log_group = {
    name           = local.log_group_name
    retention_days = var.log_retention_days
    kms_key_arn    = module.key.key_arn
    stream_name    = local.log_stream_name
  }
  tags = var.tags
}

# Addresses before the role and log group moved into modules/service_role: no replacement on apply.
moved {
  from = aws_iam_role.firehose
  to   = module.firehose_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.firehose
  to   = module.firehose_role.aws_iam_role_policy.this["deliver-history"]
}

moved {
  from = aws_cloudwatch_log_group.firehose
  to   = module.firehose_role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_cloudwatch_log_stream.firehose
  to   = module.firehose_role.aws_cloudwatch_log_stream.this[0]
}

data "aws_iam_policy_document" "firehose" {
  statement {
    sid = "ReadStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [var.stream_arn]
  }

  dynamic "statement" {
    for_each = var.stream_kms_key_arn == null ? [] : [var.stream_kms_key_arn]
    content {
      sid       = "DecryptStream"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }
    }
  }

  statement {
    sid = "WriteBucket"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:GetBucketLocation",
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:PutObject",
    ]
    resources = [module.data_bucket.bucket_arn, "${module.data_bucket.bucket_arn}/*"]
  }

  statement {
    sid       = "EncryptObjects"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.key.key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "LogDeliveryErrors"
    actions   = ["logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:${local.log_stream_name}"]
  }
}

resource "aws_kinesis_firehose_delivery_stream" "history" {
  #checkov:skip=CKV_AWS_240:Firehose server-side encryption applies only to Direct PUT sources; this one reads a KMS-encrypted Kinesis stream and writes SSE-KMS objects.
  #checkov:skip=CKV_AWS_241:Same as CKV_AWS_240: no Firehose-side encryption exists for a Kinesis source; data is under customer-managed keys in the stream and in S3.
  name        = "${var.name_prefix}-history"
  destination = "extended_s3"
  tags        = var.tags

  kinesis_source_configuration {
    kinesis_stream_arn = var.stream_arn
    role_arn           = module.firehose_role.role_arn
  }

  extended_s3_configuration {
    role_arn            = module.firehose_role.role_arn
    bucket_arn          = module.data_bucket.bucket_arn
    kms_key_arn         = module.key.key_arn
    compression_format  = "GZIP"
    buffering_interval  = var.buffering_interval_seconds
    buffering_size      = var.buffering_size_mib
    prefix              = "${local.records_prefix}/kind=!{partitionKeyFromQuery:kind}/dt=!{timestamp:yyyy-MM-dd}/"
    error_output_prefix = "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"

    dynamic_partitioning_configuration {
      enabled        = true
      retry_duration = 300
    }

    processing_configuration {
      enabled = true

      # Contact events (EventBridge envelopes) carry detail-type, CTRs a format version or a
      # ContactId, agent events EventType / AgentARN: record_kind.jq. One Kinesis record is one
      # document (Connect and EventBridge put them one by one), so no de-aggregation.
      processors {
        type = "MetadataExtraction"
        parameters {
          parameter_name  = "MetadataExtractionQuery"
          parameter_value = local.record_kind_query
        }
        parameters {
          parameter_name  = "JsonParsingEngine"
          parameter_value = "JQ-1.6"
        }
      }

      # One JSON document per line, as Athena's JSON SerDe reads them.
      processors {
        type = "AppendDelimiterToRecord"
      }
    }

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = module.firehose_role.log_group_name
      log_stream_name = module.firehose_role.log_stream_name
    }
  }

  depends_on = [module.firehose_role]
}

# ---------------------------------------------------------------------------------------------
# Glue Data Catalog and Athena
# ---------------------------------------------------------------------------------------------

resource "aws_glue_catalog_database" "this" {
  name        = var.glue_database_name
  description = "Raw Amazon Connect records archived by Firehose."
}

# The fields of a CTR (Amazon Connect contact records data model) that the dashboards and ad-hoc
# queries use; Athena matches JSON keys case-insensitively, so CTR's PascalCase keys map to these
# lower-case columns. Timestamps stay ISO-8601 strings: cast with from_iso8601_timestamp().
resource "aws_glue_catalog_table" "ctr" {
  name          = "ctr"
  database_name = aws_glue_catalog_database.this.name
  description   = "Amazon Connect contact trace records, one row per delivered CTR (re-deliveries included: keep the highest lastupdatetimestamp per contactid)."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "classification"              = "json"
    "compressionType"             = "gzip"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "${var.partition_projection_start_date},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "storage.location.template"   = "${local.ctr_location}dt=$${dt}/"
  }

  partition_keys {
    name    = "dt"
    type    = "string"
    comment = "Arrival date at Firehose (UTC), yyyy-MM-dd."
  }

  storage_descriptor {
    location      = local.ctr_location
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "ignore.malformed.json" = "true"
        "case.insensitive"      = "true"
      }
    }

    columns {
      name = "contactid"
      type = "string"
    }
    columns {
      name = "initialcontactid"
      type = "string"
    }
    columns {
      name = "previouscontactid"
      type = "string"
    }
    columns {
      name = "nextcontactid"
      type = "string"
    }
    columns {
      name = "channel"
      type = "string"
    }
    columns {
      name = "initiationmethod"
      type = "string"
    }
    columns {
      name = "initiationtimestamp"
      type = "string"
    }
    columns {
      name = "connectedtosystemtimestamp"
      type = "string"
    }
    columns {
      name = "disconnecttimestamp"
      type = "string"
    }
    columns {
      name = "lastupdatetimestamp"
      type = "string"
    }
    columns {
      name = "queue"
      type = "struct<arn:string,name:string,duration:int,enqueuetimestamp:string,dequeuetimestamp:string>"
    }
    columns {
      name = "agent"
      type = "struct<arn:string,username:string,connectedtoagenttimestamp:string,agentinteractionduration:int,customerholdduration:int,aftercontactworkduration:int,numberofholds:int,longestholdduration:int>"
    }
    columns {
      name = "agentconnectionattempts"
      type = "int"
    }
    columns {
      name = "instancearn"
      type = "string"
    }
    columns {
      name = "disconnectreason"
      type = "string"
    }
    columns {
      name = "attributes"
      type = "map<string,string>"
    }
    columns {
      name = "awscontacttracerecordformatversion"
      type = "string"
    }
  }
}

# The same layout and projection as the CTR table, one table per other kind.
resource "aws_glue_catalog_table" "kind" {
  for_each = local.kind_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "classification"              = "json"
    "compressionType"             = "gzip"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "${var.partition_projection_start_date},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "storage.location.template"   = "s3://${module.data_bucket.bucket_id}/${local.records_prefix}/kind=${each.key}/dt=$${dt}/"
  }

  partition_keys {
    name    = "dt"
    type    = "string"
    comment = "Arrival date at Firehose (UTC), yyyy-MM-dd."
  }

  storage_descriptor {
    location      = "s3://${module.data_bucket.bucket_id}/${local.records_prefix}/kind=${each.key}/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = merge({
        "ignore.malformed.json" = "true"
        "case.insensitive"      = "true"
      }, each.value.serde_mappings)
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}

resource "aws_athena_workgroup" "this" {
  name          = var.athena_workgroup_name
  description   = "Queries over the raw Amazon Connect history; results encrypted with the history key."
  force_destroy = var.force_destroy
  tags          = var.tags

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${module.athena_results_bucket.bucket_id}/results/"

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = module.key.key_arn
      }
    }
  }
}
