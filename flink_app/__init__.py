"""The PyFlink job: Amazon Connect agent events and CTRs from Kinesis -> real-time metrics."""
