variable "application_name" {
  description = "Name of the Managed Service for Apache Flink application."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,128}$", var.application_name))
    error_message = "application_name must be 1-128 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "app_zip_path" {
  description = "Path of the application zip built by Maven (packaging/target/connect-monitor-app.zip: Python at the root, lib/connect-monitor-connectors.jar). Build it before plan: `mvn -q package`."
  type        = string

  validation {
    condition     = endswith(var.app_zip_path, ".zip")
    error_message = "app_zip_path must point to the .zip built by Maven."
  }
}

variable "python_entry_point" {
  description = "Run option `python`: the job's entry script, relative to the zip root."
  type        = string

  validation {
    condition     = endswith(var.python_entry_point, ".py") && !startswith(var.python_entry_point, "/")
    error_message = "python_entry_point must be a relative .py path inside the zip."
  }
}

variable "connectors_jar_path" {
  description = "Run option `jarfile`: the shaded connectors jar, relative to the zip root."
  type        = string

  validation {
    condition     = endswith(var.connectors_jar_path, ".jar") && !startswith(var.connectors_jar_path, "/")
    error_message = "connectors_jar_path must be a relative .jar path inside the zip."
  }
}

variable "code_bucket_name" {
  description = "Name of the bucket (created here) holding the application zip."
  type        = string
}

variable "stream_name" {
  description = "Name of the source Kinesis stream; set as job property source/stream.name."
  type        = string
}

variable "stream_arn" {
  description = "ARN of the source Kinesis stream."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/", var.stream_arn))
    error_message = "stream_arn must be a Kinesis stream ARN."
  }
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of the stream (the job gets kms:Decrypt on it); null for the AWS-managed key."
  type        = string
  nullable    = true
}

variable "efo_consumer_name" {
  description = "Enhanced fan-out consumer registered for the job; set as job property source/efo.consumer.name with source/consumer.type = EFO."
  type        = string
}

variable "efo_consumer_arn" {
  description = "ARN of that consumer (kinesis:SubscribeToShard and kinesis:DescribeStreamConsumer are granted on it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+/consumer/", var.efo_consumer_arn))
    error_message = "efo_consumer_arn must be a Kinesis stream consumer ARN."
  }
}

variable "store" {
  description = "Where the job writes: timestream (Timestream for LiveAnalytics: timestream_* variables) or influxdb (Timestream for InfluxDB: var.influxdb, and the application runs in var.vpc). Set as job property sink/types."
  type        = string

  validation {
    condition     = contains(["timestream", "influxdb"], var.store)
    error_message = "store must be timestream or influxdb."
  }
}

variable "timestream_region" {
  description = "Region of the Timestream database (job property sink/timestream.region); null with store = influxdb."
  type        = string
  nullable    = true

  validation {
    condition     = (var.store == "timestream") == (var.timestream_region != null)
    error_message = "timestream_region is required with store = timestream and must be null otherwise."
  }
}

variable "timestream_database_name" {
  description = "Timestream database the job writes (job property sink/timestream.database); null with store = influxdb."
  type        = string
  nullable    = true
}

variable "influxdb" {
  description = "With store = influxdb: the instance's base URL (https://ENDPOINT:8086, job property sink/influxdb.url), the database mapped to its bucket (sink/influxdb.database), the Secrets Manager secret holding the job's API token (sink/influxdb.token.secret_arn; the role may read this secret only) and the KMS key that encrypts that secret. null with store = timestream."
  type = object({
    url               = string
    database          = string
    token_secret_arn  = string
    token_kms_key_arn = string
  })
  nullable = true

  validation {
    condition     = (var.store == "influxdb") == (var.influxdb != null)
    error_message = "influxdb is required with store = influxdb and must be null otherwise."
  }

  validation {
    condition = var.influxdb == null ? true : (
      can(regex("^https?://[^/]+$", var.influxdb.url)) &&
      can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.influxdb.token_secret_arn)) &&
      can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.influxdb.token_kms_key_arn))
    )
    error_message = "influxdb needs url = https://HOST:PORT (no path), token_secret_arn = a Secrets Manager secret ARN and token_kms_key_arn = a KMS key ARN."
  }
}

variable "vpc" {
  description = "Runs the application in a VPC (null: not in a VPC, as with store = timestream): the VPC, the subnets Managed Flink places the application's network interfaces in, and the egress rules of the application's own security group, by name: a TCP port to another security group (security_group_id) or to an IPv4 range (cidr_ipv4, e.g. 0.0.0.0/0 for HTTPS through a NAT gateway)."
  type = object({
    vpc_id     = string
    subnet_ids = list(string)
    egress = map(object({
      description       = string
      port              = number
      security_group_id = optional(string)
      cidr_ipv4         = optional(string)
    }))
  })
  nullable = true

  validation {
    condition = var.vpc == null ? true : (
      can(regex("^vpc-[0-9a-f]+$", var.vpc.vpc_id)) &&
      length(var.vpc.subnet_ids) > 0 &&
      alltrue([for id in var.vpc.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))]) &&
      alltrue([for rule in values(var.vpc.egress) : (rule.security_group_id == null) != (rule.cidr_ipv4 == null)])
    )
    error_message = "vpc needs a vpc-... id, at least one subnet-... id, and each egress rule exactly one of security_group_id or cidr_ipv4."
  }
}

variable "timestream_table_arns" {
  description = "ARNs of the Timestream tables the job writes, by table name; the job may write these and no others."
  type        = map(string)

  validation {
    condition     = alltrue([for arn in values(var.timestream_table_arns) : can(regex("^arn:aws[a-z-]*:timestream:[a-z0-9-]+:[0-9]{12}:database/.+/table/.+$", arn))])
    error_message = "timestream_table_arns values must be Timestream table ARNs."
  }
}

variable "property_groups" {
  description = "Tunable runtime properties of the job, by property group then key (values are strings, as Managed Flink passes them). Allowed groups and keys are those the job declares in flink_app/config.py PROPERTY_GROUPS, except the ones this module derives from the infrastructure (source/stream.name, source/aws.region, source/consumer.type, source/efo.consumer.name, source/efo.consumer.arn, sink/types from var.store, sink/timestream.database, sink/timestream.region, sink/influxdb.url, sink/influxdb.database, sink/influxdb.token.secret_arn). Changing one restarts the job from its latest snapshot with the new value: no code change."
  type        = map(map(string))

  validation {
    condition     = alltrue([for group in keys(var.property_groups) : contains(keys(local.job_property_keys), group)])
    error_message = "property_groups has an unknown group: the job declares ${join(", ", keys(local.job_property_keys))}."
  }

  validation {
    condition = alltrue(flatten([for group, props in var.property_groups : [
      for key in keys(props) : contains(lookup(local.job_property_keys, group, []), key)
    ]]))
    error_message = "property_groups has a key the job does not declare: see flink_app/config.py PROPERTY_GROUPS."
  }

  validation {
    condition = alltrue(flatten([for group, props in var.property_groups : [
      for key, value in props : !contains(lookup(local.infrastructure_property_keys, group, []), key) ||
      lookup(lookup(local.allowed_infrastructure_values, group, {}), key, null) == value
    ]]))
    error_message = "property_groups must not set source/stream.name, source/aws.region, source/consumer.type, source/efo.consumer.name, source/efo.consumer.arn, sink/timestream.database, sink/timestream.region, sink/influxdb.url, sink/influxdb.database or sink/influxdb.token.secret_arn: the module derives them from the infrastructure. sink/types is the root variable `store` (${var.store} here): leave it out of job_properties, or set it to exactly that."
  }
}

variable "parallelism" {
  description = "Initial parallelism of the job (number of parallel subtasks)."
  type        = number

  validation {
    condition     = var.parallelism >= 1 && floor(var.parallelism) == var.parallelism
    error_message = "parallelism must be a whole number of at least 1."
  }
}

variable "parallelism_per_kpu" {
  description = "Parallel subtasks per KPU (1 vCPU, 4 GiB). 1 gives each subtask a whole KPU; PyFlink's Python workers favour 1."
  type        = number

  validation {
    condition     = var.parallelism_per_kpu >= 1 && var.parallelism_per_kpu <= 8 && floor(var.parallelism_per_kpu) == var.parallelism_per_kpu
    error_message = "parallelism_per_kpu must be a whole number from 1 to 8."
  }
}

variable "autoscaling_enabled" {
  description = "Whether Managed Flink may raise and lower parallelism with CPU use (it restarts the job from a snapshot to do so)."
  type        = bool
}

variable "checkpoint_interval_ms" {
  description = "Checkpoint interval in milliseconds: how much is re-read from the stream after a failure."
  type        = number

  validation {
    condition     = var.checkpoint_interval_ms >= 1000
    error_message = "checkpoint_interval_ms must be at least 1000."
  }
}

variable "min_pause_between_checkpoints_ms" {
  description = "Smallest pause between the end of a checkpoint and the start of the next, in milliseconds."
  type        = number

  validation {
    condition     = var.min_pause_between_checkpoints_ms >= 0
    error_message = "min_pause_between_checkpoints_ms must be 0 or more."
  }
}

variable "log_level" {
  description = "Application log level sent to CloudWatch: INFO is recommended (Flink logs some failures at INFO)."
  type        = string

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "metrics_level" {
  description = "Granularity of the CloudWatch metrics: APPLICATION, OPERATOR, TASK or PARALLELISM."
  type        = string

  validation {
    condition     = contains(["APPLICATION", "OPERATOR", "TASK", "PARALLELISM"], var.metrics_level)
    error_message = "metrics_level must be APPLICATION, OPERATOR, TASK or PARALLELISM."
  }
}

variable "log_retention_days" {
  description = "Retention of the application log group, in days (a value CloudWatch Logs accepts)."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "start_application" {
  description = "Whether the application runs. Set false to stop it (a snapshot is taken); true starts it again."
  type        = bool
}

variable "restore_type" {
  description = "What state a (re)start uses: RESTORE_FROM_LATEST_SNAPSHOT (normal rollouts), SKIP_RESTORE_FROM_SNAPSHOT (start empty, e.g. after an incompatible change of the job graph) or RESTORE_FROM_CUSTOM_SNAPSHOT (with snapshot_name)."
  type        = string

  validation {
    condition     = contains(["RESTORE_FROM_LATEST_SNAPSHOT", "SKIP_RESTORE_FROM_SNAPSHOT", "RESTORE_FROM_CUSTOM_SNAPSHOT"], var.restore_type)
    error_message = "restore_type must be RESTORE_FROM_LATEST_SNAPSHOT, SKIP_RESTORE_FROM_SNAPSHOT or RESTORE_FROM_CUSTOM_SNAPSHOT."
  }
}

variable "snapshot_name" {
  description = "Snapshot to restore from when restore_type = RESTORE_FROM_CUSTOM_SNAPSHOT; otherwise null."
  type        = string
  nullable    = true

  validation {
    condition     = (var.restore_type == "RESTORE_FROM_CUSTOM_SNAPSHOT") == (var.snapshot_name != null)
    error_message = "snapshot_name must be set exactly when restore_type = RESTORE_FROM_CUSTOM_SNAPSHOT."
  }
}

variable "allow_non_restored_state" {
  description = "Whether a restart may drop snapshot state that no operator of the new job version claims (needed after removing an operator)."
  type        = bool
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the code bucket's KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the code bucket while it holds objects."
  type        = bool
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
