# Timestream for InfluxDB (the InfluxDB 2 engine) as the job's store, in var.region, in private subnets of
# a VPC the caller owns (this project creates no VPC): one DB instance, never publicly accessible, whose
# security group admits port 8086 from the listed client security groups only (the Flink application,
# Grafana, an operator's host); its engine logs delivered hourly to a private bucket; and two empty Secrets
# Manager secrets, encrypted with this module's key, for the API tokens created after the instance exists
# (docs/DEPLOY.md, "InfluxDB tokens"): one the job writes with, one Grafana reads with.
#
# The instance writes its own admin secret (influx_auth_parameters_secret_arn: organization, bucket,
# username, password) when it is created; the password Terraform passes is generated here and lives only
# in that secret and in the Terraform state (encrypt the state: docs/DEPLOY.md step 2).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  log_prefix = "InfluxLogs/" # where the service writes engine logs (Timestream Developer Guide)

  # One token per reader of the store, each with the least it needs (docs/DEPLOY.md creates them).
  token_secrets = {
    job     = "InfluxDB API token the Flink job writes with (write access to bucket ${var.bucket} only): the token, or JSON with a token key."
    grafana = "InfluxDB API token Grafana queries with (read access to bucket ${var.bucket} only): the token, or JSON with a token key."
  }
}

module "key" {
  source = "../kms_key"

  alias_name             = "${var.name}-influxdb"
  description            = "Encrypts the InfluxDB API token secrets and the engine logs of the Timestream for InfluxDB instance ${var.name}."
  deletion_window_days   = var.kms_key_deletion_window_days
  via_service_principals = []
  service_principals = [{
    # Log delivery writes objects into the SSE-KMS bucket: a data key for this bucket only.
    sid       = "InfluxDbLogDeliveryEncryptsLogs"
    service   = "timestream-influxdb.amazonaws.com"
    actions   = ["kms:GenerateDataKey"]
    condition = { test = "ArnEquals", variable = "kms:EncryptionContext:aws:s3:arn", values = ["arn:${local.partition}:s3:::${var.log_bucket_name}"] }
  }]
  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Engine logs
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "log_delivery" {
  statement {
    sid       = "InfluxDbDeliversEngineLogs"
    actions   = ["s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${var.log_bucket_name}/${local.log_prefix}*"]
    principals {
      type        = "Service"
      identifiers = ["timestream-influxdb.amazonaws.com"]
    }
  }
}

module "logs" {
  source = "../private_bucket"

  bucket_name                        = var.log_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = var.log_expiration_days
  noncurrent_version_expiration_days = 1
  force_destroy                      = var.force_destroy
  additional_policy_json             = data.aws_iam_policy_document.log_delivery.json
  tags                               = var.tags
}

# ---------------------------------------------------------------------------------------------
# Network: port 8086 from the listed clients only
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:Attached to the Timestream for InfluxDB instance below (vpc_security_group_ids), a resource type checkov does not follow.
  name        = "${var.name}-influxdb"
  description = "Timestream for InfluxDB ${var.name}: port ${var.port} from its clients only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "InfluxDB API from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = each.value
  tags                         = var.tags
}

# ---------------------------------------------------------------------------------------------
# The instance
# ---------------------------------------------------------------------------------------------

# The admin password: letters and digits only (the API's rule), generated once. Terraform reads the data
# source again on every plan; ignore_changes below keeps the instance (a new password would replace it).
data "aws_secretsmanager_random_password" "admin" {
  password_length     = 40
  exclude_punctuation = true
  include_space       = false
}

resource "aws_timestreaminfluxdb_db_instance" "this" {
  name                          = var.name
  db_instance_type              = var.instance_type
  db_storage_type               = var.storage_type
  allocated_storage             = var.allocated_storage_gib
  deployment_type               = var.deployment_type
  db_parameter_group_identifier = var.parameter_group_identifier
  publicly_accessible           = false
  port                          = var.port
  vpc_subnet_ids                = var.subnet_ids
  vpc_security_group_ids        = [aws_security_group.this.id]
  organization                  = var.organization
  bucket                        = var.bucket
  username                      = var.admin_username
  password                      = data.aws_secretsmanager_random_password.admin.random_password
  tags                          = var.tags

  log_delivery_configuration {
    s3_configuration {
      bucket_name = module.logs.bucket_id
      enabled     = true
    }
  }

  lifecycle {
    # The admin password lives in the instance's own secret from then on (rotate it there, see DEPLOY.md).
    ignore_changes = [password]

    precondition {
      condition     = var.storage_type == "InfluxIOIncludedT1" || var.allocated_storage_gib >= 400
      error_message = "Timestream for InfluxDB needs at least 400 GiB with ${var.storage_type}: raise allocated_storage_gib or use InfluxIOIncludedT1 (20 GiB minimum)."
    }
  }

  # The bucket policy must admit log delivery before the instance is created.
  depends_on = [module.logs]
}

# ---------------------------------------------------------------------------------------------
# API tokens: empty secrets, filled once after the instance exists (docs/DEPLOY.md)
# ---------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "token" {
  #checkov:skip=CKV2_AWS_57:Rotating an InfluxDB token needs AWS's InfluxDB rotation Lambda deployed in this VPC; docs/DEPLOY.md describes rotation by hand and with that Lambda.
  for_each = local.token_secrets

  name                    = "${var.name}/influxdb/${each.key}-token"
  description             = each.value
  kms_key_id              = module.key.key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}
