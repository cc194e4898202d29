variable "bucket_name" {
  description = "Globally unique name of the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lower-case letters, digits, dots and hyphens."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts every object (SSE-KMS with an S3 Bucket Key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "expiration_days" {
  description = "Days after which current objects expire; null keeps them until deleted."
  type        = number
  nullable    = true

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days, false)
    error_message = "expiration_days must be null or a whole number of at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed."
  type        = number

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "additional_policy_json" {
  description = "A policy document (an aws_iam_policy_document's json) whose statements join the bucket policy beside its TLS-only rule, e.g. a service principal that delivers logs; null for none."
  type        = string
  nullable    = true
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects."
  type        = bool
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
}
