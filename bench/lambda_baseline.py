"""The per-event baseline, run for real: `lambdas/persist_agent_event.py` in-process against moto.

Run by the harness as a child process (the handler reads its configuration from the environment
when it is imported, as on a cold start). Stream records are cut into invocations as a Kinesis
event source mapping would: records go to shards by the MD5 of their partition key, and each
shard's records into batches of at most `--batch-size` within `--window-seconds` of arrival (the
Terraform defaults: 100 records, 1 s, 1 shard). Writes a JSON summary to `--result`.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HASH_SPACE = 2**128


@dataclass(frozen=True, slots=True)
class StreamLine:
    arrival: float  # seconds
    partition_key: str
    data: str


def shard_of(partition_key: str, shards: int) -> int:
    """Kinesis maps the MD5 of the partition key onto equal hash-key ranges of the shards."""
    return int(hashlib.md5(partition_key.encode()).hexdigest(), 16) * shards // HASH_SPACE


def invocations(lines: list[StreamLine], shards: int, batch_size: int, window_seconds: float) -> Iterator[list]:
    """Per shard, in arrival order: a batch closes when it is full or its first record is `window` old."""
    per_shard: dict[int, list[StreamLine]] = {}
    for line in lines:
        per_shard.setdefault(shard_of(line.partition_key, shards), []).append(line)
    for shard_lines in per_shard.values():
        batch: list[StreamLine] = []
        for line in shard_lines:
            if batch and (len(batch) >= batch_size or line.arrival - batch[0].arrival >= window_seconds):
                yield batch
                batch = []
            batch.append(line)
        if batch:
            yield batch


def kinesis_event(batch: list[StreamLine], first_sequence: int) -> dict[str, Any]:
    records = []
    for offset, line in enumerate(batch):
        sequence = str(first_sequence + offset).rjust(56, "4")
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": line.partition_key,
                    "sequenceNumber": sequence,
                    "data": base64.b64encode(line.data.encode()).decode(),
                    "approximateArrivalTimestamp": line.arrival,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"shardId-000000000000:{sequence}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/bench",
                "awsRegion": "eu-west-2",
                "eventSourceARN": "arn:aws:kinesis:eu-west-2:123456789012:stream/connect-ctr-stream",
            }
        )
    return {"Records": records}


@dataclass
class Context:
    function_name: str = "persist-agent-event-bench"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-2:123456789012:function:persist-agent-event-bench"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def read_lines(path: Path) -> list[StreamLine]:
    """The generator's JSONL with arrival time and partition key (written by `bench.write_economy`)."""
    lines = []
    with path.open() as handle:
        for raw in handle:
            item = json.loads(raw)
            lines.append(StreamLine(item["arrival"], item["partition_key"], item["data"]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lambda_baseline", description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True, help="JSONL of {arrival, partition_key, data}")
    parser.add_argument("--endpoint", required=True, help="moto's URL")
    parser.add_argument("--database", required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--window-seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    os.environ.update(
        {
            "TIMESTREAM_DATABASE": args.database,
            "TIMESTREAM_REGION": "eu-west-1",
            "TIMESTREAM_ENDPOINT_URL": args.endpoint,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "eu-west-2",
            "POWERTOOLS_METRICS_NAMESPACE": "ConnectMonitorBench",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    from lambdas import persist_agent_event  # configured from the environment at import

    lines = read_lines(args.input)
    invoked = failures = 0
    sequence = 10**20
    sink = io.StringIO()
    for batch in invocations(lines, args.shards, args.batch_size, args.window_seconds):
        with redirect_stdout(sink):  # Powertools prints its metrics (EMF) and logs to stdout
            response = persist_agent_event.handler(kinesis_event(batch, sequence), Context())
        sink.seek(0)
        sink.truncate()
        sequence += len(batch)
        invoked += 1
        failures += len(response.get("batchItemFailures", []))
    summary = {"invocations": invoked, "stream_records": len(lines), "batch_item_failures": failures}
    args.result.write_text(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
