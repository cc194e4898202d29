# Raw history: Firehose copies every record of the stream to S3 (SSE-KMS), partitioned by record
# kind (ctr / agent_event / unknown) and arrival date; a Glue table describes the CTRs and an
# Athena workgroup with encrypted results queries them.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  region         = data.aws_region.current.region
  partition      = data.aws_partition.current.partition
  log_group_name = "/aws/kinesisfirehose/${var.name_prefix}-history"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  records_prefix = "records"
  ctr_location   = "s3://${module.data_bucket.bucket_id}/${local.records_prefix}/kind=ctr/"
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

  alias_name           = "${var.name_prefix}-history"
  description          = "Encrypts the raw Connect records in S3, Athena results and the Firehose error log."
  deletion_window_days = var.kms_key_deletion_window_days
  via_services         = ["s3.${local.region}.amazonaws.com"]
  service_principals = [{
    sid       = "CloudWatchLogsEncryptsFirehoseLog"
    service   = "logs.${local.region}.amazonaws.com"
    actions   = local.kms_use_actions
    condition = { test = "ArnEquals", variable = "kms:EncryptionContext:aws:logs:arn", values = [local.log_group_arn] }
  }]
  external_decrypt_principal_arns = []
  tags                            = var.tags
}

module "data_bucket" {
  source = "../private_bucket"

  bucket_name                        = var.data_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.data_expiration_days
  noncurrent_version_expiration_days = 7
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

module "athena_results_bucket" {
  source = "../private_bucket"

  bucket_name                        = var.athena_results_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.athena_results_expiration_days
  noncurrent_version_expiration_days = 1
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

# ---------------------------------------------------------------------------------------------
# Firehose
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "firehose" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "firehose" {
  name           = "S3Delivery"
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

data "aws_iam_policy_document" "firehose_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["firehose.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "firehose" {
  name               = "${var.name_prefix}-history-firehose"
  assume_role_policy = data.aws_iam_policy_document.firehose_trust.json
  tags               = var.tags
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
    resources = ["${aws_cloudwatch_log_group.firehose.arn}:log-stream:${aws_cloudwatch_log_stream.firehose.name}"]
  }
}

resource "aws_iam_role_policy" "firehose" {
  name   = "deliver-history"
  role   = aws_iam_role.firehose.id
  policy = data.aws_iam_policy_document.firehose.json
}

resource "aws_kinesis_firehose_delivery_stream" "history" {
  #checkov:skip=CKV_AWS_240:Firehose server-side encryption applies only to Direct PUT sources; this one reads a KMS-encrypted Kinesis stream and writes SSE-KMS objects.
  #checkov:skip=CKV_AWS_241:Same as CKV_AWS_240: no Firehose-side encryption exists for a Kinesis source; data is under customer-managed keys in the stream and in S3.
  name        = "${var.name_prefix}-history"
  destination = "extended_s3"
  tags        = var.tags

  kinesis_source_configuration {
    kinesis_stream_arn = var.stream_arn
    role_arn           = aws_iam_role.firehose.arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
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

      # CTRs carry AWSContactTraceRecordFormatVersion, agent events EventType.
      processors {
        type = "MetadataExtraction"
        parameters {
          parameter_name  = "MetadataExtractionQuery"
          parameter_value = "{kind: (if has(\"AWSContactTraceRecordFormatVersion\") then \"ctr\" elif has(\"EventType\") then \"agent_event\" else \"unknown\" end)}"
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
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = aws_cloudwatch_log_stream.firehose.name
    }
  }

  depends_on = [aws_iam_role_policy.firehose]
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
