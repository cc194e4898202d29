variable "database_name" {
  description = "Name of the Timestream for LiveAnalytics database."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,256}$", var.database_name))
    error_message = "database_name must be 3-256 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "tables" {
  description = "Tables to create, by name: memory-store retention in hours (1-8766; the window in which late records are accepted cheaply) and magnetic-store retention in days (1-73000)."
  type = map(object({
    memory_store_retention_hours  = number
    magnetic_store_retention_days = number
  }))

  validation {
    condition     = length(var.tables) > 0
    error_message = "tables must name at least one table."
  }

  validation {
    condition = alltrue([for name, t in var.tables :
      can(regex("^[a-zA-Z0-9_.-]{3,256}$", name)) &&
      t.memory_store_retention_hours >= 1 && t.memory_store_retention_hours <= 8766 &&
      t.magnetic_store_retention_days >= 1 && t.magnetic_store_retention_days <= 73000
    ])
    error_message = "Each table name must be 3-256 characters of letters, digits, '_', '.', '-', with memory_store_retention_hours 1-8766 and magnetic_store_retention_days 1-73000."
  }
}

variable "rejected_records_bucket_name" {
  description = "Name of the bucket (created here, in the Timestream region) that receives reports of records rejected by magnetic-store writes."
  type        = string
}

variable "rejected_records_expiration_days" {
  description = "Days a rejected-record report is kept."
  type        = number

  validation {
    condition     = var.rejected_records_expiration_days >= 1
    error_message = "rejected_records_expiration_days must be at least 1."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the database's KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be from 7 to 30."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the rejected-records bucket while it holds reports."
  type        = bool
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
