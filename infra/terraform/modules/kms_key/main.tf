# A customer-managed KMS key with rotation, whose policy names every use: the account administers it;
# a principal of the account uses it only with a kms: permission on this key in its own IAM policy;
# the listed service principals use it for the listed actions only; and the listed principals without
# an IAM permission of their own (a service-linked role, roles of other accounts) use it through one
# service only. No statement lets every principal of the account use the key.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]
  use_actions = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: its resource "*" means this one key, and every statement names its principals and, for services, its conditions.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: a key policy can only name its own key, and AWS requires that to be written as "*".
  statement {
    sid       = "AccountAdministersKey"
    actions   = local.admin_actions
    resources = ["*"] # in a key policy "*" is the key itself
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # Lets IAM policies of this account grant use of the key: a principal needs kms:Decrypt etc. on this
  # key in its own policy (this project's roles have exactly what they use).
  statement {
    sid       = "AccountIamPoliciesGrantUse"
    actions   = local.use_actions
    resources = ["*"] # in a key policy "*" is the key itself
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # E.g. Amazon Connect's service-linked role writing the stream through Kinesis: its name ends in a
  # random suffix, so it is matched by aws:PrincipalArn, and only through the one listed service.
  dynamic "statement" {
    for_each = var.via_service_principals
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = ["*"] # in a key policy "*" is the key itself
      principals {
        type        = "AWS"
        identifiers = ["*"] # narrowed to the listed principal ARNs and one service by the two conditions
      }
      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = statement.value.principal_arns
      }
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [statement.value.via_service]
      }
    }
  }

  dynamic "statement" {
    for_each = var.service_principals
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = ["*"] # in a key policy "*" is the key itself
      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }
      dynamic "condition" {
        for_each = statement.value.condition == null ? [] : [statement.value.condition]
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_days
  policy                  = data.aws_iam_policy_document.this.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.this.key_id
}
