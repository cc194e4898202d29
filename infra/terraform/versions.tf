terraform {
  # 1.9+: variable validations refer to locals and other variables.
  required_version = ">= 1.9.0"

  required_providers {
    # Exact pin: tests/infra checks every resource and argument against the schema of exactly
    # this version (from the cdktn-provider-aws bindings on PyPI).
    aws = {
      source  = "hashicorp/aws"
      version = "6.69.1"
    }
  }
}
