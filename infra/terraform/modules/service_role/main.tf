# A role that one AWS service assumes for this account only, its inline policies and, optionally, the
# customer-managed-key-encrypted log group (and stream) the service writes to: the pattern the Flink
# application, the Firehose delivery stream, the functions, EventBridge and Grafana share.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [var.service]
    }
    # Confused-deputy guard: only this account's resources (and, if listed, only these) may pass the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    dynamic "condition" {
      for_each = length(var.source_arns) > 0 ? [var.source_arns] : []
      content {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = condition.value
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = var.policies
  name     = each.key
  role     = aws_iam_role.this.id
  policy   = each.value
}

resource "aws_cloudwatch_log_group" "this" {
  count             = var.log_group == null ? 0 : 1
  name              = var.log_group.name
  retention_in_days = var.log_group.retention_days
  kms_key_id        = var.log_group.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "this" {
  count          = try(var.log_group.stream_name, null) == null ? 0 : 1
  name           = var.log_group.stream_name
  log_group_name = aws_cloudwatch_log_group.this[0].name
}
