"""moto's server for the benchmarks: started with request recording, stopped by PID, read back per call.

moto never rejects a Timestream write and stores records without their CommonAttributes; its request
recording keeps every `WriteRecords` body as sent, which is what the benchmarks count. moto's
recorder appends entries from several request threads without a lock, so two entries can share a
line: the reader decodes the file as a stream of JSON documents instead of line by line.
"""

import contextlib
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from local_stack.moto_server import MotoServer as LocalMotoServer
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


class MotoServer(LocalMotoServer):
    """The project's recording moto, plus what the benchmarks need: reset between runs, calls read back."""

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
