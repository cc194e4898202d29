# Interface VPC endpoints (AWS PrivateLink) for the AWS APIs that clients inside a VPC without a NAT
# gateway call: one endpoint per service, private DNS on (the SDKs' default endpoint names resolve to
# it), in the given subnets, behind a security group that admits HTTPS from the listed clients only.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
}

resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:Attached to the interface endpoints below (security_group_ids), which checkov does not follow.
  name        = "${var.name}-vpc-endpoints"
  description = "Interface VPC endpoints of ${var.name}: HTTPS from its clients only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS to AWS APIs from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_vpc_endpoint" "this" {
  for_each = toset(var.services)

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${local.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.this.id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name}-${each.value}" })
}
