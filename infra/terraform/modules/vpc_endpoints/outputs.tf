output "security_group_id" {
  description = "Security group of the endpoints: clients need egress on 443 to it."
  value       = aws_security_group.this.id
}

output "endpoint_ids" {
  description = "Endpoint ID by service name."
  value       = { for service, endpoint in aws_vpc_endpoint.this : service => endpoint.id }
}
