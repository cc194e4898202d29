"""Agent events (Kinesis) -> Timestream `agent_events`: one row per event, a queue-less timeline per agent.

Trigger: a Kinesis event source mapping on the stream Connect writes agent events to, with
`FunctionResponseTypes = ["ReportBatchItemFailures"]`. The same stream carries contact trace records (CTRs)
and contact events (an EventBridge rule puts them there); they are the Flink job's input, not this table's,
and are skipped.

Row: time = `EventTimestamp`; `measure_name` = the event type (LOGIN, LOGOUT, STATE_CHANGE, HEART_BEAT);
dimensions instance_id and agent_id; measures username, status_name, status_type (ROUTABLE / CUSTOM / OFFLINE),
status_start_time, routing_profile_id, routing_profile_name, contact_count, contact_states (`CHANNEL:STATE`
per contact, sorted), contact_ids, on_contact, after_contact_work, error and `events` = 1. Queues are left out
on purpose (an agent serves many): per-queue views come from `instance_metrics`. A LOGOUT without a snapshot
writes `events` only.

What is reported as a failure, and what is not:

- A CTR is skipped and counted (`SkippedContactTraceRecords`), a contact event too (`SkippedContactEvents`).
- A record that is neither an agent event nor a CTR (not JSON, a missing field, an unknown event type) is
  logged with its reason and sequence number and counted (`RejectedRecords`), and NOT reported as a batch item
  failure: retrying cannot make it parse, and reporting it would hold the shard back until the retry limit.
- An agent event that Timestream did not store (the call failed, or Timestream rejected the row) IS reported
  in `batchItemFailures`; Lambda retries from that record, and after the mapping's retry limit its on-failure
  destination records the shard and sequence range. Rows before it are re-written with identical identity,
  values and version, which Timestream treats as a no-op, so a retry never duplicates.
"""

import binascii
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from connect_model import (
    AgentEvent,
    ContactEvent,
    ContactTraceRecord,
    RejectedRecord,
    last_segment,
    parse_stream_record,
)
from lambdas.common.batch import TimestreamBatchProcessor
from lambdas.common.clients import timestream_write_client
from lambdas.common.config import load_timestream_settings
from lambdas.common.observability import powertools
from lambdas.common.records import Record, multi_measure_record
from lambdas.common.tables import Table
from lambdas.common.timestream import TimestreamWriter

SERVICE = "persist_agent_event"
RECORD_VERSION = 1  # see persist_contact_event.RECORD_VERSION
PREVIEW_BYTES = 300  # how much of an unusable record is logged

SETTINGS = load_timestream_settings(SERVICE)
logger, metrics = powertools(SERVICE)
WRITER = TimestreamWriter(SETTINGS.database, lambda: timestream_write_client(SETTINGS), metrics)
processor = TimestreamBatchProcessor(EventType.KinesisDataStreams, WRITER, Table.AGENT_EVENTS, logger=logger)


def agent_event_record(event: AgentEvent) -> Record:
    snapshot = event.snapshot
    measures: dict[str, Any] = {"events": 1}
    if snapshot is not None:
        contacts = sorted(snapshot.contacts, key=lambda c: c.contact_id)
        profile = snapshot.routing_profile
        measures |= {
            "username": snapshot.username,
            "status_name": snapshot.status.name,
            "status_type": str(snapshot.status.type),
            "status_start_time": snapshot.status.start,
            "routing_profile_id": last_segment(profile.arn) if profile else None,
            "routing_profile_name": profile.name if profile else None,
            "contact_count": len(contacts),
            "contact_states": ",".join(sorted(f"{c.channel}:{c.state}" for c in contacts)),
            "contact_ids": ",".join(c.contact_id for c in contacts),
            "on_contact": snapshot.on_contact,
            "after_contact_work": snapshot.in_after_contact_work,
            "error": snapshot.in_error,
        }
    return multi_measure_record(
        time=event.event_time,
        measure_name=str(event.event_type),
        dimensions={"instance_id": event.instance_id, "agent_id": event.agent_id},
        measures=measures,
        version=RECORD_VERSION,
    )


def record_handler(record: KinesisStreamRecord) -> list[Record]:
    """The Timestream rows of one stream record: one for an agent event, none for anything else."""
    try:
        data = record.kinesis.data_as_bytes()
    except binascii.Error as exc:
        return _skip(record, "not_base64", str(exc), b"")
    try:
        parsed = parse_stream_record(data)
    except RejectedRecord as exc:
        return _skip(record, exc.reason, exc.detail, data)
    if isinstance(parsed, ContactTraceRecord):
        metrics.add_metric(name="SkippedContactTraceRecords", unit=MetricUnit.Count, value=1)
        return []
    if isinstance(parsed, ContactEvent):
        metrics.add_metric(name="SkippedContactEvents", unit=MetricUnit.Count, value=1)
        return []
    return [agent_event_record(parsed)]


def _skip(record: KinesisStreamRecord, reason: str, detail: str, data: bytes) -> list[Record]:
    metrics.add_metric(name="RejectedRecords", unit=MetricUnit.Count, value=1)
    logger.warning(
        "Unusable stream record skipped (not reported as a failure: a retry cannot fix it)",
        extra={
            "reason": reason,
            "detail": detail[:200],
            "sequence_number": record.kinesis.sequence_number,
            "partition_key": record.kinesis.partition_key,
            "event_source_arn": record.event_source_arn,
            "data_preview": data[:PREVIEW_BYTES].decode(errors="replace"),
        },
    )
    return []


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
