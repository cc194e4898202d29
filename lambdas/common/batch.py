"""Partial batch responses for stream consumers that write Timestream in batches, not record by record.

The record handler turns one stream record into the Timestream records to write (none for records to skip).
After every record of the batch is handled, the writer stores them in calls of at most 100 records, and a
stream record whose Timestream records were not stored is moved from success to failure. Powertools then
reports it in `batchItemFailures`, so Lambda retries from that record on without replaying the whole batch,
and one poison record never blocks a shard for longer than the event source mapping's retry limit.
"""

import sys
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

from lambdas.common.records import Record
from lambdas.common.timestream import RecordFailure, TimestreamWriter


class TimestreamNotStored(RuntimeError):
    """A stream record whose Timestream records were not stored; reported as a batch item failure."""

    def __init__(self, table: str, failure: RecordFailure) -> None:
        kind = "rejected by Timestream" if failure.rejected else "WriteRecords failed"
        super().__init__(f"{table}: {kind}: {failure.reason}")
        self.failure = failure


class TimestreamBatchProcessor(BatchProcessor):
    """`BatchProcessor` whose record handler returns Timestream records, written after the whole batch."""

    def __init__(self, event_type: EventType, writer: TimestreamWriter, table: str, **kwargs: Any) -> None:
        super().__init__(event_type, **kwargs)
        self.writer = writer
        self.table = table

    def process(self) -> list[tuple]:
        results = super().process()
        owners: list[int] = []  # for each Timestream record, the index of its stream record
        pending: list[Record] = []
        for position, (status, output, _record) in enumerate(results):
            if status == "success" and output:
                records: Sequence[Record] = output
                pending.extend(records)
                owners.extend([position] * len(records))
        if not pending:
            return results
        outcome = self.writer.write(self.table, pending)
        first_failure: dict[int, RecordFailure] = {}
        for failure in outcome.failures:
            first_failure.setdefault(owners[failure.index], failure)
        for position, failure in sorted(first_failure.items()):
            raw = results[position][2]
            self.success_messages.remove(raw)
            try:
                raise TimestreamNotStored(self.table, failure)
            except TimestreamNotStored:
                record = self._to_batch_type(record=raw, event_type=self.event_type, model=self.model)
                results[position] = self.failure_handler(record=record, exception=sys.exc_info())
        return results
