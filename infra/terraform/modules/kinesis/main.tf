# The shared stream Amazon Connect writes agent events and CTRs to: adopted by name or created
# (KMS-encrypted), plus the enhanced fan-out consumer of the Flink job and, optionally, a resource
# policy for readers in other accounts and the Connect data-streaming association.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
}

# ---------------------------------------------------------------------------------------------
# Adopt
# ---------------------------------------------------------------------------------------------

data "aws_kinesis_stream" "existing" {
  count = var.create_stream ? 0 : 1
  name  = var.stream_name
}

# ---------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------

module "key" {
  source = "../kms_key"
  count  = var.create_stream ? 1 : 0

  alias_name           = var.stream_name
  description          = "Encrypts the Kinesis stream ${var.stream_name} (Amazon Connect agent events and CTRs)."
  deletion_window_days = var.kms_key_deletion_window_days
  # Amazon Connect's service-linked role writes and this project's roles read through Kinesis.
  via_services                    = ["kinesis.${local.region}.amazonaws.com"]
  external_decrypt_principal_arns = var.reader_principal_arns
  service_principals              = []
  tags                            = var.tags
}

resource "aws_kinesis_stream" "this" {
  count            = var.create_stream ? 1 : 0
  name             = var.stream_name
  shard_count      = var.stream_mode == "PROVISIONED" ? var.shard_count : null
  retention_period = var.retention_period_hours
  encryption_type  = "KMS"
  kms_key_id       = module.key[0].key_arn
  shard_level_metrics = [
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
  ]

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  tags = var.tags
}

locals {
  stream_arn  = var.create_stream ? aws_kinesis_stream.this[0].arn : data.aws_kinesis_stream.existing[0].arn
  kms_key_arn = var.create_stream ? module.key[0].key_arn : var.existing_stream_kms_key_arn
}

# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------

resource "aws_kinesis_stream_consumer" "flink" {
  name       = var.efo_consumer_name
  stream_arn = local.stream_arn
}

data "aws_iam_policy_document" "readers" {
  count = length(var.reader_principal_arns) > 0 ? 1 : 0

  statement {
    sid = "ListedReadersRead"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [local.stream_arn]
    principals {
      type        = "AWS"
      identifiers = var.reader_principal_arns
    }
  }
}

resource "aws_kinesis_resource_policy" "readers" {
  count        = length(var.reader_principal_arns) > 0 ? 1 : 0
  resource_arn = local.stream_arn
  policy       = data.aws_iam_policy_document.readers[0].json
}

# ---------------------------------------------------------------------------------------------
# Amazon Connect data streaming (optional)
# ---------------------------------------------------------------------------------------------

resource "aws_connect_instance_storage_config" "this" {
  #checkov:skip=CKV_AWS_269:Applies to KINESIS_VIDEO_STREAM storage; this association is KINESIS_STREAM, encrypted by the stream's own customer-managed key.
  #checkov:skip=CKV_AWS_270:Applies to S3 storage; this association is KINESIS_STREAM, encrypted by the stream's own customer-managed key.
  for_each      = var.connect_instance_id == null ? toset([]) : toset(["CONTACT_TRACE_RECORDS", "AGENT_EVENTS"])
  instance_id   = var.connect_instance_id
  resource_type = each.value

  storage_config {
    storage_type = "KINESIS_STREAM"

    kinesis_stream_config {
      stream_arn = local.stream_arn
    }
  }
}
