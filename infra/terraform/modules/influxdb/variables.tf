variable "name" {
  description = "Name of the DB instance (a prefix of its endpoint), of its security group, key alias and secrets: 3-40 letters, digits and single hyphens, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$", var.name)) && length(var.name) >= 3 && length(var.name) <= 40
    error_message = "name must be 3-40 letters, digits and single hyphens, starting with a letter (Timestream for InfluxDB's rule for instance names)."
  }
}

variable "instance_type" {
  description = "DB instance class (db.influx.medium is the smallest)."
  type        = string

  validation {
    condition     = contains(["db.influx.medium", "db.influx.large", "db.influx.xlarge", "db.influx.2xlarge", "db.influx.4xlarge", "db.influx.8xlarge", "db.influx.12xlarge", "db.influx.16xlarge"], var.instance_type)
    error_message = "instance_type must be one of db.influx.medium, large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge or 16xlarge."
  }
}

variable "storage_type" {
  description = "Storage type: InfluxIOIncludedT1 (3,000 IOPS, 20 GiB minimum), InfluxIOIncludedT2 (12,000 IOPS) or InfluxIOIncludedT3 (16,000 IOPS), both 400 GiB minimum."
  type        = string

  validation {
    condition     = contains(["InfluxIOIncludedT1", "InfluxIOIncludedT2", "InfluxIOIncludedT3"], var.storage_type)
    error_message = "storage_type must be InfluxIOIncludedT1, InfluxIOIncludedT2 or InfluxIOIncludedT3."
  }
}

variable "allocated_storage_gib" {
  description = "Storage in GiB (20-16384; at least 400 with InfluxIOIncludedT2 or T3)."
  type        = number

  validation {
    condition     = var.allocated_storage_gib >= 20 && var.allocated_storage_gib <= 16384 && floor(var.allocated_storage_gib) == var.allocated_storage_gib
    error_message = "allocated_storage_gib must be a whole number from 20 to 16384."
  }
}

variable "deployment_type" {
  description = "SINGLE_AZ, or WITH_MULTIAZ_STANDBY (a standby in a second Availability Zone: needs two subnets in different zones; billed as two instances)."
  type        = string

  validation {
    condition     = contains(["SINGLE_AZ", "WITH_MULTIAZ_STANDBY"], var.deployment_type)
    error_message = "deployment_type must be SINGLE_AZ or WITH_MULTIAZ_STANDBY."
  }
}

variable "parameter_group_identifier" {
  description = "ID of an existing Timestream for InfluxDB DB parameter group, or null for the engine defaults. The pinned AWS provider has no resource to create one; removing it later replaces the instance."
  type        = string
  nullable    = true
}

variable "port" {
  description = "Port the instance listens on (8086, InfluxDB's default)."
  type        = number

  validation {
    condition     = var.port >= 1024 && var.port <= 65535
    error_message = "port must be from 1024 to 65535."
  }
}

variable "vpc_id" {
  description = "VPC of the instance's security group (the subnets' VPC)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the instance (1-3; two in different Availability Zones for WITH_MULTIAZ_STANDBY)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 3 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list 1-3 subnet ids (subnet-...)."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the instance on its port, by a name that goes into the rule's description (e.g. flink, grafana, operator-1)."
  type        = map(string)
}

variable "organization" {
  description = "The instance's initial InfluxDB organization."
  type        = string
}

variable "bucket" {
  description = "The instance's initial bucket; its name is also the InfluxDB v1 database the job writes (InfluxDB's virtual DBRP mapping of a bucket named without a slash: database = bucket name, retention policy autogen)."
  type        = string

  validation {
    condition     = length(var.bucket) >= 2 && length(var.bucket) <= 64 && can(regex("^[^_/][^\"/]*$", var.bucket))
    error_message = "bucket must be 2-64 characters, not start with '_', and contain no '\"' or '/' (with a '/', the v1 database would be only the part before it)."
  }
}

variable "admin_username" {
  description = "The instance's initial admin user (letters, digits, single hyphens, starting with a letter)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z]([a-zA-Z0-9]*(-[a-zA-Z0-9]+)*)?$", var.admin_username))
    error_message = "admin_username must start with a letter and hold letters, digits and single hyphens."
  }
}

variable "log_bucket_name" {
  description = "Name of the private bucket (created here, same account and region as the instance) receiving the instance's hourly engine logs."
  type        = string
}

variable "log_expiration_days" {
  description = "Days an engine log object is kept."
  type        = number
}

variable "secret_recovery_window_days" {
  description = "Days a deleted token secret can still be restored (0 deletes at once; else 7-30)."
  type        = number

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or from 7 to 30."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the module's KMS key is deleted after `terraform destroy` (7-30 days)."
  type        = number
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the log bucket while it holds logs."
  type        = bool
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
