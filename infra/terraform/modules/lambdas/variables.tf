variable "name_prefix" {
  description = "Prefix of every name created here: functions are <name_prefix>-persist-contact-event, -persist-agent-event and -persist-instance-data."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "packages_dir" {
  description = "Directory with one deployment zip per function, <function>.zip, as `python -m lambdas.build` writes them (lambdas/dist). Build before plan."
  type        = string
}

variable "powertools_layer_arn" {
  description = "Powertools for AWS Lambda (Python) v3 layer version (python3.12, x86_64) to attach when the zips were built with --no-vendor; null when Powertools is vendored in the zips."
  type        = string
  nullable    = true

  validation {
    condition     = var.powertools_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be null or a Lambda layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)."
  }
}

variable "functions" {
  description = "Settings of each function, by module name in lambdas/ (persist_contact_event, persist_agent_event, persist_instance_data), or {} for none (the functions write Timestream for LiveAnalytics only): memory in MB, timeout in seconds, reserved concurrency (null: none, the function draws on the account's unreserved pool), retries of a failed asynchronous invocation (0-2), tunable environment variables (lambdas/common/config.py; not the ones this module sets from the infrastructure) and the Timestream table ARNs it may write (by table name)."
  type = map(object({
    memory_mb            = number
    timeout_seconds      = number
    reserved_concurrency = optional(number)
    async_retry_attempts = number
    environment          = map(string)
    timestream_tables    = map(string)
  }))

  validation {
    condition     = length(var.functions) == 0 || toset(keys(var.functions)) == toset(["persist_contact_event", "persist_agent_event", "persist_instance_data"])
    error_message = "functions must have exactly the keys persist_contact_event, persist_agent_event and persist_instance_data, or be empty (no functions: they write Timestream for LiveAnalytics only; the contact-event rule still puts events onto the stream)."
  }

  validation {
    condition = alltrue([for f in values(var.functions) :
      f.memory_mb >= 128 && f.memory_mb <= 10240 && f.timeout_seconds >= 1 && f.timeout_seconds <= 900 &&
      (f.reserved_concurrency == null || try(f.reserved_concurrency >= 1, false)) && f.async_retry_attempts >= 0 && f.async_retry_attempts <= 2
    ])
    error_message = "Each function needs memory_mb 128-10240, timeout_seconds 1-900, reserved_concurrency null (unreserved) or at least 1, and async_retry_attempts 0-2."
  }

  validation {
    condition = alltrue(flatten([for f in values(var.functions) : [
      for name in keys(f.environment) : !contains(local.infrastructure_environment_names, name)
    ]]))
    error_message = "functions[*].environment must not set TIMESTREAM_DATABASE, TIMESTREAM_REGION, CONNECT_INSTANCE_ID, CONNECT_REGION, POWERTOOLS_SERVICE_NAME or POWERTOOLS_LOG_LEVEL: the module sets them."
  }
}

variable "log_level" {
  description = "Application log level of the functions (Powertools and Lambda's JSON logs)."
  type        = string

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups, in days (a value CloudWatch Logs accepts)."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "dlq_retention_seconds" {
  description = "How long failed events wait in the dead-letter queues (60 s to 14 days)."
  type        = number

  validation {
    condition     = var.dlq_retention_seconds >= 60 && var.dlq_retention_seconds <= 1209600
    error_message = "dlq_retention_seconds must be from 60 to 1209600."
  }
}

variable "timestream_region" {
  description = "Region of the Timestream database (passed to the functions as TIMESTREAM_REGION); null without functions."
  type        = string
  nullable    = true
}

variable "timestream_database_name" {
  description = "Timestream database the functions write (TIMESTREAM_DATABASE); null without functions."
  type        = string
  nullable    = true
}

variable "stream_arn" {
  description = "ARN of the Kinesis stream with agent events and CTRs (source of persist_agent_event)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/", var.stream_arn))
    error_message = "stream_arn must be a Kinesis stream ARN."
  }
}

variable "contact_events_to_stream" {
  description = "Whether the contact-event rule also puts every event, as its whole EventBridge envelope keyed by $.detail.contactId, onto the shared stream (for the Flink job and the Firehose history)."
  type        = bool
}

variable "stream_kms_key_arn" {
  description = "Customer-managed KMS key of the stream (persist_agent_event gets kms:Decrypt on it, the EventBridge target role kms:GenerateDataKey); null for the AWS-managed key."
  type        = string
  nullable    = true
}

variable "agent_event_types" {
  description = "Agent event types (EventType) the Kinesis event source mapping passes to persist_agent_event; CTRs on the same stream never reach it."
  type        = list(string)

  validation {
    condition     = length(var.agent_event_types) > 0 && alltrue([for t in var.agent_event_types : contains(["LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT"], t)])
    error_message = "agent_event_types must list some of LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT."
  }
}

variable "agent_event_batch" {
  description = "Kinesis event source mapping of persist_agent_event: records per batch (1-10000), batching window (0-300 s), concurrent batches per shard (1-10), retries of a failing batch (-1 = until the record expires, else 0-10000) and the age (s) after which records are sent to the DLQ (-1 = never, else 60-604800)."
  type = object({
    batch_size                 = number
    batching_window_seconds    = number
    parallelization_factor     = number
    maximum_retry_attempts     = number
    maximum_record_age_seconds = number
  })

  validation {
    condition = (
      var.agent_event_batch.batch_size >= 1 && var.agent_event_batch.batch_size <= 10000 &&
      var.agent_event_batch.batching_window_seconds >= 0 && var.agent_event_batch.batching_window_seconds <= 300 &&
      var.agent_event_batch.parallelization_factor >= 1 && var.agent_event_batch.parallelization_factor <= 10 &&
      var.agent_event_batch.maximum_retry_attempts >= -1 && var.agent_event_batch.maximum_retry_attempts <= 10000 &&
      (var.agent_event_batch.maximum_record_age_seconds == -1 || (var.agent_event_batch.maximum_record_age_seconds >= 60 && var.agent_event_batch.maximum_record_age_seconds <= 604800))
    )
    error_message = "agent_event_batch is out of range: batch_size 1-10000, batching_window_seconds 0-300, parallelization_factor 1-10, maximum_retry_attempts -1..10000, maximum_record_age_seconds -1 or 60-604800."
  }
}

variable "connect_instance_arn" {
  description = "ARN of the Amazon Connect instance: contact events of other instances are filtered out, and persist_instance_data reads this instance only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]{36}$", var.connect_instance_arn))
    error_message = "connect_instance_arn must be an Amazon Connect instance ARN."
  }
}

variable "instance_data_connect_actions" {
  description = "Read-only Amazon Connect API actions persist_instance_data may call on the instance and its queues, routing profiles and users (e.g. connect:GetCurrentMetricData)."
  type        = list(string)

  validation {
    condition     = alltrue([for a in var.instance_data_connect_actions : can(regex("^connect:(Get|List|Describe|Search)[A-Za-z0-9]+$", a))])
    error_message = "instance_data_connect_actions must be explicit read-only connect: actions (Get*, List*, Describe*, Search*), without wildcards."
  }
}

variable "instance_data_schedule" {
  description = "EventBridge Scheduler expression for persist_instance_data, e.g. rate(1 minute)."
  type        = string

  validation {
    condition     = can(regex("^(rate|cron)\\(.+\\)$", var.instance_data_schedule))
    error_message = "instance_data_schedule must be a rate(...) or cron(...) expression."
  }
}

variable "event_retry" {
  description = "Retries of EventBridge (contact events) when invoking the function fails: attempts (0-185) and the event age in seconds (60-86400) after which it goes to the DLQ. The age also bounds the functions' asynchronous retries."
  type = object({
    maximum_retry_attempts       = number
    maximum_event_age_in_seconds = number
  })

  validation {
    condition = (
      var.event_retry.maximum_retry_attempts >= 0 && var.event_retry.maximum_retry_attempts <= 185 &&
      var.event_retry.maximum_event_age_in_seconds >= 60 && var.event_retry.maximum_event_age_in_seconds <= 86400
    )
    error_message = "event_retry needs maximum_retry_attempts 0-185 and maximum_event_age_in_seconds 60-86400."
  }
}

variable "instance_data_schedule_retry_attempts" {
  description = "Scheduler retries when invoking persist_instance_data fails (0-185); 0 because the next run replaces a missed one."
  type        = number

  validation {
    condition     = var.instance_data_schedule_retry_attempts >= 0 && var.instance_data_schedule_retry_attempts <= 185
    error_message = "instance_data_schedule_retry_attempts must be from 0 to 185."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the functions' KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
