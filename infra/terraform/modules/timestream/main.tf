# Timestream for LiveAnalytics database and tables, in the region of the provider passed in
# (validated below). Timestream for LiveAnalytics is not offered in every region (not in
# eu-west-2): the data it holds lives in that other region - see docs/DEPLOY.md, "Data residency".

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
  # Regions where Timestream for LiveAnalytics is offered. Keep equal to the root variable's
  # validation list (a test checks it).
  timestream_regions = [
    "ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1",
    "eu-west-1", "us-east-1", "us-east-2", "us-west-2",
  ]
}

module "key" {
  source = "../kms_key"

  alias_name           = "${var.database_name}-timestream"
  description          = "Encrypts the Timestream database ${var.database_name} and its rejected-record reports."
  deletion_window_days = var.kms_key_deletion_window_days
  # Timestream encrypts the database through grants the deployer creates; S3 the reports.
  via_service_principals = []
  service_principals     = []
  tags                   = var.tags
}

module "rejected_records" {
  source = "../private_bucket"

  bucket_name                        = var.rejected_records_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.rejected_records_expiration_days
  noncurrent_version_expiration_days = 1
  additional_policy_json             = null
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

resource "aws_timestreamwrite_database" "this" {
  database_name = var.database_name
  kms_key_id    = module.key.key_arn
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = contains(local.timestream_regions, local.region)
      error_message = "Timestream for LiveAnalytics is not offered in ${local.region}: pass a provider for one of ${join(", ", local.timestream_regions)}."
    }
  }
}

resource "aws_timestreamwrite_table" "this" {
  for_each = var.tables

  database_name = aws_timestreamwrite_database.this.database_name
  table_name    = each.key
  tags          = var.tags

  retention_properties {
    memory_store_retention_period_in_hours  = each.value.memory_store_retention_hours
    magnetic_store_retention_period_in_days = each.value.magnetic_store_retention_days
  }

  # Records older than the memory-store window go to the magnetic store instead of being
  # rejected; what the magnetic store rejects later is reported to S3.
  magnetic_store_write_properties {
    enable_magnetic_store_writes = true

    magnetic_store_rejected_data_location {
      s3_configuration {
        bucket_name       = module.rejected_records.bucket_id
        object_key_prefix = "rejected/${each.key}/"
        encryption_option = "SSE_KMS"
        kms_key_id        = module.key.key_arn
      }
    }
  }
}
