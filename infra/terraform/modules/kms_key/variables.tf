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

variable "via_services" {
  description = "Service endpoints (e.g. kinesis.eu-west-2.amazonaws.com) through which any principal of this account may use the key, as with AWS-managed keys. Principals still need the KMS permission in their own IAM policy unless the service acts for them."
  type        = list(string)

  validation {
    condition     = alltrue([for s in var.via_services : can(regex("^[a-z0-9-]+\\.[a-z0-9-]+\\.amazonaws\\.com$", s))])
    error_message = "via_services must be service endpoints like kinesis.eu-west-2.amazonaws.com."
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

variable "external_decrypt_principal_arns" {
  description = "Principals of other accounts allowed kms:Decrypt through the services in via_services (e.g. cross-account readers of a Kinesis stream). Empty for none."
  type        = list(string)

  validation {
    condition     = alltrue([for arn in var.external_decrypt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role/|root$)", arn))])
    error_message = "external_decrypt_principal_arns must be IAM role ARNs or account root ARNs."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
}
