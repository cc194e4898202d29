# The shared stream Amazon Connect writes agent events and CTRs to: adopted by name or created
# (KMS-encrypted), plus the enhanced fan-out consumer of the Flink job and, optionally, a resource
# policy for readers in other accounts and the Connect data-streaming association.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
}

# ---------------------------------------------------------------------------------------------
# Adopt
# ---------------------------------------------------------------------------------------------

data "aws_kinesis_stream" "existing" {
  count = var.create_stream ? 0 : 1
  name  = var.stream_name

  lifecycle {
    # Readers (Firehose, persist_agent_event, the job) get kms:Decrypt only on the key named here: a
    # customer-managed key left out would fail them all at run time, with access denied.
    postcondition {
      condition     = self.encryption_type != "KMS" || can(regex("(^|:)alias/aws/kinesis$", self.kms_key_id)) || var.existing_stream_kms_key_arn != null
      error_message = "Stream ${var.stream_name} is encrypted with the customer-managed KMS key ${try(self.kms_key_id, "")}: set existing_stream_kms_key_arn to that key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), so that Firehose, persist_agent_event and the Flink job are granted kms:Decrypt on it."
    }
    # The stream reports its key as given when encryption was turned on: key ID, key ARN, alias name
    # or alias ARN. An alias of a customer-managed key cannot be compared offline; IDs and ARNs are.
    postcondition {
      condition = var.existing_stream_kms_key_arn == null || (
        self.encryption_type == "KMS" && !can(regex("(^|:)alias/aws/kinesis$", self.kms_key_id)) && (
          can(regex("(^|:)alias/", self.kms_key_id)) ||
          endswith(coalesce(var.existing_stream_kms_key_arn, "-"), "key/${try(reverse(split("/", self.kms_key_id))[0], "")}")
        )
      )
      error_message = "existing_stream_kms_key_arn is ${coalesce(var.existing_stream_kms_key_arn, "null")}, but stream ${var.stream_name} ${self.encryption_type == "KMS" ? "is encrypted with ${try(self.kms_key_id, "")}" : "is not encrypted"}: set existing_stream_kms_key_arn to the ARN of the stream's customer-managed key, or to null when it has none (or uses alias/aws/kinesis)."
    }
  }
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
  # Amazon Connect writes the stream with its instance's service-linked role, which has no kms:
  # permission of its own; listed readers of other accounts decrypt through Kinesis. This project's
  # roles (readers, the EventBridge target) are granted the key in their own policies.
  via_service_principals = concat(
    [{
      sid            = "ConnectServiceLinkedRoleWritesStream"
      principal_arns = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_*"]
      via_service    = "kinesis.${local.region}.amazonaws.com"
      actions        = ["kms:GenerateDataKey"]
    }],
    length(var.reader_principal_arns) == 0 ? [] : [{
      sid            = "ListedReadersDecryptStream"
      principal_arns = var.reader_principal_arns
      via_service    = "kinesis.${local.region}.amazonaws.com"
      actions        = ["kms:Decrypt"]
    }],
  )
  service_principals = []
  tags               = var.tags
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
