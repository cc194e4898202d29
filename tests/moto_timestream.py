"""The local Timestream (moto) as the sink tests use it: tables in, requests and stored records out."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_stack.stack import boto_credentials
from local_stack.timestream import create_tables, stored_records, write_requests

DATABASE = "connect_monitor"
REGION = "eu-west-1"
# What the tables are created with; the sink under test is given the same keys explicitly.
CREDENTIALS = boto_credentials()


@dataclass(frozen=True, slots=True)
class MotoTimestream:
    url: str
    recording: Path

    def create_table(self, table: str) -> None:
        create_tables(self.url, REGION, DATABASE, [table])

    def stored(self, table: str) -> list[dict[str, Any]]:
        """Records as moto keeps them (without CommonAttributes)."""
        return stored_records(self.url, table)

    def write_requests(self, table: str) -> list[dict[str, Any]]:
        """Bodies of the WriteRecords calls moto received for `table`, in order."""
        return [body for body in write_requests(self.recording) if body["TableName"] == table]
