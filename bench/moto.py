"""moto's server for the benchmarks: started with request recording, stopped by PID, read back per call.

moto never rejects a Timestream write and stores records without their CommonAttributes; its request
recording keeps every `WriteRecords` body as sent, which is what the benchmarks count. moto's
recorder appends entries from several request threads without a lock, so two entries can share a
line: the reader decodes the file as a stream of JSON documents instead of line by line.
"""

import contextlib
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from local_stack.ports import free_port
from local_stack.processes import ManagedProcess
from local_stack.timestream import write_requests

REGION = "eu-west-1"
CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}


@dataclass(frozen=True, slots=True)
class WriteCall:
    table: str
    body: dict[str, Any]

    @property
    def records(self) -> int:
        return len(self.body.get("Records", []))


class MotoServer:
    """`with MotoServer(run_dir) as moto:` a recording moto on a free loopback port."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.recording = run_dir / "moto-recording.jsonl"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: ManagedProcess | None = None

    def __enter__(self) -> "MotoServer":
        self._process = ManagedProcess(
            "moto server",
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            self.run_dir / "moto.log",
            env={"MOTO_ENABLE_RECORDING": "True", "MOTO_RECORDER_FILEPATH": str(self.recording)},
        )
        try:
            self._process.wait_healthy(f"{self.url}/moto-api/data.json")
        except BaseException:
            self._process.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def reset(self, database: str, tables: list[str]) -> None:
        """Empty moto and its recording, then create the database and tables (as Terraform would)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
        client = boto3.client("timestream-write", endpoint_url=self.url, region_name=REGION, **CREDENTIALS)
        with contextlib.suppress(client.exceptions.ConflictException):
            client.create_database(DatabaseName=database)
        for table in tables:
            client.create_table(DatabaseName=database, TableName=table)
        self.recording.write_text("")  # moto opens the file for each entry: truncating here is safe

    def write_calls(self) -> list[WriteCall]:
        """Every `WriteRecords` moto received since the last `reset`, in order."""
        return list(_write_calls(self.recording))


def _write_calls(recording: Path) -> list[WriteCall]:
    return [WriteCall(body.get("TableName", ""), body) for body in write_requests(recording)]
