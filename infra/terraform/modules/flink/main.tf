# The PyFlink job on Managed Service for Apache Flink (runtime FLINK-1_20, Python 3.11): the
# Maven-built zip uploaded to S3, runtime properties by group, checkpoints, scaling, logging and
# a role that reads the stream through the job's EFO consumer and writes only the job's store:
# its Timestream tables (store = timestream), or, with store = influxdb, the InfluxDB instance it
# reaches from inside the VPC (var.vpc: its own security group, the network interfaces Managed
# Flink creates for it) with the API token it reads from one Secrets Manager secret.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  # Every property the job declares (flink_app/config.py PROPERTY_GROUPS), by group. A test
  # keeps this equal to the Python declaration.
  job_property_keys = {
    source = [
      "stream.name",
      "stream.arn",
      "aws.region",
      "aws.endpoint",
      "initial.position",
      "consumer.type",
      "efo.consumer.name",
      "efo.consumer.arn",
      "shard.idle.seconds",
      "shard.discovery.interval.millis",
    ]
    metrics = [
      "agent_state.interval.seconds",
      "agent_state.stale_after.seconds",
      "watermark.out_of_orderness.seconds",
      "contact.window.seconds",
      "service_level.thresholds.seconds",
      "contact.allowed_lateness.seconds",
      "contact.dedup_ttl.seconds",
      "contact.emit_interval.seconds",
      "contact.rolling.seconds",
      "contact.daily.timezone",
      "queue.max_wait.seconds",
    ]
    sink = [
      "types",
      "timestream.database",
      "timestream.region",
      "timestream.endpoint",
      "timestream.dead_letter.path",
      "influxdb.url",
      "influxdb.database",
      "influxdb.token.secret_arn",
      "influxdb.dead_letter.path",
    ]
  }

  # Properties that follow from the infrastructure and are therefore not tunable. Each is set
  # only if the job declares it (job_property_keys) and the store has it (no Timestream values with
  # store = influxdb, no InfluxDB values with store = timestream). sink/types is the store.
  infrastructure_property_keys = {
    source = ["stream.name", "aws.region", "consumer.type", "efo.consumer.name", "efo.consumer.arn"]
    sink = [
      "types",
      "timestream.database",
      "timestream.region",
      "influxdb.url",
      "influxdb.database",
      "influxdb.token.secret_arn",
    ]
  }
  infrastructure_candidates = {
    source = {
      "stream.name"       = var.stream_name
      "aws.region"        = local.region
      "consumer.type"     = "EFO"
      "efo.consumer.name" = var.efo_consumer_name
      # For a job that uses the consumer Terraform registered instead of registering its own.
      "efo.consumer.arn" = var.efo_consumer_arn
    }
    sink = merge(
      { "types" = var.store },
      var.store != "timestream" ? {} : {
        "timestream.database" = var.timestream_database_name
        "timestream.region"   = var.timestream_region
      },
      var.influxdb == null ? {} : {
        "influxdb.url"              = var.influxdb.url
        "influxdb.database"         = var.influxdb.database
        "influxdb.token.secret_arn" = var.influxdb.token_secret_arn
      },
    )
  }
  infrastructure_properties = {
    for group, props in local.infrastructure_candidates : group => {
      for key, value in props : key => value if contains(lookup(local.job_property_keys, group, []), key)
    }
  }
  # sink/types may still be given in property_groups (tfvars written before `store` existed) if it
  # names the store itself; the merge below makes it the store either way.
  allowed_infrastructure_values = { sink = { "types" = var.store } }

  property_groups = {
    for group in distinct(concat(keys(var.property_groups), keys(local.infrastructure_properties))) :
    group => merge(lookup(var.property_groups, group, {}), lookup(local.infrastructure_properties, group, {}))
    if length(merge(lookup(var.property_groups, group, {}), lookup(local.infrastructure_properties, group, {}))) > 0
  }

  log_group_name  = "/aws/kinesis-analytics/${var.application_name}"
  log_group_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  log_stream_name = "application"
  code_key        = "flink/${var.application_name}.zip"
}

module "key" {
  source = "../kms_key"

  alias_name             = "${var.application_name}-flink"
  description            = "Encrypts the code of the Flink application ${var.application_name} and its log group."
  deletion_window_days   = var.kms_key_deletion_window_days
  via_service_principals = []
  service_principals = [{
    sid     = "CloudWatchLogsEncryptsApplicationLog"
    service = "logs.${local.region}.amazonaws.com"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    condition = { test = "ArnEquals", variable = "kms:EncryptionContext:aws:logs:arn", values = [local.log_group_arn] }
  }]
  tags = var.tags
}

module "code_bucket" {
  source = "../private_bucket"

  bucket_name                        = var.code_bucket_name
  kms_key_arn                        = module.key.key_arn
  expiration_days                    = null
  noncurrent_version_expiration_days = 90 # earlier versions stay available for rollbacks
  additional_policy_json             = null
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

# A new build changes the hash, uploads a new object version and updates the application, which
# restarts from its latest snapshot (see restore_type). The build is reproducible (pom.xml
# project.build.outputTimestamp), so an unchanged job keeps its hash and is not restarted. The bucket
# name comes from an output that waits for versioning: the first upload already gets a version id.
resource "aws_s3_object" "app" {
  bucket      = module.code_bucket.bucket_id
  key         = local.code_key
  source      = var.app_zip_path
  source_hash = filemd5(var.app_zip_path)
  kms_key_id  = module.key.key_arn
  tags        = var.tags
}

# ---------------------------------------------------------------------------------------------
# Role and log group
# ---------------------------------------------------------------------------------------------

module "role" {
  source = "../service_role"

  name        = "${var.application_name}-flink"
  service     = "kinesisanalytics.amazonaws.com"
  source_arns = []
  policies    = { "run-job" = data.aws_iam_policy_document.app.json }
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
  from = aws_iam_role.app
  to   = module.role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.app
  to   = module.role.aws_iam_role_policy.this["run-job"]
}

moved {
  from = aws_cloudwatch_log_group.app
  to   = module.role.aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_cloudwatch_log_stream.app
  to   = module.role.aws_cloudwatch_log_stream.this[0]
}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ReadCode"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${module.code_bucket.bucket_arn}/${local.code_key}"]
  }

  statement {
    sid       = "DecryptCode"
    actions   = ["kms:Decrypt"]
    resources = [module.key.key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

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

  statement {
    sid       = "ReadThroughEnhancedFanOut"
    actions   = ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"]
    resources = [var.efo_consumer_arn]
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

  dynamic "statement" {
    for_each = length(var.timestream_table_arns) > 0 ? [1] : []
    content {
      sid       = "WriteOwnTables"
      actions   = ["timestream:WriteRecords"]
      resources = values(var.timestream_table_arns)
    }
  }

  dynamic "statement" {
    for_each = var.store == "timestream" ? [1] : []
    content {
      sid       = "DiscoverTimestreamEndpoint"
      actions   = ["timestream:DescribeEndpoints"]
      resources = ["*"] # DescribeEndpoints has no resource type: AWS requires "*"
    }
  }

  # The InfluxDB sink reads its API token once at start (sink/influxdb.token.secret_arn): this one
  # secret, decrypted with its key through Secrets Manager only.
  dynamic "statement" {
    for_each = var.influxdb == null ? [] : [var.influxdb]
    content {
      sid       = "ReadInfluxDbToken"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [statement.value.token_secret_arn]
    }
  }

  dynamic "statement" {
    for_each = var.influxdb == null ? [] : [var.influxdb]
    content {
      sid       = "DecryptInfluxDbToken"
      actions   = ["kms:Decrypt"]
      resources = [statement.value.token_kms_key_arn]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  # A VPC application: Managed Flink creates, describes and deletes the application's network
  # interfaces with this role (Managed Flink Developer Guide, "VPC application permissions").
  dynamic "statement" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      sid = "DescribeVpcNetwork"
      actions = [
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ]
      resources = ["*"] # EC2 Describe* calls have no resource type: AWS requires "*"
      condition {
        test     = "StringEquals"
        variable = "ec2:Region"
        values   = [local.region]
      }
    }
  }

  # CreateNetworkInterface authorises the subnet and the security group too: only the job's subnets and
  # its own security group.
  dynamic "statement" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      sid     = "CreateInterfacesInJobSubnets"
      actions = ["ec2:CreateNetworkInterface"]
      resources = concat(
        [for id in statement.value.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${id}"],
        [aws_security_group.app[0].arn],
      )
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      sid = "ManageInterfacesInJobVpc"
      actions = [
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
      ]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]
      condition {
        test     = "ArnEquals"
        variable = "ec2:Vpc"
        values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/${statement.value.vpc_id}"]
      }
    }
  }

  statement {
    sid       = "FindLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "FindLogStream"
    actions   = ["logs:DescribeLogStreams"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  statement {
    sid       = "WriteLog"
    actions   = ["logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:${local.log_stream_name}"]
  }
}

# ---------------------------------------------------------------------------------------------
# Network (store = influxdb): the application's own security group, egress only where it must go
# ---------------------------------------------------------------------------------------------

resource "aws_security_group" "app" {
  #checkov:skip=CKV2_AWS_5:Attached to the Managed Flink application's network interfaces (vpc_configuration below), a resource checkov does not follow.
  count       = var.vpc == null ? 0 : 1
  name        = "${var.application_name}-flink"
  description = "Managed Flink application ${var.application_name}: egress to its store and AWS APIs only"
  vpc_id      = var.vpc.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "app" {
  for_each = var.vpc == null ? {} : var.vpc.egress

  security_group_id            = aws_security_group.app[0].id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
  cidr_ipv4                    = each.value.cidr_ipv4
  tags                         = var.tags
}

# ---------------------------------------------------------------------------------------------
# Application
# ---------------------------------------------------------------------------------------------

resource "aws_kinesisanalyticsv2_application" "this" {
  name                   = var.application_name
  description            = "Real-time Amazon Connect metrics (PyFlink)."
  runtime_environment    = "FLINK-1_20"
  service_execution_role = module.role.role_arn
  start_application      = var.start_application
  tags                   = var.tags

  application_configuration {
    application_code_configuration {
      code_content_type = "ZIPFILE"

      code_content {
        s3_content_location {
          bucket_arn     = module.code_bucket.bucket_arn
          file_key       = aws_s3_object.app.key
          object_version = aws_s3_object.app.version_id
        }
      }
    }

    application_snapshot_configuration {
      snapshots_enabled = true
    }

    environment_properties {
      # How Managed Flink starts a Python job: the entry script and the connectors jar.
      property_group {
        property_group_id = "kinesis.analytics.flink.run.options"
        property_map = {
          python  = var.python_entry_point
          jarfile = var.connectors_jar_path
        }
      }

      dynamic "property_group" {
        for_each = local.property_groups
        content {
          property_group_id = property_group.key
          property_map      = property_group.value
        }
      }
    }

    flink_application_configuration {
      checkpoint_configuration {
        configuration_type            = "CUSTOM"
        checkpointing_enabled         = true
        checkpoint_interval           = var.checkpoint_interval_ms
        min_pause_between_checkpoints = var.min_pause_between_checkpoints_ms
      }

      monitoring_configuration {
        configuration_type = "CUSTOM"
        log_level          = var.log_level
        metrics_level      = var.metrics_level
      }

      parallelism_configuration {
        configuration_type   = "CUSTOM"
        parallelism          = var.parallelism
        parallelism_per_kpu  = var.parallelism_per_kpu
        auto_scaling_enabled = var.autoscaling_enabled
      }
    }

    # With store = influxdb the job runs in the VPC (the instance is private): Managed Flink places its
    # network interfaces in these subnets with the application's own security group.
    dynamic "vpc_configuration" {
      for_each = var.vpc == null ? [] : [var.vpc]
      content {
        subnet_ids         = vpc_configuration.value.subnet_ids
        security_group_ids = [aws_security_group.app[0].id]
      }
    }

    run_configuration {
      application_restore_configuration {
        application_restore_type = var.restore_type
        snapshot_name            = var.snapshot_name
      }

      flink_run_configuration {
        allow_non_restored_state = var.allow_non_restored_state
      }
    }
  }

  cloudwatch_logging_options {
    log_stream_arn = module.role.log_stream_arn
  }

  depends_on = [module.role]
}
