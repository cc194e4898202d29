variable "alias_name" {
  description = "Alias of the key, without the 'alias/' prefix."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(var.alias_name, "aws/")
    error_message = "alias_name must be letters, digits, '/', '_' and '-' and must not start with 'aws/'."
  }
}

variable "description" {
  description = "What the key encrypts."
  type        = string
}

variable "deletion_window_days" {
  description = "Waiting period before the key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.deletion_window_days >= 7 && var.deletion_window_days <= 30
    error_message = "deletion_window_days must be from 7 to 30."
  }
}

variable "service_principals" {
  description = "AWS service principals that use the key directly, each with the exact actions and an optional condition (test, variable, values) that narrows it to this project's resources."
  type = list(object({
    sid       = string
    service   = string
    actions   = list(string)
    condition = optional(object({ test = string, variable = string, values = list(string) }))
  }))

  validation {
    condition     = alltrue([for p in var.service_principals : alltrue([for a in p.actions : startswith(a, "kms:") && !strcontains(a, "*")])])
    error_message = "service_principals actions must be explicit kms: actions without wildcards."
  }
}

variable "via_service_principals" {
  description = "Principals that use the key without a kms: permission in their own IAM policy, each through one service only (kms:ViaService), matched by ARN pattern (aws:PrincipalArn, ArnLike): a service-linked role, whose name ends in a random suffix, or roles of other accounts. Empty for none: every principal of this account then needs an explicit grant."
  type = list(object({
    sid            = string
    principal_arns = list(string)
    via_service    = string
    actions        = list(string)
  }))

  validation {
    condition = alltrue([for p in var.via_service_principals :
      length(p.principal_arns) > 0 && alltrue([for arn in p.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role/|root$)", arn))]) &&
      can(regex("^[a-z0-9-]+\\.[a-z0-9-]+\\.amazonaws\\.com$", p.via_service)) &&
      alltrue([for a in p.actions : startswith(a, "kms:") && !strcontains(a, "*")])
    ])
    error_message = "via_service_principals: each needs role (or account root) ARNs of one account, one service endpoint such as kinesis.eu-west-2.amazonaws.com and explicit kms: actions without wildcards."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
}
