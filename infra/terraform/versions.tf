terraform {
  # 1.11+: the S3 backend's native locking (use_lockfile, GA in 1.11) that docs/DEPLOY.md
  # recommends; 1.9+ is needed anyway for validations that refer to other variables and locals.
  required_version = ">= 1.11.0"

  required_providers {
    # Exact pin: tests/infra checks every resource and argument against the schema of exactly
    # this version (from the cdktn-provider-aws bindings on PyPI).
    aws = {
      source  = "hashicorp/aws"
      version = "6.69.1"
    }
  }
}
