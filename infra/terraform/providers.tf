# Everything runs in var.region (eu-west-2, where Amazon Connect is) except Timestream for
# LiveAnalytics, which is not offered there: it gets its own provider in var.timestream_region.
# Tags are passed to every module explicitly (var.tags), not through default_tags.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "timestream"
  region = var.timestream_region
}
