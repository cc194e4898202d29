# Everything runs in var.region (eu-west-2, where Amazon Connect is) except Timestream for
# LiveAnalytics, which is not offered there: it gets its own provider in var.timestream_region.
# With store = "influxdb" nothing uses that provider (it falls back to var.region, unused).
# Tags are passed to every module explicitly (var.tags), not through default_tags.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "timestream"
  region = coalesce(var.timestream_region, var.region)
}
