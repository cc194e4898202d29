"""What the live tests share: the job's properties against the local stack, the records that move the
watermark, and sending records through the generator's Kinesis sink."""

import json
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flink_app.config import properties_document
from local_stack.stack import StackEndpoints
from traffic_generator.simulation import Emission
from traffic_generator.sinks import KinesisSink

TIMESTREAM_REGION = "eu-west-1"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def watermark_tick(index: int, at: datetime) -> str:
    """A heartbeat of an agent of its own instance: moves the watermark, counts in no tested instance."""
    return json.dumps(
        {
            "EventType": "HEART_BEAT",
            "EventId": f"tick-{index}",
            "EventTimestamp": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "AgentARN": f"arn:aws:connect:eu-west-2:123456789012:instance/tick/agent/tick-{index}",
            "CurrentAgentSnapshot": {"AgentStatus": {"Name": "Available", "Type": "ROUTABLE"}},
        }
    )


def write_properties(
    stack: StackEndpoints, tmp_path: Path, metrics: dict[str, str] | None = None, influxdb_url: str | None = None
) -> Path:
    """The job reads the local stream from its start and writes to stdout and the local Timestream (and to the
    InfluxDB at `influxdb_url`, if given); `metrics` (default: contact windows written at most every second)
    tunes the figures."""
    properties = tmp_path / "application_properties.json"
    source = {
        "aws.endpoint": stack.kinesis_url,
        "stream.name": stack.stream_name,
        "initial.position": "TRIM_HORIZON",
        "aws.region": stack.region,
    }
    sink = {
        "types": "print,timestream",
        "timestream.region": TIMESTREAM_REGION,
        "timestream.endpoint": stack.moto_url,
        "timestream.dead_letter.path": str(tmp_path / "timestream-rejected.jsonl"),
    }
    if influxdb_url is not None:
        sink |= {
            "types": "print,timestream,influxdb",
            "influxdb.url": influxdb_url,
            "influxdb.dead_letter.path": str(tmp_path / "influxdb-refused.jsonl"),
        }
    metrics = metrics or {"contact.emit_interval.seconds": "1"}
    properties.write_text(json.dumps(properties_document({"source": source, "sink": sink, "metrics": metrics})))
    return properties


def send(sink: KinesisSink, emissions: list[Emission]) -> None:
    for emission in emissions:
        sink.write(emission)
    sink.flush()


def send_paced(sink: KinesisSink, emissions: list[Emission], start: datetime, speedup: float) -> None:
    """As Connect would, compressed in time from `start`: records of all shards interleave as they do live."""
    began = time.monotonic()
    for emission in emissions:
        due = (emission.arrival - start).total_seconds() / speedup - (time.monotonic() - began)
        if due > 0.05:
            sink.flush()
            time.sleep(due)
        sink.write(emission)
    sink.flush()


def wait_for(
    condition: Callable[[], bool], job: subprocess.Popen, log: list[str], what: str, timeout: float = 180
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if job.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}; job log tail:\n" + "".join(log[-40:]))
        time.sleep(0.5)
