# The three persisting functions and their triggers:
#   persist_contact_event  <- EventBridge rule (source aws.connect, "Amazon Connect Contact Event"),
#                             whose second target puts the same events onto the shared stream
#                             (contact_events_to_stream) for the Flink job and the Firehose history
#   persist_agent_event    <- Kinesis event source mapping (agent events only; CTRs filtered out)
#   persist_instance_data  <- EventBridge Scheduler (every minute)
# Packages are the per-function zips of `python -m lambdas.build`; handlers, tables and
# environment variables follow its manifest (lambdas/build.py FUNCTIONS).
# Each has its own role (its tables, its trigger, its DLQ), log group and dead-letter queue.
# The functions write Timestream for LiveAnalytics only: with the InfluxDB store var.functions is empty and
# only the contact-event rule, its stream target and its dead-letter queue remain (the job needs them).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  function_names = { for key in keys(var.functions) : key => "${var.name_prefix}-${replace(key, "_", "-")}" }
  log_group_arns = {
    for key, name in local.function_names : key => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${name}"
  }
  contact_event_rule_name = "${var.name_prefix}-connect-contact-events"
  contact_event_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.contact_event_rule_name}"
  instance_id             = element(split("/", var.connect_instance_arn), 1)

  kms_use_actions = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]

  # Environment variables that follow from the infrastructure (names as lambdas/common/config.py
  # declares them); the rest come from var.functions[*].environment.
  infrastructure_environment_names = [
    "TIMESTREAM_DATABASE", "TIMESTREAM_REGION", "CONNECT_INSTANCE_ID", "CONNECT_REGION",
    "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL",
  ]
  infrastructure_environment = {
    for key, name in local.function_names : key => merge(
      {
        POWERTOOLS_SERVICE_NAME = name
        POWERTOOLS_LOG_LEVEL    = var.log_level
        TIMESTREAM_DATABASE     = var.timestream_database_name
        TIMESTREAM_REGION       = var.timestream_region
      },
      key == "persist_instance_data" ? {
        CONNECT_INSTANCE_ID = local.instance_id
        CONNECT_REGION      = local.connect_region
      } : {},
    )
  }
  connect_region = element(split(":", var.connect_instance_arn), 3)
  packages       = { for key in keys(var.functions) : key => "${var.packages_dir}/${key}.zip" }

  # Which trigger has a function to invoke (all three, or none with the InfluxDB store).
  has_function = { for key in ["persist_contact_event", "persist_agent_event", "persist_instance_data"] : key => contains(keys(var.functions), key) }
  # The contact-event rule's dead-letter queue exists as long as the rule has a target.
  dlq_names = merge(
    local.function_names,
    var.contact_events_to_stream ? { persist_contact_event = "${var.name_prefix}-persist-contact-event" } : {},
  )
}

module "key" {
  source = "../kms_key"

  alias_name             = "${var.name_prefix}-lambdas"
  description            = "Encrypts the environment, dead-letter queues and logs of the ${var.name_prefix} functions."
  deletion_window_days   = var.kms_key_deletion_window_days
  via_service_principals = []
  service_principals = concat(
    length(local.function_names) == 0 ? [] : [{
      sid       = "CloudWatchLogsEncryptsFunctionLogs"
      service   = "logs.${local.region}.amazonaws.com"
      actions   = local.kms_use_actions
      condition = { test = "ArnEquals", variable = "kms:EncryptionContext:aws:logs:arn", values = values(local.log_group_arns) }
    }],
    [{
      # EventBridge puts undeliverable contact events into the encrypted DLQ.
      sid       = "EventBridgeWritesEncryptedDlq"
      service   = "events.amazonaws.com"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      condition = { test = "ArnEquals", variable = "aws:SourceArn", values = [local.contact_event_rule_arn] }
    }],
  )
  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Per function: log group, dead-letter queue, role, function
# ---------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  for_each                          = local.dlq_names
  name                              = "${each.value}-dlq"
  message_retention_seconds         = var.dlq_retention_seconds
  kms_master_key_id                 = module.key.key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

data "aws_iam_policy_document" "contact_event_dlq" {
  count = contains(keys(local.dlq_names), "persist_contact_event") ? 1 : 0

  statement {
    sid       = "EventBridgeRuleSendsFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq["persist_contact_event"].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.contact_event_rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "contact_event_dlq" {
  count     = contains(keys(local.dlq_names), "persist_contact_event") ? 1 : 0
  queue_url = aws_sqs_queue.dlq["persist_contact_event"].id
  policy    = data.aws_iam_policy_document.contact_event_dlq[0].json
}

module "function_role" {
  source   = "../service_role"
  for_each = local.function_names

  name        = "${each.value}-lambda"
  service     = "lambda.amazonaws.com"
  source_arns = []
  policies    = { persist = data.aws_iam_policy_document.function[each.key].json }
  log_group = {
    name           = "/aws/lambda/${each.value}"
    retention_days = var.log_retention_days
    kms_key_arn    = module.key.key_arn
  }
  tags = var.tags
}

# Addresses before the roles and log groups moved into modules/service_role: no replacement on apply.
moved {
  from = aws_iam_role.function["persist_contact_event"]
  to   = module.function_role["persist_contact_event"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["persist_contact_event"]
  to   = module.function_role["persist_contact_event"].aws_iam_role_policy.this["persist"]
}

moved {
  from = aws_cloudwatch_log_group.function["persist_contact_event"]
  to   = module.function_role["persist_contact_event"].aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.function["persist_agent_event"]
  to   = module.function_role["persist_agent_event"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["persist_agent_event"]
  to   = module.function_role["persist_agent_event"].aws_iam_role_policy.this["persist"]
}

moved {
  from = aws_cloudwatch_log_group.function["persist_agent_event"]
  to   = module.function_role["persist_agent_event"].aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.function["persist_instance_data"]
  to   = module.function_role["persist_instance_data"].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.function["persist_instance_data"]
  to   = module.function_role["persist_instance_data"].aws_iam_role_policy.this["persist"]
}

moved {
  from = aws_cloudwatch_log_group.function["persist_instance_data"]
  to   = module.function_role["persist_instance_data"].aws_cloudwatch_log_group.this[0]
}

data "aws_iam_policy_document" "function" {
  for_each = local.function_names

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arns[each.key]}:log-stream:*"]
  }

  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    resources = ["*"] # X-Ray trace APIs have no resource type: AWS requires "*"
  }

  statement {
    sid       = "SendToOwnDlq"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq[each.key].arn]
  }

  statement {
    sid       = "UseFunctionKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.key.key_arn]
  }

  dynamic "statement" {
    for_each = length(var.functions[each.key].timestream_tables) > 0 ? [1] : []
    content {
      sid       = "WriteOwnTables"
      actions   = ["timestream:WriteRecords"]
      resources = values(var.functions[each.key].timestream_tables)
    }
  }

  statement {
    sid       = "DiscoverTimestreamEndpoint"
    actions   = ["timestream:DescribeEndpoints"]
    resources = ["*"] # DescribeEndpoints has no resource type: AWS requires "*"
  }

  dynamic "statement" {
    for_each = each.key == "persist_agent_event" ? [1] : []
    content {
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
  }

  dynamic "statement" {
    for_each = each.key == "persist_agent_event" && var.stream_kms_key_arn != null ? [var.stream_kms_key_arn] : []
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
    for_each = each.key == "persist_instance_data" ? [1] : []
    content {
      sid     = "ReadConnectInstance"
      actions = var.instance_data_connect_actions
      resources = [
        var.connect_instance_arn,
        "${var.connect_instance_arn}/queue/*",
        "${var.connect_instance_arn}/routing-profile/*",
        "${var.connect_instance_arn}/agent/*",
      ]
    }
  }
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The functions call only AWS public APIs (Timestream, Connect, SQS) and reach no VPC resource; a VPC would add NAT or five interface endpoints and nothing to protect.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile and a signing step in the build; the package is built from the reviewed repository by the same pipeline that deploys it. Revisit if packages ever come from elsewhere.
  for_each = local.function_names

  function_name    = each.value
  description      = "Persists Amazon Connect data to Timestream (lambdas/${each.key}.py)."
  role             = module.function_role[each.key].role_arn
  runtime          = "python3.12"
  architectures    = ["x86_64"]
  handler          = "lambdas.${each.key}.handler"
  filename         = local.packages[each.key]
  source_code_hash = filebase64sha256(local.packages[each.key])
  layers           = var.powertools_layer_arn == null ? [] : [var.powertools_layer_arn]
  memory_size      = var.functions[each.key].memory_mb
  timeout          = var.functions[each.key].timeout_seconds
  # null: no reservation (the provider's -1); a reservation Lambda refuses when it would leave fewer
  # than 100 unreserved executions in the account.
  reserved_concurrent_executions = var.functions[each.key].reserved_concurrency
  kms_key_arn                    = module.key.key_arn
  tags                           = var.tags

  environment {
    variables = merge(var.functions[each.key].environment, local.infrastructure_environment[each.key])
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq[each.key].arn
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = module.function_role[each.key].log_group_name
    application_log_level = var.log_level
    system_log_level      = "INFO"
  }

  depends_on = [module.function_role]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each                     = local.function_names
  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = var.functions[each.key].async_retry_attempts
  maximum_event_age_in_seconds = var.event_retry.maximum_event_age_in_seconds
  # Asynchronous invocations (EventBridge, Scheduler) that still fail go to dead_letter_config.
}

# ---------------------------------------------------------------------------------------------
# persist_contact_event: EventBridge rule
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "contact_events" {
  name = local.contact_event_rule_name
  description = (local.has_function["persist_contact_event"]
    ? "Amazon Connect contact events of one instance to ${local.function_names["persist_contact_event"]} (and the shared stream)."
    : "Amazon Connect contact events of one instance to the shared stream."
  )
  event_pattern = templatefile("${path.module}/contact_event_pattern.json.tftpl", {
    connect_instance_arn = var.connect_instance_arn
  })
  state = "ENABLED"
  tags  = var.tags
}

resource "aws_cloudwatch_event_target" "contact_events" {
  count     = local.has_function["persist_contact_event"] ? 1 : 0
  rule      = aws_cloudwatch_event_rule.contact_events.name
  target_id = "persist-contact-event"
  arn       = aws_lambda_function.this["persist_contact_event"].arn

  retry_policy {
    maximum_retry_attempts       = var.event_retry.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_retry.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq["persist_contact_event"].arn
  }
}

# The same events onto the shared stream, as the whole EventBridge envelope (no input transformer: the
# job parses it), keyed by contact so one contact's events stay in order on one shard.
resource "aws_cloudwatch_event_target" "contact_events_to_stream" {
  count     = var.contact_events_to_stream ? 1 : 0
  rule      = aws_cloudwatch_event_rule.contact_events.name
  target_id = "shared-stream"
  arn       = var.stream_arn
  role_arn  = module.stream_target_role[0].role_arn

  kinesis_target {
    partition_key_path = "$.detail.contactId"
  }

  retry_policy {
    maximum_retry_attempts       = var.event_retry.maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_retry.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq["persist_contact_event"].arn
  }

  depends_on = [module.stream_target_role]
}

data "aws_iam_policy_document" "stream_target" {
  statement {
    sid       = "PutContactEvents"
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords"]
    resources = [var.stream_arn]
  }

  # A stream encrypted with a customer-managed key (created, or adopted with
  # existing_stream_kms_key_arn): writers need a data key from it.
  dynamic "statement" {
    for_each = var.stream_kms_key_arn == null ? [] : [var.stream_kms_key_arn]
    content {
      sid       = "EncryptStreamRecords"
      actions   = ["kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["kinesis.${local.region}.amazonaws.com"]
      }
    }
  }
}

module "stream_target_role" {
  source = "../service_role"
  count  = var.contact_events_to_stream ? 1 : 0

  name        = "${var.name_prefix}-contact-events-to-stream"
  service     = "events.amazonaws.com"
  source_arns = [local.contact_event_rule_arn]
  policies    = { "put-contact-events" = data.aws_iam_policy_document.stream_target.json }
  log_group   = null
  tags        = var.tags
}

resource "aws_lambda_permission" "contact_events" {
  count         = local.has_function["persist_contact_event"] ? 1 : 0
  statement_id  = "AllowConnectContactEventRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["persist_contact_event"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.contact_events.arn
}

# ---------------------------------------------------------------------------------------------
# persist_agent_event: Kinesis event source mapping
# ---------------------------------------------------------------------------------------------

resource "aws_lambda_event_source_mapping" "agent_events" {
  count                              = local.has_function["persist_agent_event"] ? 1 : 0
  function_name                      = aws_lambda_function.this["persist_agent_event"].arn
  event_source_arn                   = var.stream_arn
  starting_position                  = "LATEST"
  batch_size                         = var.agent_event_batch.batch_size
  maximum_batching_window_in_seconds = var.agent_event_batch.batching_window_seconds
  parallelization_factor             = var.agent_event_batch.parallelization_factor
  maximum_retry_attempts             = var.agent_event_batch.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.agent_event_batch.maximum_record_age_seconds
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]
  tags                               = var.tags

  # The stream also carries CTRs: only agent events of the listed types invoke the function.
  filter_criteria {
    filter {
      pattern = jsonencode({ data = { EventType = var.agent_event_types } })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dlq["persist_agent_event"].arn
    }
  }

  depends_on = [module.function_role]
}

# ---------------------------------------------------------------------------------------------
# persist_instance_data: EventBridge Scheduler
# ---------------------------------------------------------------------------------------------

module "scheduler_role" {
  source = "../service_role"
  count  = local.has_function["persist_instance_data"] ? 1 : 0

  name        = "${var.name_prefix}-instance-data-scheduler"
  service     = "scheduler.amazonaws.com"
  source_arns = []
  policies = {
    "invoke-instance-data" = data.aws_iam_policy_document.scheduler[0].json
    "decrypt-schedule"     = data.aws_iam_policy_document.scheduler_decrypt[0].json
  }
  log_group = null
  tags      = var.tags
}

moved {
  from = aws_iam_role.scheduler
  to   = module.scheduler_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.scheduler
  to   = module.scheduler_role[0].aws_iam_role_policy.this["invoke-instance-data"]
}

moved {
  from = aws_iam_role_policy.scheduler_decrypt
  to   = module.scheduler_role[0].aws_iam_role_policy.this["decrypt-schedule"]
}

# Addresses before the functions' triggers became optional (none with the InfluxDB store): no replacement.
moved {
  from = module.scheduler_role
  to   = module.scheduler_role[0]
}

moved {
  from = aws_scheduler_schedule.instance_data
  to   = aws_scheduler_schedule.instance_data[0]
}

moved {
  from = aws_lambda_event_source_mapping.agent_events
  to   = aws_lambda_event_source_mapping.agent_events[0]
}

moved {
  from = aws_cloudwatch_event_target.contact_events
  to   = aws_cloudwatch_event_target.contact_events[0]
}

moved {
  from = aws_lambda_permission.contact_events
  to   = aws_lambda_permission.contact_events[0]
}

moved {
  from = aws_sqs_queue_policy.contact_event_dlq
  to   = aws_sqs_queue_policy.contact_event_dlq[0]
}

data "aws_iam_policy_document" "scheduler" {
  count = local.has_function["persist_instance_data"] ? 1 : 0

  statement {
    sid       = "InvokeInstanceDataFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this["persist_instance_data"].arn]
  }

  statement {
    sid       = "SendFailedInvocationsToDlq"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dlq["persist_instance_data"].arn]
  }

  statement {
    sid       = "EncryptDlqMessages"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.key.key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }
}

# The schedule (and so its target input) is encrypted with the functions' key.
data "aws_iam_policy_document" "scheduler_decrypt" {
  count = local.has_function["persist_instance_data"] ? 1 : 0

  statement {
    sid       = "DecryptScheduleTarget"
    actions   = ["kms:Decrypt"]
    resources = [module.key.key_arn]
    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:scheduler:schedule-arn"
      values   = ["arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/default/${var.name_prefix}-instance-data"]
    }
  }
}

resource "aws_scheduler_schedule" "instance_data" {
  count               = local.has_function["persist_instance_data"] ? 1 : 0
  name                = "${var.name_prefix}-instance-data"
  description         = "Invokes ${local.function_names["persist_instance_data"]} to record current Connect metrics."
  schedule_expression = var.instance_data_schedule
  state               = "ENABLED"
  kms_key_arn         = module.key.key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this["persist_instance_data"].arn
    role_arn = module.scheduler_role[0].role_arn
    # Shaped like an EventBridge scheduled event: the function takes the collection minute from
    # `time`, which Scheduler fills with the run's scheduled time (a context attribute).
    input = jsonencode({
      version       = "0"
      id            = "<aws.scheduler.execution-id>"
      "detail-type" = "Scheduled Event"
      source        = "aws.scheduler"
      time          = "<aws.scheduler.scheduled-time>"
      resources     = ["<aws.scheduler.schedule-arn>"]
      detail        = {}
    })

    retry_policy {
      maximum_retry_attempts       = var.instance_data_schedule_retry_attempts
      maximum_event_age_in_seconds = var.event_retry.maximum_event_age_in_seconds
    }

    dead_letter_config {
      arn = aws_sqs_queue.dlq["persist_instance_data"].arn
    }
  }
}
