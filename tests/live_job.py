"""What the live tests share: the job's properties against the local stack, the job itself in its own process
group with its output read as it comes (`LiveJob`), the records that move the watermark, and sending records
through the generator's Kinesis sink."""

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flink_app.config import properties_document
from local_stack.job_output import parse_output_line
from local_stack.stack import CREDENTIALS, StackEndpoints, wait_stream_active
from tests.conftest import REPO_ROOT
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


ShardRange = tuple[str, int, int]  # shard id, first and last hash key


def open_shards(client, stream: str) -> list[ShardRange]:
    """The shards records can still be written to (a split's parent is closed), in the stream's order."""
    shards = client.describe_stream(StreamName=stream)["StreamDescription"]["Shards"]
    return [
        (s["ShardId"], int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
        for s in shards
        if "EndingSequenceNumber" not in s["SequenceNumberRange"]
    ]


def shard_of(partition_key: str, shards: list[ShardRange]) -> str:
    """Kinesis puts a record on the shard whose hash key range holds the MD5 of its partition key."""
    key = int.from_bytes(hashlib.md5(partition_key.encode(), usedforsecurity=False).digest(), "big")
    return next(shard for shard, low, high in shards if low <= key <= high)


def ticks_on_shards(shards: list[ShardRange], at: datetime, skip: frozenset[str] = frozenset()) -> list[Emission]:
    """One watermark tick (`watermark_tick`) on every shard but those in `skip`: after everything else, they
    close every earlier window."""
    ticks: dict[str, Emission] = {}
    wanted = {shard for shard, _, _ in shards} - skip
    for i in range(10_000):
        if set(ticks) == wanted:
            return list(ticks.values())
        shard = shard_of(f"tick-{i}", shards)
        if shard in wanted and shard not in ticks:
            ticks[shard] = Emission(at, "agent_event", f"tick-{i}", watermark_tick(i, at))
    raise AssertionError(f"no tick partition key for shards {wanted - set(ticks)}")


def create_stream(client, stream: str, shards: int) -> None:
    client.create_stream(StreamName=stream, ShardCount=shards)
    wait_stream_active(client, stream)


def print_job_properties(stack: StackEndpoints, tmp_path: Path, stream: str, **source: str) -> Path:
    """The job reads `stream` of the local stack from its start and prints its rows (contact windows written at
    most every second); `source` adds source properties, e.g. `**{"shard.idle.seconds": "4"}`."""
    properties = tmp_path / "application_properties.json"
    groups = {
        "source": {
            "aws.endpoint": stack.kinesis_url,
            "stream.name": stream,
            "initial.position": "TRIM_HORIZON",
            "aws.region": stack.region,
            **source,
        },
        "sink": {"types": "print"},
        "metrics": {"contact.emit_interval.seconds": "1"},
    }
    properties.write_text(json.dumps(properties_document(groups)))
    return properties


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


class LiveJob:
    """One run of `python -m flink_app run --properties FILE --parallelism 1 [extra]` in its own process group;
    its output documents and log lines collected as they come (and the whole output kept in `log_path`)."""

    def __init__(self, properties: Path, log_path: Path, extra: list[str] | None = None, name: str = "job") -> None:
        self.name = name
        self.log_path = log_path
        self.documents: list[dict] = []
        self.log: list[str] = []
        command = [sys.executable, "-m", "flink_app", "run", "--properties", str(properties), "--parallelism", "1"]
        self.process = subprocess.Popen(
            command + (extra or []),
            cwd=REPO_ROOT,
            env={**os.environ, **CREDENTIALS},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.log_path.open("w") as log:
            for line in self.process.stdout:
                document = parse_output_line(line)
                (self.documents.append(document) if document else self.log.append(line))
                log.write(line)

    def rows(self, table: str) -> list[dict]:
        return [d for d in list(self.documents) if d["table"] == table]

    def dead_letters(self) -> list[str]:
        return [d["record"] for d in self.rows("dead_letter")]

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 180, poll: float = 0.2) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                state = "exited" if self.process.poll() is not None else "still running"
                raise AssertionError(
                    f"{self.name} ({state}): gave up waiting for {what}; whole log {self.log_path}, its tail:\n"
                    + "".join(self.log[-40:])
                )
            time.sleep(poll)

    def stop(self) -> None:
        """SIGTERM to the whole process group, as Ctrl-C would."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL to the whole process group, as a crashed host would; returns when the group is gone."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.name}: processes of its group outlived SIGKILL")
