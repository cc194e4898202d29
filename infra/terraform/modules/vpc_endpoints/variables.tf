variable "name" {
  description = "Prefix of the security group's and the endpoints' names."
  type        = string
}

variable "vpc_id" {
  description = "VPC the endpoints are created in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "subnet_ids" {
  description = "Subnets that get an endpoint network interface (one per Availability Zone is enough; each costs per hour)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least one subnet id (subnet-...)."
  }
}

variable "services" {
  description = "Interface endpoint services by their short name (com.amazonaws.REGION.<name>), e.g. kinesis-streams, secretsmanager, athena, monitoring."
  type        = list(string)

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : can(regex("^[a-z0-9][a-z0-9.-]*$", s))])
    error_message = "services must list interface endpoint service names such as kinesis-streams or secretsmanager."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the endpoints on 443, by a name that goes into the rule's description."
  type        = map(string)
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
}
