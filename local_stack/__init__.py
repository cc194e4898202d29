"""The embedded local AWS: kinesis-local for Kinesis, moto's server for everything else.

Both are started by the project's own code on free loopback ports and stopped by PID.
"""

from local_stack.stack import LocalStack, StackEndpoints

__all__ = ["LocalStack", "StackEndpoints"]
