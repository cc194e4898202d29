"""The one Timestream writer of every Lambda: batches of at most 100 records, every failure mapped to its record.

`write()` never raises for a Timestream failure; it returns which of the given records were not stored and why:

- *rejected*: Timestream read the record and refused it (`RejectedRecordsException`: out of the retention
  window, a different value already stored for the same identity and version, a limit exceeded). Retrying the
  same record gets the same answer.
- *failed*: the whole call failed (throttling after the SDK's retries, a 5xx, a network error, a missing
  table or permission). Every record of that call is reported; a later retry may succeed.
- *superseded* (not a failure): Timestream already holds the same identity with a higher `Version`, i.e. a newer
  write won. Normal for the per-minute snapshots when runs overlap.

Identical records given twice (a re-delivered event) are sent once, and the outcome applies to both.
"""

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from lambdas.common.records import Record

MAX_RECORDS_PER_CALL = 100  # the WriteRecords limit

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RecordFailure:
    index: int  # position in the sequence given to `write()`
    reason: str
    rejected: bool  # True: Timestream refused this record; False: the call carrying it failed
    existing_version: int | None = None


@dataclass(slots=True)
class WriteResult:
    table: str
    total: int
    failures: list[RecordFailure] = field(default_factory=list)
    superseded: list[RecordFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def written(self) -> int:
        return self.total - len(self.failures) - len(self.superseded)

    @property
    def failed_indexes(self) -> set[int]:
        return {f.index for f in self.failures}


class TimestreamWriter:
    """Writes records to tables of one database; the client is built on first use and kept for the container."""

    def __init__(self, database: str, client_factory: Callable[[], Any], metrics: Metrics | None = None) -> None:
        self.database = database
        self._client_factory = client_factory
        self._metrics = metrics

    @cached_property
    def client(self) -> Any:
        return self._client_factory()

    def write(self, table: str, records: Sequence[Record]) -> WriteResult:
        unique, positions = _deduplicate(records)
        result = WriteResult(table=str(table), total=len(records))
        for start in range(0, len(unique), MAX_RECORDS_PER_CALL):
            chunk = unique[start : start + MAX_RECORDS_PER_CALL]
            for failure in self._write_call(table, chunk):
                for index in positions[start + failure.index]:
                    mapped = RecordFailure(index, failure.reason, failure.rejected, failure.existing_version)
                    (result.superseded if _is_superseded(failure, chunk) else result.failures).append(mapped)
        self._count(result)
        return result

    def _write_call(self, table: str, chunk: list[Record]) -> list[RecordFailure]:
        """Failures of one WriteRecords call, indexed within `chunk`."""
        try:
            self.client.write_records(DatabaseName=self.database, TableName=table, Records=chunk)
            return []
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            if code == "RejectedRecordsException":
                return self._rejections(table, chunk, exc.response.get("RejectedRecords") or [])
            reason = f"{code}: {error.get('Message', '')}".strip(": ")
        except BotoCoreError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        logger.error(
            "Timestream WriteRecords failed; none of its records were stored",
            extra={"table": table, "database": self.database, "records": len(chunk), "reason": reason},
        )
        return [RecordFailure(i, reason, rejected=False) for i in range(len(chunk))]

    def _rejections(self, table: str, chunk: list[Record], rejected: list[dict[str, Any]]) -> list[RecordFailure]:
        failures = []
        for item in rejected:
            index = item.get("RecordIndex")
            if not isinstance(index, int) or not 0 <= index < len(chunk):
                logger.error("Timestream rejected a record index outside the call", extra={"rejected": item})
                continue
            failure = RecordFailure(index, str(item.get("Reason", "")), True, item.get("ExistingVersion"))
            superseded = _is_superseded(failure, chunk)
            log = logger.info if superseded else logger.error
            log(
                "Timestream kept a newer version of a record" if superseded else "Timestream rejected a record",
                extra={
                    "table": table,
                    "reason": failure.reason,
                    "existing_version": failure.existing_version,
                    "record": chunk[index],
                },
            )
            failures.append(failure)
        return failures

    def _count(self, result: WriteResult) -> None:
        if self._metrics is None:
            return
        rejected = sum(1 for f in result.failures if f.rejected)
        for name, value in (
            ("TimestreamRecordsWritten", result.written),
            ("TimestreamRecordsRejected", rejected),
            ("TimestreamRecordsFailed", len(result.failures) - rejected),
            ("TimestreamRecordsSuperseded", len(result.superseded)),
        ):
            if value:
                self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def _is_superseded(failure: RecordFailure, chunk: list[Record]) -> bool:
    if not failure.rejected or failure.existing_version is None:
        return False
    return failure.existing_version > int(chunk[failure.index].get("Version", 1))


def _deduplicate(records: Sequence[Record]) -> tuple[list[Record], list[list[int]]]:
    """Unique records in first-seen order, and for each the positions it had in `records`."""
    unique: list[Record] = []
    positions: list[list[int]] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        key = json.dumps(record, sort_keys=True, default=str)
        if key in seen:
            positions[seen[key]].append(index)
        else:
            seen[key] = len(unique)
            unique.append(record)
            positions.append([index])
    return unique, positions
