"""boto3 clients, built once per container and reused by every invocation (never per invocation).

Connect's admin and metrics APIs have low rate limits (a few requests per second per account), so the Connect
client retries throttling with botocore's `adaptive` (or `standard`) mode: exponential backoff with jitter,
and in adaptive mode a client-side rate limiter that slows down after throttles. When the attempts are used up
the throttling error surfaces to the caller (`lambdas.common.connect_api` turns it into `ConnectCallFailed`).
"""

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from lambdas.common.config import ConnectSettings, TimestreamSettings

USER_AGENT = "connect-monitor-lambdas"


@cache
def timestream_write_client(settings: TimestreamSettings) -> Any:
    # No endpoint_url on AWS: Timestream write needs endpoint discovery, which boto3 does by itself.
    # (AWS_ENDPOINT_URL* variables would also trigger discovery, so local endpoints go through endpoint_url.)
    return boto3.client(
        "timestream-write",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            connect_timeout=5,
            read_timeout=20,
            user_agent_extra=USER_AGENT,
        ),
    )


@cache
def connect_client(settings: ConnectSettings, endpoint_url: str | None = None) -> Any:
    return boto3.client(
        "connect",
        region_name=settings.region,
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": settings.retry_mode, "total_max_attempts": settings.max_attempts},
            connect_timeout=5,
            read_timeout=15,
            user_agent_extra=USER_AGENT,
        ),
    )
