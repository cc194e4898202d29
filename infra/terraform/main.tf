# Real-time monitoring for Amazon Connect: the composition of the modules.
#
#   Connect (eu-west-2) --> Kinesis stream --+--> Firehose --> S3 --> Glue/Athena   (history)
#                                            +--> Flink job (EFO) --+
#                                            +--> persist_agent_event (Lambda)  --+--> Timestream
#   EventBridge contact events --> persist_contact_event (Lambda) ---------------+    (timestream_region)
#                              \-> the Kinesis stream (the whole envelope, for the job and the history)
#   Scheduler (every minute)   --> persist_instance_data (Lambda) ---------------+
#   Grafana <-- Timestream (live) + Athena (history)

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
  rejected_records_bucket_name     = "${var.name_prefix}-ts-rejected-${local.account_id}-${var.timestream_region}"
  rejected_records_expiration_days = var.timestream_rejected_records_expiration_days
  kms_key_deletion_window_days     = var.kms_key_deletion_window_days
  force_destroy                    = var.force_destroy
  tags                             = var.tags
}

module "flink" {
  source = "./modules/flink"

  application_name                 = var.name_prefix
  app_zip_path                     = var.flink_app_zip_path
  python_entry_point               = "flink_app/main.py"
  connectors_jar_path              = "lib/connect-monitor-connectors.jar"
  code_bucket_name                 = "${var.name_prefix}-code-${local.bucket_suffix}"
  stream_name                      = module.kinesis.stream_name
  stream_arn                       = module.kinesis.stream_arn
  stream_kms_key_arn               = module.kinesis.kms_key_arn
  efo_consumer_name                = module.kinesis.efo_consumer_name
  efo_consumer_arn                 = module.kinesis.efo_consumer_arn
  timestream_region                = module.timestream.region
  timestream_database_name         = module.timestream.database_name
  timestream_table_arns            = { for name in local.tables_by_writer["flink"] : name => module.timestream.table_arns[name] }
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
  functions = {
    for name, f in var.lambda_functions : name => merge(f, {
      timestream_tables = { for table in lookup(local.tables_by_writer, name, []) : table => module.timestream.table_arns[table] }
    })
  }
  log_level                             = var.lambda_log_level
  log_retention_days                    = var.log_retention_days
  dlq_retention_seconds                 = var.dlq_retention_seconds
  timestream_region                     = module.timestream.region
  timestream_database_name              = module.timestream.database_name
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

  workspace_name            = var.name_prefix
  grafana_version           = var.grafana_version
  admin_sso_group_ids       = var.grafana_admin_sso_group_ids
  viewer_sso_group_ids      = var.grafana_viewer_sso_group_ids
  timestream_region         = module.timestream.region
  timestream_database_name  = module.timestream.database_name
  timestream_database_arn   = module.timestream.database_arn
  timestream_table_arns     = module.timestream.table_arns
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
