# Real-time monitoring for Amazon Connect: the composition of the modules.
#
#   Connect (eu-west-2) --> Kinesis stream --+--> Firehose --> S3 --> Glue/Athena   (history)
#                                            +--> Flink job (EFO) --+
#                                            +--> persist_agent_event (Lambda)  --+--> Timestream
#   EventBridge contact events --> persist_contact_event (Lambda) ---------------+    (timestream_region)
#                              \-> the Kinesis stream (the whole envelope, for the job and the history)
#   Scheduler (every minute)   --> persist_instance_data (Lambda) ---------------+
#   Grafana <-- Timestream (live) + Athena (history)
#
# With store = "influxdb" the live store is Timestream for InfluxDB in var.region, in private subnets of
# the caller's VPC (var.vpc_id, var.influxdb_subnet_ids: this project creates no VPC). The Flink job and
# the Grafana workspace join that VPC; the three functions, which write Timestream for LiveAnalytics only,
# are not deployed (the contact-event rule still puts events onto the stream):
#
#   Flink job (in the VPC) --8086--> Timestream for InfluxDB <--8086-- Grafana (in the VPC) + Athena
#             \--443--> interface endpoints (Kinesis, Secrets Manager) or your NAT gateway

data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # Table names per writer, from the single list in var.timestream_tables.
  tables_by_writer = {
    for writer in ["flink", "persist_contact_event", "persist_agent_event", "persist_instance_data"] :
    writer => sort([for name, t in var.timestream_tables : name if t.writer == writer])
  }

  # A created stream is associated unless the caller says otherwise (and false is refused for it).
  associate_stream = coalesce(var.associate_stream_with_connect, var.create_stream)

  # Bucket names must be globally unique: account and region make them so.
  bucket_suffix = "${local.account_id}-${var.region}"

  timestream = var.store == "timestream"
  influxdb   = var.store == "influxdb"

  # Interface endpoints: what the job calls from inside the VPC (the stream, its token), and what a
  # workspace connected to the VPC calls for its other data sources (Athena, CloudWatch).
  vpc_endpoint_services = coalesce(var.vpc_endpoint_services, concat(
    ["kinesis-streams", "secretsmanager"],
    var.enable_managed_grafana ? ["athena", "monitoring"] : [],
  ))
  # HTTPS to AWS APIs from inside the VPC: to the endpoints created here, to existing endpoints'
  # security groups, or to anywhere through the caller's NAT gateway.
  https_egress = var.vpc_endpoints == "nat" ? {
    aws-apis-via-nat = { description = "HTTPS to AWS APIs through the VPC's NAT gateway", port = 443, security_group_id = null, cidr_ipv4 = "0.0.0.0/0" }
    } : {
    for i, sg in(local.influxdb && var.vpc_endpoints == "create" ? [module.vpc_endpoints[0].security_group_id] : var.existing_vpc_endpoint_security_group_ids) :
    "aws-apis-${i}" => { description = "HTTPS to AWS APIs through interface VPC endpoints", port = 443, security_group_id = sg, cidr_ipv4 = null }
  }
  influxdb_egress = local.influxdb ? {
    influxdb = { description = "InfluxDB API of the live store", port = var.influxdb_port, security_group_id = module.influxdb[0].security_group_id, cidr_ipv4 = null }
  } : {}
  # The InfluxDB instance's and the endpoints' clients, by name (security-group rule descriptions): the
  # job, the workspace, and hosts of yours (an operator's shell for the token commands, a self-hosted Grafana).
  store_clients = merge(
    { flink = module.flink.security_group_id },
    var.enable_managed_grafana ? { grafana = module.grafana[0].security_group_id } : {},
    { for i, sg in var.influxdb_allowed_security_group_ids : "allowed-${i}" => sg },
  )
}

module "kinesis" {
  source = "./modules/kinesis"

  stream_name                  = var.stream_name
  create_stream                = var.create_stream
  stream_mode                  = var.stream_mode
  shard_count                  = var.stream_shard_count
  retention_period_hours       = var.stream_retention_hours
  existing_stream_kms_key_arn  = var.existing_stream_kms_key_arn
  kms_key_deletion_window_days = var.kms_key_deletion_window_days
  efo_consumer_name            = var.efo_consumer_name
  reader_principal_arns        = var.stream_reader_principal_arns
  connect_instance_id          = local.associate_stream ? element(split("/", var.connect_instance_arn), 1) : null
  tags                         = var.tags
}

module "history" {
  source = "./modules/history"

  name_prefix                     = var.name_prefix
  stream_arn                      = module.kinesis.stream_arn
  stream_kms_key_arn              = module.kinesis.kms_key_arn
  data_bucket_name                = "${var.name_prefix}-history-${local.bucket_suffix}"
  data_expiration_days            = var.history_expiration_days
  athena_results_bucket_name      = "${var.name_prefix}-athena-${local.bucket_suffix}"
  athena_results_expiration_days  = var.athena_results_expiration_days
  buffering_interval_seconds      = var.history_buffering_interval_seconds
  buffering_size_mib              = var.history_buffering_size_mib
  glue_database_name              = var.glue_database_name
  partition_projection_start_date = var.history_partition_start_date
  athena_workgroup_name           = var.name_prefix
  athena_bytes_scanned_cutoff     = var.athena_bytes_scanned_cutoff
  log_retention_days              = var.log_retention_days
  kms_key_deletion_window_days    = var.kms_key_deletion_window_days
  force_destroy                   = var.force_destroy
  tags                            = var.tags
}

module "timestream" {
  source = "./modules/timestream"
  count  = local.timestream ? 1 : 0
  providers = {
    aws = aws.timestream
  }

  database_name = var.timestream_database_name
  tables = {
    for name, t in var.timestream_tables : name => {
      memory_store_retention_hours  = t.memory_store_retention_hours
      magnetic_store_retention_days = t.magnetic_store_retention_days
    }
  }
  rejected_records_bucket_name     = "${var.name_prefix}-ts-rejected-${local.account_id}-${coalesce(var.timestream_region, var.region)}"
  rejected_records_expiration_days = var.timestream_rejected_records_expiration_days
  kms_key_deletion_window_days     = var.kms_key_deletion_window_days
  force_destroy                    = var.force_destroy
  tags                             = var.tags
}

# The address before the store became a choice: an existing Timestream deployment keeps its database.
moved {
  from = module.timestream
  to   = module.timestream[0]
}

module "influxdb" {
  source = "./modules/influxdb"
  count  = local.influxdb ? 1 : 0

  name                         = var.name_prefix
  instance_type                = var.influxdb_instance_type
  storage_type                 = var.influxdb_storage_type
  allocated_storage_gib        = var.influxdb_allocated_storage_gib
  deployment_type              = var.influxdb_deployment_type
  parameter_group_identifier   = var.influxdb_parameter_group_identifier
  port                         = var.influxdb_port
  vpc_id                       = var.vpc_id
  subnet_ids                   = var.influxdb_subnet_ids
  client_security_group_ids    = local.store_clients
  organization                 = var.influxdb_organization
  bucket                       = var.influxdb_database_name
  admin_username               = var.influxdb_admin_username
  log_bucket_name              = "${var.name_prefix}-influxdb-logs-${local.bucket_suffix}"
  log_expiration_days          = var.influxdb_log_expiration_days
  secret_recovery_window_days  = var.influxdb_secret_recovery_window_days
  kms_key_deletion_window_days = var.kms_key_deletion_window_days
  force_destroy                = var.force_destroy
  tags                         = var.tags
}

module "vpc_endpoints" {
  source = "./modules/vpc_endpoints"
  count  = local.influxdb && var.vpc_endpoints == "create" ? 1 : 0

  name                      = var.name_prefix
  vpc_id                    = var.vpc_id
  subnet_ids                = var.influxdb_subnet_ids
  services                  = local.vpc_endpoint_services
  client_security_group_ids = local.store_clients
  tags                      = var.tags
}

# Existing interface endpoints (vpc_endpoints = "existing"): their security groups admit the job and Grafana.
resource "aws_vpc_security_group_ingress_rule" "existing_endpoints" {
  for_each = local.influxdb && var.vpc_endpoints == "existing" ? {
    for pair in setproduct(range(length(var.existing_vpc_endpoint_security_group_ids)), keys(local.store_clients)) :
    "${pair[0]}-${pair[1]}" => { endpoint_sg = var.existing_vpc_endpoint_security_group_ids[pair[0]], client = pair[1] }
  } : {}

  security_group_id            = each.value.endpoint_sg
  description                  = "HTTPS to AWS APIs from ${var.name_prefix} ${each.value.client}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = local.store_clients[each.value.client]
  tags                         = var.tags
}

module "flink" {
  source = "./modules/flink"

  application_name         = var.name_prefix
  app_zip_path             = var.flink_app_zip_path
  python_entry_point       = "flink_app/main.py"
  connectors_jar_path      = "lib/connect-monitor-connectors.jar"
  code_bucket_name         = "${var.name_prefix}-code-${local.bucket_suffix}"
  stream_name              = module.kinesis.stream_name
  stream_arn               = module.kinesis.stream_arn
  stream_kms_key_arn       = module.kinesis.kms_key_arn
  efo_consumer_name        = module.kinesis.efo_consumer_name
  efo_consumer_arn         = module.kinesis.efo_consumer_arn
  store                    = var.store
  timestream_region        = local.timestream ? module.timestream[0].region : null
  timestream_database_name = local.timestream ? module.timestream[0].database_name : null
  timestream_table_arns    = local.timestream ? { for name in local.tables_by_writer["flink"] : name => module.timestream[0].table_arns[name] } : {}
  influxdb = local.influxdb ? {
    url               = module.influxdb[0].url
    database          = module.influxdb[0].bucket
    token_secret_arn  = module.influxdb[0].job_token_secret_arn
    token_kms_key_arn = module.influxdb[0].kms_key_arn
  } : null
  vpc = local.influxdb ? {
    vpc_id     = var.vpc_id
    subnet_ids = var.influxdb_subnet_ids
    egress     = merge(local.influxdb_egress, local.https_egress)
  } : null
  property_groups                  = var.job_properties
  parallelism                      = var.flink_parallelism
  parallelism_per_kpu              = var.flink_parallelism_per_kpu
  autoscaling_enabled              = var.flink_autoscaling_enabled
  checkpoint_interval_ms           = var.flink_checkpoint_interval_ms
  min_pause_between_checkpoints_ms = var.flink_min_pause_between_checkpoints_ms
  log_level                        = var.flink_log_level
  metrics_level                    = var.flink_metrics_level
  log_retention_days               = var.log_retention_days
  start_application                = var.flink_start_application
  restore_type                     = var.flink_restore_type
  snapshot_name                    = var.flink_snapshot_name
  allow_non_restored_state         = var.flink_allow_non_restored_state
  kms_key_deletion_window_days     = var.kms_key_deletion_window_days
  force_destroy                    = var.force_destroy
  tags                             = var.tags
}

module "lambdas" {
  source = "./modules/lambdas"

  name_prefix          = var.name_prefix
  packages_dir         = var.lambda_packages_dir
  powertools_layer_arn = var.powertools_layer_arn
  # The functions write Timestream for LiveAnalytics only: none with the InfluxDB store.
  functions = local.timestream ? {
    for name, f in var.lambda_functions : name => merge(f, {
      timestream_tables = { for table in lookup(local.tables_by_writer, name, []) : table => module.timestream[0].table_arns[table] }
    })
  } : {}
  log_level                             = var.lambda_log_level
  log_retention_days                    = var.log_retention_days
  dlq_retention_seconds                 = var.dlq_retention_seconds
  timestream_region                     = local.timestream ? module.timestream[0].region : null
  timestream_database_name              = local.timestream ? module.timestream[0].database_name : null
  stream_arn                            = module.kinesis.stream_arn
  stream_kms_key_arn                    = module.kinesis.kms_key_arn
  contact_events_to_stream              = var.contact_events_to_stream
  agent_event_types                     = var.agent_event_types
  agent_event_batch                     = var.agent_event_batch
  connect_instance_arn                  = var.connect_instance_arn
  instance_data_connect_actions         = var.instance_data_connect_actions
  instance_data_schedule                = var.instance_data_schedule
  event_retry                           = var.event_retry
  instance_data_schedule_retry_attempts = var.instance_data_schedule_retry_attempts
  kms_key_deletion_window_days          = var.kms_key_deletion_window_days
  tags                                  = var.tags
}

module "grafana" {
  source = "./modules/grafana"
  count  = var.enable_managed_grafana ? 1 : 0

  workspace_name           = var.name_prefix
  grafana_version          = var.grafana_version
  admin_sso_group_ids      = var.grafana_admin_sso_group_ids
  viewer_sso_group_ids     = var.grafana_viewer_sso_group_ids
  timestream_region        = local.timestream ? module.timestream[0].region : null
  timestream_database_name = local.timestream ? module.timestream[0].database_name : null
  timestream_database_arn  = local.timestream ? module.timestream[0].database_arn : null
  timestream_table_arns    = local.timestream ? module.timestream[0].table_arns : {}
  influxdb = local.influxdb ? {
    url              = module.influxdb[0].url
    database         = module.influxdb[0].bucket
    token_secret_arn = module.influxdb[0].grafana_token_secret_arn
  } : null
  vpc = local.influxdb ? {
    vpc_id     = var.vpc_id
    subnet_ids = var.influxdb_subnet_ids
    egress     = merge(local.influxdb_egress, local.https_egress)
  } : null
  athena_workgroup_name     = module.history.athena_workgroup_name
  athena_workgroup_arn      = module.history.athena_workgroup_arn
  glue_database_name        = module.history.glue_database_name
  glue_database_arn         = module.history.glue_database_arn
  glue_table_arns           = module.history.glue_table_arns
  history_bucket_arn        = module.history.data_bucket_arn
  athena_results_bucket_arn = module.history.athena_results_bucket_arn
  history_kms_key_arn       = module.history.kms_key_arn
  dashboards_path           = var.grafana_dashboards_path
  tags                      = var.tags
}
