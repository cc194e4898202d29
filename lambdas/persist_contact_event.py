"""Amazon Connect contact events (EventBridge) -> Timestream `contact_events`, one row per event.

Trigger: an EventBridge rule on `source: aws.connect`, `detail-type: Amazon Connect Contact Event`, which invokes
the function asynchronously with one event. Current events have camelCase detail keys, older ones PascalCase;
`connect_model.parse_contact_event` reads both. Event types Connect adds later are written like the others.

Row: time = the contact's own timestamp for the step the event reports (`connect_model`'s `step_time`:
initiation, connected to system, enqueue, connected to agent, disconnect, and for COMPLETED the end of
after-contact work, else the disconnect), else the event's `time` (CONTACT_DATA_UPDATED and other types
carry no step timestamp); `measure_name` = the event type; dimensions instance_id, contact_id, channel
(upper-cased) and, when the event carries them, queue_id and agent_id; measures are the contact's
timestamps (initiation_time, connected_to_system_time, enqueue_time, connected_to_agent_time,
disconnect_time, after_contact_work_start_time, after_contact_work_end_time), the durations derived from
them (queue_wait_seconds, agent_connected_seconds, contact_duration_seconds, after_contact_work_seconds),
initiation_method, queue_type, initial_contact_id, previous_contact_id and `events` = 1.

Delivery is best effort on Connect's side and at least once on EventBridge's:

- A duplicate (the same event delivered twice, or Connect sending the same event again later) writes the same
  identity (time, dimensions, event type) with the same values and the same `Version`, which Timestream treats
  as a no-op. That is why the row's time is the contact's timestamp rather than the envelope's, and why the
  EventBridge event id and envelope time are not stored: two deliveries cannot differ in anything written.
- A lost event is a missing row, and nothing here can notice it. Dashboards built on this table are
  near-real-time indicators, not counts of record: a lost QUEUED or CONNECTED_TO_AGENT under-counts the panels
  that count that event type, and a contact whose DISCONNECTED is lost looks in progress until the panel's
  time range forgets it. Later events of a contact repeat the earlier timestamps (a DISCONNECTED carries the
  enqueue and connected-to-agent times), so durations survive a lost intermediate event. Exact counts come from
  contact records (CTRs, via the Flink job) and from `instance_metrics` (GetCurrentMetricData).
- Out-of-order delivery does not matter: each row carries its own time.

Failures: an event that is not a Connect contact event is logged with the whole event and counted
(`RejectedEvents`), and the invocation succeeds, because retrying cannot fix it. When Timestream does not store
the row, the invocation fails, so Lambda's asynchronous retries run and then the on-failure destination (or
DLQ) keeps the event with its payload.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from connect_model import ContactEvent, RejectedRecord, parse_contact_event
from lambdas.common.clients import timestream_write_client
from lambdas.common.config import load_timestream_settings
from lambdas.common.observability import powertools
from lambdas.common.records import Record, multi_measure_record, seconds_between
from lambdas.common.tables import Table
from lambdas.common.timestream import TimestreamWriter

SERVICE = "persist_contact_event"
# Same identity + same values + same version = a no-op in Timestream. Raise it only to rewrite history
# (e.g. after fixing how rows are built) by replaying events.
RECORD_VERSION = 1

SETTINGS = load_timestream_settings(SERVICE)
logger, metrics = powertools(SERVICE)
WRITER = TimestreamWriter(SETTINGS.database, lambda: timestream_write_client(SETTINGS), metrics)


class ContactEventNotStored(RuntimeError):
    """Raised so that Lambda retries the event and then hands it to the on-failure destination."""


def contact_event_record(event: ContactEvent) -> Record:
    return multi_measure_record(
        # The contact's own timestamp for the step: the same in every copy of the event.
        time=event.step_time,
        measure_name=event.event_type,
        dimensions={
            "instance_id": event.instance_id,
            "contact_id": event.contact_id,
            "channel": event.channel,
            "queue_id": event.queue_id,
            "agent_id": event.agent_id,
        },
        measures={
            "events": 1,
            "initiation_method": event.initiation_method,
            "initial_contact_id": event.initial_contact_id,
            "previous_contact_id": event.previous_contact_id,
            "queue_type": event.queue_type,
            "initiation_time": event.initiated,
            "connected_to_system_time": event.connected_to_system,
            "enqueue_time": event.enqueued,
            "connected_to_agent_time": event.connected_to_agent,
            "disconnect_time": event.disconnected,
            "after_contact_work_start_time": event.after_contact_work_start,
            "after_contact_work_end_time": event.after_contact_work_end,
            # Waiting in queue until an agent answered, or until the customer left (abandoned).
            "queue_wait_seconds": seconds_between(event.enqueued, event.connected_to_agent or event.disconnected),
            "agent_connected_seconds": seconds_between(event.connected_to_agent, event.disconnected),
            "contact_duration_seconds": seconds_between(event.initiated, event.disconnected),
            "after_contact_work_seconds": seconds_between(event.after_contact_work_start, event.after_contact_work_end),
        },
        version=RECORD_VERSION,
    )


def persist(envelope: dict[str, Any]) -> dict[str, Any]:
    """Write one EventBridge envelope; returns what happened, raises `ContactEventNotStored` if not stored."""
    try:
        event = parse_contact_event(envelope)  # checks source and detail-type too
    except RejectedRecord as exc:
        metrics.add_metric(name="RejectedEvents", unit=MetricUnit.Count, value=1)
        logger.error(
            "Not a usable Connect contact event: dropped, since a retry cannot fix it",
            extra={"reason": exc.reason, "detail": exc.detail, "event": envelope},
        )
        return {"status": "rejected", "reason": exc.reason}
    logger.append_keys(contact_id=event.contact_id, event_type=event.event_type, event_id=event.event_id)
    result = WRITER.write(Table.CONTACT_EVENTS, [contact_event_record(event)])
    if not result.ok:
        raise ContactEventNotStored(f"{event.event_type} of contact {event.contact_id}: {result.failures[0].reason}")
    return {"status": "superseded" if result.superseded else "stored", "event_type": event.event_type}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    return persist(event.raw_event)
