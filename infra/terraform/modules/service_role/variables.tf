variable "name" {
  description = "Name of the role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits and +=,.@_- (IAM's rule for role names)."
  }
}

variable "service" {
  description = "Service principal that assumes the role, e.g. firehose.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", var.service))
    error_message = "service must be a service principal such as firehose.amazonaws.com."
  }
}

variable "source_arns" {
  description = "Resources that may pass the role (trust condition aws:SourceArn, ArnLike), e.g. one EventBridge rule; empty: any resource of this account (aws:SourceAccount always applies)."
  type        = list(string)
}

variable "policies" {
  description = "Inline policies of the role: policy name -> JSON policy document (an aws_iam_policy_document's json)."
  type        = map(string)
}

variable "log_group" {
  description = "The log group the service writes to (name, retention in days, KMS key ARN) and, if stream_name is set, one log stream in it; null for none."
  type = object({
    name           = string
    retention_days = number
    kms_key_arn    = string
    stream_name    = optional(string)
  })
  nullable = true

  validation {
    condition = var.log_group == null ? true : contains(
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
      var.log_group.retention_days,
    )
    error_message = "log_group.retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "tags" {
  description = "Tags added to the role and the log group."
  type        = map(string)
}
