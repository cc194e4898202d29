# ---------------------------------------------------------------------------------------------
# Placement
# ---------------------------------------------------------------------------------------------

variable "region" {
  description = "Region of Amazon Connect and of everything here except Timestream (stream, Firehose, S3, Glue, Athena, Flink, Lambda, Grafana)."
  type        = string
  default     = "eu-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-2."
  }
}

variable "store" {
  description = "Where the job's real-time figures are stored. \"timestream\" (default): Timestream for LiveAnalytics in timestream_region, with the three functions that also write it: only for accounts that already use it (closed to new customers since 2025-06-20). \"influxdb\": Timestream for InfluxDB in region, in private subnets of your VPC (vpc_id, influxdb_subnet_ids), the job and Grafana joining that VPC; the functions are not deployed. See docs/DEPLOY.md, \"Choosing the store\"."
  type        = string
  default     = "timestream"

  validation {
    condition     = contains(["timestream", "influxdb"], var.store)
    error_message = "store must be \"timestream\" (Timestream for LiveAnalytics, only for accounts that already use it) or \"influxdb\" (Timestream for InfluxDB, for everyone else): see docs/DEPLOY.md, \"Choosing the store\"."
  }
}

variable "timestream_region" {
  description = "Region of the Timestream for LiveAnalytics database (store = timestream; required then, ignored with influxdb). Timestream for LiveAnalytics is not offered in eu-west-2: the metrics and contact/agent events written to it are stored in this region instead (data residency: see docs/DEPLOY.md). It is closed to new customers since 2025-06-20; accounts already using it continue."
  type        = string
  default     = null

  validation {
    condition = var.timestream_region == null ? var.store != "timestream" : contains([
      "ap-northeast-1", "ap-south-1", "ap-southeast-2", "eu-central-1",
      "eu-west-1", "us-east-1", "us-east-2", "us-west-2",
    ], var.timestream_region)
    error_message = "timestream_region must be a region offering Timestream for LiveAnalytics: ap-northeast-1, ap-south-1, ap-southeast-2, eu-central-1, eu-west-1, us-east-1, us-east-2 or us-west-2 (not eu-west-2); it is required with store = \"timestream\". eu-west-1 keeps the data in the EU; eu-central-1 too."
  }
}

variable "name_prefix" {
  description = "Prefix of resource names (functions, roles, buckets, keys, application)."
  type        = string
  default     = "connect-monitor"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default = {
    project = "connect-monitor"
  }
}

# ---------------------------------------------------------------------------------------------
# Amazon Connect and the stream
# ---------------------------------------------------------------------------------------------

variable "connect_instance_arn" {
  description = "ARN of the Amazon Connect instance (arn:aws:connect:eu-west-2:ACCOUNT:instance/ID)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36}$", var.connect_instance_arn))
    error_message = "connect_instance_arn must be an Amazon Connect instance ARN."
  }
}

variable "associate_stream_with_connect" {
  description = "Whether Terraform associates the stream with the Connect instance for CTRs and agent events. null (default): the same as create_stream, so a created stream is always associated and an adopted one is left as Connect already streams to it. true with an adopted stream: Terraform manages the association. false is refused with create_stream = true (a stream nothing writes to)."
  type        = bool
  default     = null
  nullable    = true

  validation {
    condition     = !(var.create_stream && var.associate_stream_with_connect == false)
    error_message = "create_stream = true with associate_stream_with_connect = false creates a stream Connect never writes to: leave associate_stream_with_connect unset (null follows create_stream) or set it to true."
  }
}

variable "create_stream" {
  description = "true: create the stream stream_name (KMS-encrypted with a new key). false: adopt the existing stream of that name."
  type        = bool
  default     = false
}

variable "stream_name" {
  description = "Name of the Kinesis stream shared by agent events and CTRs."
  type        = string
  default     = "connect-ctr-stream"
}

variable "stream_mode" {
  description = "Capacity mode of a created stream (ON_DEMAND or PROVISIONED)."
  type        = string
  default     = "ON_DEMAND"
}

variable "stream_shard_count" {
  description = "Shards of a created PROVISIONED stream."
  type        = number
  default     = 1
}

variable "stream_retention_hours" {
  description = "Retention of a created stream, in hours (24-8760)."
  type        = number
  default     = 168
}

variable "existing_stream_kms_key_arn" {
  description = "Customer-managed KMS key of an adopted stream (its ARN), or null if the stream is unencrypted or uses alias/aws/kinesis. The plan fails, naming this variable, when the stream's own key and this value disagree."
  type        = string
  default     = null
}

variable "contact_events_to_stream" {
  description = "Whether Connect's EventBridge contact events of the instance are also put onto the shared stream (the whole envelope, partition key $.detail.contactId) for the Flink job and the Firehose history, beside persist_contact_event. false: only the function receives them."
  type        = bool
  default     = true
}

variable "stream_reader_principal_arns" {
  description = "Extra principals (e.g. roles of other accounts) allowed to read the stream through its resource policy; this project's roles need not be listed."
  type        = list(string)
  default     = []
}

variable "efo_consumer_name" {
  description = "Enhanced fan-out consumer of the Flink job."
  type        = string
  default     = "connect-monitor"
}

# ---------------------------------------------------------------------------------------------
# Timestream
# ---------------------------------------------------------------------------------------------

variable "timestream_database_name" {
  description = "Name of the Timestream database."
  type        = string
  default     = "connect_monitor"
}

variable "timestream_tables" {
  description = "THE list of Timestream tables: by table name, who writes it (flink, or a function in lambdas/: persist_contact_event, persist_agent_event, persist_instance_data) and its retention. Roles are granted exactly the tables of their writer; tests/infra checks the names against what the job and the functions declare."
  type = map(object({
    writer                        = string
    memory_store_retention_hours  = number
    magnetic_store_retention_days = number
  }))
  default = {
    agent_state_by_queue = {
      writer                        = "flink"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    queue_contact_metrics = {
      writer                        = "flink"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    queue_contact_metrics_rolling = {
      writer                        = "flink"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    queue_contact_metrics_daily = {
      writer                        = "flink"
      memory_store_retention_hours  = 72
      magnetic_store_retention_days = 400
    }
    queue_contacts_waiting = {
      writer                        = "flink"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    contact_events = {
      writer                        = "persist_contact_event"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    agent_events = {
      writer                        = "persist_agent_event"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    instance_metrics = {
      writer                        = "persist_instance_data"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
    instance_inventory = {
      writer                        = "persist_instance_data"
      memory_store_retention_hours  = 24
      magnetic_store_retention_days = 400
    }
  }

  validation {
    condition = alltrue([for t in values(var.timestream_tables) :
      contains(["flink", "persist_contact_event", "persist_agent_event", "persist_instance_data"], t.writer)
    ])
    error_message = "Each table's writer must be flink, persist_contact_event, persist_agent_event or persist_instance_data."
  }
}

variable "timestream_rejected_records_expiration_days" {
  description = "Days a Timestream rejected-record report is kept in S3."
  type        = number
  default     = 30
}

# ---------------------------------------------------------------------------------------------
# InfluxDB (store = "influxdb"): the instance, its network and the VPC it lives in
# ---------------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC of the InfluxDB instance, the Flink application's network interfaces and (with Managed Grafana) the workspace's: required with store = \"influxdb\". This project creates no VPC: bring one with private subnets (influxdb_subnet_ids)."
  type        = string
  default     = null

  validation {
    condition     = var.store != "influxdb" || can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "store = \"influxdb\" needs vpc_id, the VPC (vpc-...) whose private subnets hold the instance: this project creates no VPC."
  }
}

variable "influxdb_subnet_ids" {
  description = "Private subnets (no route from the internet) of vpc_id, in different Availability Zones, for the InfluxDB instance, the Flink application, the interface endpoints and the Grafana workspace: required with store = \"influxdb\", 1-3 of them, at least 2 with Managed Grafana (its rule) or a Multi-AZ standby."
  type        = list(string)
  default     = []

  validation {
    condition = var.store != "influxdb" || (
      length(var.influxdb_subnet_ids) >= ((var.enable_managed_grafana || var.influxdb_deployment_type == "WITH_MULTIAZ_STANDBY") ? 2 : 1) &&
      length(var.influxdb_subnet_ids) <= 3 &&
      alltrue([for id in var.influxdb_subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    )
    error_message = "store = \"influxdb\" needs influxdb_subnet_ids: 1-3 private subnet ids (subnet-...) of vpc_id in different Availability Zones, at least 2 with enable_managed_grafana = true or a WITH_MULTIAZ_STANDBY deployment. This project creates no VPC or subnets."
  }
}

variable "influxdb_instance_type" {
  description = "Timestream for InfluxDB instance class; db.influx.medium is the smallest (docs/DEPLOY.md, costs)."
  type        = string
  default     = "db.influx.medium"
}

variable "influxdb_storage_type" {
  description = "Storage type of the instance: InfluxIOIncludedT1 (3,000 IOPS, from 20 GiB) is the smallest; T2 and T3 need 400 GiB."
  type        = string
  default     = "InfluxIOIncludedT1"
}

variable "influxdb_allocated_storage_gib" {
  description = "Storage of the instance in GiB (20 is the minimum for InfluxIOIncludedT1)."
  type        = number
  default     = 20
}

variable "influxdb_deployment_type" {
  description = "SINGLE_AZ, or WITH_MULTIAZ_STANDBY (a standby in a second zone, billed as a second instance)."
  type        = string
  default     = "SINGLE_AZ"
}

variable "influxdb_parameter_group_identifier" {
  description = "ID of an existing Timestream for InfluxDB DB parameter group, or null for the engine defaults (the pinned AWS provider cannot create one)."
  type        = string
  default     = null
}

variable "influxdb_port" {
  description = "Port of the InfluxDB API."
  type        = number
  default     = 8086
}

variable "influxdb_organization" {
  description = "Initial InfluxDB organization of the instance."
  type        = string
  default     = "connect-monitor"
}

variable "influxdb_database_name" {
  description = "The instance's initial bucket, and so the InfluxDB v1 database the job writes and Grafana queries (sink/influxdb.database: InfluxDB maps a bucket to the database of the same name)."
  type        = string
  default     = "connect_monitor"
}

variable "influxdb_admin_username" {
  description = "Initial admin user of the instance (its password is generated and kept in the secret the instance creates)."
  type        = string
  default     = "connect-monitor-admin"
}

variable "influxdb_allowed_security_group_ids" {
  description = "Further security groups allowed to reach the InfluxDB API (and the interface endpoints): e.g. the host an operator runs the one-time token commands from (docs/DEPLOY.md), or a self-hosted Grafana."
  type        = list(string)
  default     = []
}

variable "influxdb_log_expiration_days" {
  description = "Days the instance's engine logs are kept in S3."
  type        = number
  default     = 30
}

variable "influxdb_secret_recovery_window_days" {
  description = "Days a deleted token secret can be restored (0, or 7-30)."
  type        = number
  default     = 30
}

variable "vpc_endpoints" {
  description = "How the job (and Grafana) inside the VPC reach AWS APIs. \"create\" (default): Terraform creates interface endpoints (vpc_endpoint_services) in influxdb_subnet_ids, each billed per hour and Availability Zone. \"existing\": the VPC has them already; list their security groups in existing_vpc_endpoint_security_group_ids (Terraform adds ingress rules). \"nat\": the subnets route to a NAT gateway of yours; HTTPS egress goes to 0.0.0.0/0."
  type        = string
  default     = "create"

  validation {
    condition     = contains(["create", "existing", "nat"], var.vpc_endpoints)
    error_message = "vpc_endpoints must be \"create\", \"existing\" (with existing_vpc_endpoint_security_group_ids) or \"nat\"."
  }

  validation {
    condition     = var.vpc_endpoints != "existing" || length(var.existing_vpc_endpoint_security_group_ids) > 0
    error_message = "vpc_endpoints = \"existing\" needs existing_vpc_endpoint_security_group_ids: the security groups of the VPC's interface endpoints."
  }
}

variable "vpc_endpoint_services" {
  description = "Interface endpoint services to create with vpc_endpoints = \"create\" (short names: com.amazonaws.REGION.<name>). null: kinesis-streams and secretsmanager (what the job calls), plus athena and monitoring with Managed Grafana (what its other data sources call)."
  type        = list(string)
  default     = null
}

variable "existing_vpc_endpoint_security_group_ids" {
  description = "With vpc_endpoints = \"existing\": security groups of the VPC's interface endpoints for the services vpc_endpoint_services lists."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------------------------------------
# History (Firehose, S3, Glue, Athena)
# ---------------------------------------------------------------------------------------------

variable "history_buffering_interval_seconds" {
  description = "Firehose buffering interval (60-900 s): delay before raw records are queryable."
  type        = number
  default     = 300
}

variable "history_buffering_size_mib" {
  description = "Firehose buffering size (64-128 MiB)."
  type        = number
  default     = 64
}

variable "history_expiration_days" {
  description = "Days raw records are kept in S3; null keeps them."
  type        = number
  default     = 731
}

variable "glue_database_name" {
  description = "Glue database holding the CTR table."
  type        = string
  default     = "connect_history"
}

variable "history_partition_start_date" {
  description = "First date (yyyy-MM-dd) of the projected date partitions of the CTR table."
  type        = string
  default     = "2026-01-01"
}

variable "athena_results_expiration_days" {
  description = "Days Athena query results are kept."
  type        = number
  default     = 30
}

variable "athena_bytes_scanned_cutoff" {
  description = "Largest number of bytes one Athena query may scan."
  type        = number
  default     = 10737418240
}

# ---------------------------------------------------------------------------------------------
# Flink job
# ---------------------------------------------------------------------------------------------

variable "flink_app_zip_path" {
  description = "Application zip built by Maven, relative to the directory terraform runs in (infra/terraform)."
  type        = string
  default     = "../../packaging/target/connect-monitor-app.zip"
}

variable "job_properties" {
  description = "Tunable runtime properties of the job by group and key (flink_app/config.py PROPERTY_GROUPS). The defaults are the job's own defaults, spelled out; change a value (e.g. metrics / agent_state.interval.seconds) and apply to reconfigure the running job without a code change. Properties derived from the infrastructure (stream, region, EFO consumer, the store: sink/types follows `store`, Timestream or InfluxDB connection) are set by the flink module."
  type        = map(map(string))
  default = {
    source = {
      "initial.position"                = "LATEST"
      "shard.idle.seconds"              = "130"
      "shard.discovery.interval.millis" = "1000"
    }
    metrics = {
      "agent_state.interval.seconds"       = "10"
      "agent_state.stale_after.seconds"    = "330"
      "watermark.out_of_orderness.seconds" = "5"
      "contact.window.seconds"             = "60"
      "service_level.thresholds.seconds"   = "20,60"
      "contact.allowed_lateness.seconds"   = "3600"
      "contact.dedup_ttl.seconds"          = "7200"
      "contact.emit_interval.seconds"      = "60"
      "contact.rolling.seconds"            = "900"
      "contact.daily.timezone"             = "UTC"
      "queue.max_wait.seconds"             = "7200"
    }
  }
}

variable "flink_parallelism" {
  description = "Initial parallelism of the job."
  type        = number
  default     = 1
}

variable "flink_parallelism_per_kpu" {
  description = "Parallel subtasks per KPU."
  type        = number
  default     = 1
}

variable "flink_autoscaling_enabled" {
  description = "Whether Managed Flink scales parallelism with load."
  type        = bool
  default     = true
}

variable "flink_checkpoint_interval_ms" {
  description = "Checkpoint interval in milliseconds."
  type        = number
  default     = 60000
}

variable "flink_min_pause_between_checkpoints_ms" {
  description = "Smallest pause between checkpoints in milliseconds."
  type        = number
  default     = 5000
}

variable "flink_log_level" {
  description = "Application log level (INFO recommended)."
  type        = string
  default     = "INFO"
}

variable "flink_metrics_level" {
  description = "CloudWatch metrics granularity (APPLICATION, OPERATOR, TASK, PARALLELISM)."
  type        = string
  default     = "APPLICATION"
}

variable "flink_start_application" {
  description = "Whether the job runs (false stops it with a snapshot)."
  type        = bool
  default     = true
}

variable "flink_restore_type" {
  description = "State used on (re)start: RESTORE_FROM_LATEST_SNAPSHOT, SKIP_RESTORE_FROM_SNAPSHOT or RESTORE_FROM_CUSTOM_SNAPSHOT."
  type        = string
  default     = "RESTORE_FROM_LATEST_SNAPSHOT"
}

variable "flink_snapshot_name" {
  description = "Snapshot for RESTORE_FROM_CUSTOM_SNAPSHOT, else null."
  type        = string
  default     = null
}

variable "flink_allow_non_restored_state" {
  description = "Whether a restart may drop state no operator claims (after removing an operator)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------
# Lambdas
# ---------------------------------------------------------------------------------------------

variable "lambda_packages_dir" {
  description = "Directory holding one zip per function, built by `python -m lambdas.build` (lambdas/dist/<function>.zip, Powertools vendored), relative to infra/terraform."
  type        = string
  default     = "../../lambdas/dist"
}

variable "powertools_layer_arn" {
  description = "Powertools for AWS Lambda (Python) v3 layer (python3.12, x86_64, var.region) to attach when the packages were built with --no-vendor; null when Powertools is vendored in the zips (the default build)."
  type        = string
  default     = null
}

variable "lambda_functions" {
  description = "Per function in lambdas/ (lambdas/build.py FUNCTIONS): memory (MB), timeout (s), reserved concurrency (optional: null or absent leaves the function on the account's unreserved pool; Lambda refuses a reservation that leaves fewer than 100 unreserved executions, so set it only where the account's quota allows, see docs/DEPLOY.md), retries of a failed asynchronous invocation (0-2), and its tunable environment variables (declared in lambdas/common/config.py; the infrastructure ones - Timestream database and region, Connect instance and region - are set by the lambdas module). The environment defaults are the functions' own, spelled out."
  type = map(object({
    memory_mb            = number
    timeout_seconds      = number
    reserved_concurrency = optional(number)
    async_retry_attempts = number
    environment          = map(string)
  }))
  default = {
    persist_contact_event = {
      memory_mb            = 256
      timeout_seconds      = 30
      reserved_concurrency = null
      async_retry_attempts = 2
      environment = {
        TIMESTREAM_MAX_ATTEMPTS = "5"
      }
    }
    persist_agent_event = {
      memory_mb            = 256
      timeout_seconds      = 60
      reserved_concurrency = null
      async_retry_attempts = 2
      environment = {
        TIMESTREAM_MAX_ATTEMPTS = "5"
      }
    }
    persist_instance_data = {
      memory_mb            = 256
      timeout_seconds      = 50
      reserved_concurrency = null
      # Every minute brings a fresh collection: a retried one would only be late.
      async_retry_attempts = 0
      environment = {
        TIMESTREAM_MAX_ATTEMPTS    = "5"
        CONNECT_RETRY_MODE         = "adaptive"
        CONNECT_MAX_ATTEMPTS       = "5"
        CONNECT_CHANNELS           = "VOICE,CHAT,TASK"
        INVENTORY_INTERVAL_MINUTES = "15"
      }
    }
  }
}

variable "lambda_log_level" {
  description = "Log level of the functions."
  type        = string
  default     = "INFO"
}

variable "agent_event_types" {
  description = "Agent event types passed to persist_agent_event."
  type        = list(string)
  default     = ["LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT"]
}

variable "agent_event_batch" {
  description = "Kinesis event source mapping settings of persist_agent_event (see the lambdas module)."
  type = object({
    batch_size                 = number
    batching_window_seconds    = number
    parallelization_factor     = number
    maximum_retry_attempts     = number
    maximum_record_age_seconds = number
  })
  default = {
    batch_size                 = 100
    batching_window_seconds    = 1
    parallelization_factor     = 1
    maximum_retry_attempts     = 5
    maximum_record_age_seconds = 3600
  }
}

variable "instance_data_connect_actions" {
  description = "Read-only Connect actions persist_instance_data may call: exactly the operations lambdas/common/connect_api.py uses (a test keeps them equal)."
  type        = list(string)
  default = [
    "connect:GetCurrentMetricData",
    "connect:GetCurrentUserData",
    "connect:ListQueues",
    "connect:ListRoutingProfileQueues",
    "connect:ListRoutingProfiles",
    "connect:ListUsers",
  ]
}

variable "instance_data_schedule" {
  description = "Schedule of persist_instance_data."
  type        = string
  default     = "rate(1 minute)"
}

variable "event_retry" {
  description = "EventBridge retries of a contact event whose delivery to the function fails, before it goes to the DLQ."
  type = object({
    maximum_retry_attempts       = number
    maximum_event_age_in_seconds = number
  })
  default = {
    maximum_retry_attempts       = 3
    maximum_event_age_in_seconds = 300
  }
}

variable "instance_data_schedule_retry_attempts" {
  description = "Scheduler retries when invoking persist_instance_data fails (0: the next minute's run replaces it)."
  type        = number
  default     = 0
}

variable "dlq_retention_seconds" {
  description = "How long failed events stay in the dead-letter queues."
  type        = number
  default     = 1209600
}

# ---------------------------------------------------------------------------------------------
# Grafana
# ---------------------------------------------------------------------------------------------

variable "enable_managed_grafana" {
  description = "Whether to create the Amazon Managed Grafana workspace (needs IAM Identity Center). false: use a self-hosted Grafana as described in docs/DEPLOY.md."
  type        = bool
  default     = true
}

variable "grafana_version" {
  description = "Grafana version of the workspace."
  type        = string
  default     = "10.4"
}

variable "grafana_admin_sso_group_ids" {
  description = "IAM Identity Center groups with the Grafana ADMIN role."
  type        = list(string)
  default     = []
}

variable "grafana_viewer_sso_group_ids" {
  description = "IAM Identity Center groups with the Grafana VIEWER role."
  type        = list(string)
  default     = []
}

variable "grafana_dashboards_path" {
  description = "Directory of dashboard JSON files, relative to infra/terraform."
  type        = string
  default     = "../../grafana/dashboards"
}

# ---------------------------------------------------------------------------------------------
# Shared operational settings
# ---------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group, in days."
  type        = number
  default     = 365
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a KMS key of this project is deleted after destroy (7-30 days)."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Whether destroy may delete non-empty buckets (keep false in production)."
  type        = bool
  default     = false
}
