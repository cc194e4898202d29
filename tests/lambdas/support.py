"""Helpers of the Lambda tests: the functions' environment, payload builders and readers of what was written.

The environment is set when this module is imported (conftest.py imports it), before any test module imports a
handler, because each handler validates its configuration at import, as on a cold start. moto's port is chosen
here for the same reason: `TIMESTREAM_ENDPOINT_URL` is part of that configuration.
"""

import base64
import json
import logging
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from lambdas.common.tables import TABLES
from local_stack.ports import free_port

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MOTO_PORT = free_port()
MOTO_URL = f"http://127.0.0.1:{MOTO_PORT}"
INSTANCE_ID = "5d9f3c1e-8b7a-4f2e-9c3d-1a2b3c4d5e6f"
INSTANCE_ARN = f"arn:aws:connect:eu-west-2:123456789012:instance/{INSTANCE_ID}"
DATABASE = "connect_monitor_test"
TIMESTREAM_REGION = "eu-west-1"

LAMBDA_ENV = {
    "TIMESTREAM_DATABASE": DATABASE,
    "TIMESTREAM_REGION": TIMESTREAM_REGION,
    "TIMESTREAM_ENDPOINT_URL": MOTO_URL,
    "TIMESTREAM_MAX_ATTEMPTS": "2",
    "CONNECT_INSTANCE_ID": INSTANCE_ARN,
    "CONNECT_REGION": "eu-west-2",
    "CONNECT_MAX_ATTEMPTS": "3",
    "INVENTORY_INTERVAL_MINUTES": "15",
    "POWERTOOLS_METRICS_NAMESPACE": "ConnectMonitorTest",
}
os.environ.update(LAMBDA_ENV)
# Local endpoints accept any credentials; these keep boto3 from looking for real ones.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "eu-west-2",
}.items():
    os.environ.setdefault(_name, _value)


def load_fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class FakeLambdaContext:
    """The attributes Powertools and the handlers read from Lambda's context object."""

    function_name: str = "connect-monitor-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-2:123456789012:function:connect-monitor-test"
    aws_request_id: str = "5f0c4a4e-0000-4000-8000-000000000000"
    remaining_ms: int = 60_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def kinesis_event(payloads: list[dict[str, Any] | str | bytes]) -> dict[str, Any]:
    """A Kinesis event source mapping event, one record per payload (dicts are JSON-encoded)."""
    records = []
    for index, payload in enumerate(payloads):
        if isinstance(payload, dict):
            data = json.dumps(payload).encode()
            partition_key = payload.get("AgentARN") or payload.get("ContactId") or "unknown"
        else:
            data = payload.encode() if isinstance(payload, str) else payload
            partition_key = "unknown"
        sequence = f"4965926834519898786540183734568936624808{index:08d}"
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": partition_key,
                    "sequenceNumber": sequence,
                    "data": base64.b64encode(data).decode(),
                    "approximateArrivalTimestamp": 1767603720.123,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000000:{sequence}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/connect-monitor-persist-agent-event",
                "awsRegion": "eu-west-2",
                "eventSourceARN": "arn:aws:kinesis:eu-west-2:123456789012:stream/connect-agent-events",
            }
        )
    return {"Records": records}


def sequence_numbers(event: dict[str, Any], *indexes: int) -> list[str]:
    return [event["Records"][i]["kinesis"]["sequenceNumber"] for i in indexes]


def emitted_metrics(stdout: str) -> dict[str, float]:
    """Totals of the CloudWatch EMF metrics Powertools printed, by metric name."""
    totals: dict[str, float] = {}
    for line in stdout.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        blob = json.loads(line)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                    value if isinstance(value, list) else [value]
                )
    return totals


class LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class TimestreamStore:
    """The database and tables the functions write, in moto, and what they hold."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = boto3.client("timestream-write", endpoint_url=url, region_name=TIMESTREAM_REGION)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()
        self.client.create_database(DatabaseName=DATABASE)
        for table in TABLES:
            self.client.create_table(DatabaseName=DATABASE, TableName=table)

    def records(self, table: str) -> list[dict[str, Any]]:
        """Records as moto stored them (one per WriteRecords entry: moto never merges or rejects)."""
        with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=5) as response:
            state = json.load(response)
        tables = state.get("timestreamwrite", {}).get("TimestreamTable", [])
        return [r for t in tables if t["db_name"] == DATABASE and t["name"] == table for r in t["records"]]


def measures(record: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A multi-measure record's measures as name -> (type, value)."""
    return {m["Name"]: (m["Type"], m["Value"]) for m in record["MeasureValues"]}


def dimensions(record: dict[str, Any]) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in record["Dimensions"]}


def identity(record: dict[str, Any]) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What Timestream uses to tell records apart: time, measure name, dimensions."""
    return record["Time"], record["MeasureName"], tuple(sorted(dimensions(record).items()))
