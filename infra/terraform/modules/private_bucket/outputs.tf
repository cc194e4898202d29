output "bucket_id" {
  description = "Name of the bucket, known only once versioning is on: an object written through it always gets a version id (an upload that raced versioning would have none, and the next refresh would plan an update of whatever follows the version, such as the Flink application)."
  value       = aws_s3_bucket.this.id
  depends_on  = [aws_s3_bucket_versioning.this]
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}
