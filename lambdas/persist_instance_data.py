"""Every minute: Connect's current metrics, inventory and agents' current state -> Timestream.

Trigger: an EventBridge schedule (`rate(1 minute)`); the event's `time`, truncated to the minute, is the time of
every row, so each run adds one point per series and a retried run lands on the same points.

Reads (each paged to the end; Connect rate limits handled by the client's retry mode, see `lambdas.common.clients`):

- every minute: ListQueues (standard queues), GetCurrentMetricData grouped by QUEUE and CHANNEL (100 queues per
  request) and once without groupings (instance-wide, agents counted once), ListRoutingProfiles, ListUsers and
  GetCurrentUserData (100 routing profiles per request);
- when the minute of the day is a multiple of INVENTORY_INTERVAL_MINUTES: also ListRoutingProfileQueues, one
  call per routing profile, and the inventory rows.

Writes:

- `instance_metrics`, `queue_current` rows: dimensions instance_id, queue_id, queue_name, channel; measures
  agents_online, agents_available, agents_on_contact, agents_non_productive, agents_after_contact_work,
  agents_error, agents_staffed, contacts_in_queue, oldest_contact_age_seconds.
- `instance_metrics`, `instance_current` rows (dimension instance_id): the same measures for the whole instance
  (only when it has at most 100 standard queues, the API's filter limit).
- `instance_inventory`, `agent_current` rows every minute, one per agent GetCurrentUserData returns;
  `queue`, `routing_profile`, `routing_profile_queue` and `user` rows on inventory minutes.

Every row's `Version` is the write time in milliseconds, so a retried or late run overwrites the minute's
earlier values instead of being rejected, and an older run finishing after a newer one is dropped (counted as
superseded).

Partial failure: a Connect call that fails (throttled beyond the retries, or out of time) costs only what
depends on it; what was read is still written, the gap is logged and counted (`ConnectThrottled`,
`ConnectCallsFailed`, `CollectionIncomplete`). The invocation fails only for what a person must look at: a
Connect error other than throttling or the deadline (permissions, a wrong instance id), or rows Timestream did
not store. Set the function's asynchronous retries to 0: the next minute's run is the retry.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from connect_model import RejectedRecord, parse_timestamp
from connect_model.agent_event import ERROR_STATES, ContactState, is_on_contact, status_type_for
from lambdas.common.clients import connect_client, timestream_write_client
from lambdas.common.config import ConnectSettings, load_instance_data_settings
from lambdas.common.connect_api import (
    MAX_FILTER_VALUES,
    ConnectCallFailed,
    ConnectReader,
    CurrentMetrics,
    Deadline,
    DeadlineReached,
    QueueSummary,
    RoutingProfileQueue,
    RoutingProfileSummary,
    UserCurrentData,
    UserSummary,
    chunks,
)
from lambdas.common.observability import powertools
from lambdas.common.records import Record, multi_measure_record
from lambdas.common.tables import InstanceMetric, InventoryItem, Table
from lambdas.common.timestream import TimestreamWriter, WriteResult

SERVICE = "persist_instance_data"
# Connect calls stop when less than this is left of the invocation: the rest is for the Timestream writes.
RESERVE_FOR_WRITES_MS = 8_000
QUEUE_GROUPINGS = ("QUEUE", "CHANNEL")

SETTINGS = load_instance_data_settings(SERVICE)
logger, metrics = powertools(SERVICE)
WRITER = TimestreamWriter(SETTINGS.timestream.database, lambda: timestream_write_client(SETTINGS.timestream), metrics)

T = TypeVar("T")


class InstanceDataIncomplete(RuntimeError):
    """Raised at the end of a run that needs attention, after everything that could be written was written."""


@dataclass(slots=True)
class Collection:
    """What one run read; `missing` names each part that could not be read, and why."""

    instance_id: str
    at: datetime
    inventory: bool
    queues: list[QueueSummary] = field(default_factory=list)
    queue_metrics: list[CurrentMetrics] = field(default_factory=list)
    instance_metrics: list[CurrentMetrics] = field(default_factory=list)
    routing_profiles: list[RoutingProfileSummary] = field(default_factory=list)
    users: list[UserSummary] = field(default_factory=list)
    user_data: list[UserCurrentData] = field(default_factory=list)
    routing_profile_queues: list[RoutingProfileQueue] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    needs_attention: bool = False

    def read(self, part: str, call: Callable[[], T], default: T) -> T:
        """`call()`, or `default` with the part recorded as missing when Connect fails or time runs out."""
        try:
            return call()
        except DeadlineReached as exc:
            self.missing[part] = str(exc)
            logger.warning("Out of time before reading Connect", extra={"part": part, "reason": str(exc)})
        except ConnectCallFailed as exc:
            self.missing[part] = str(exc)
            if exc.throttled:
                metrics.add_metric(name="ConnectThrottled", unit=MetricUnit.Count, value=1)
                logger.warning("Connect kept throttling after retries", extra={"part": part, "reason": str(exc)})
            else:
                self.needs_attention = True
                metrics.add_metric(name="ConnectCallsFailed", unit=MetricUnit.Count, value=1)
                logger.error("Connect call failed", extra={"part": part, "code": exc.code, "reason": str(exc)})
        return default


def collection_minute(event: dict[str, Any]) -> datetime:
    """The scheduled event's time, truncated to the minute; now when invoked without one (e.g. by hand)."""
    try:
        moment = parse_timestamp(event.get("time"), "time")
    except RejectedRecord:
        moment = datetime.now(UTC)
        logger.info("No scheduled time in the event: using the current minute", extra={"time": moment.isoformat()})
    return moment.replace(second=0, microsecond=0)


def is_inventory_minute(at: datetime, interval_minutes: int) -> bool:
    return (at.hour * 60 + at.minute) % interval_minutes == 0


def collect(reader: ConnectReader, settings: ConnectSettings, at: datetime) -> Collection:
    c = Collection(
        instance_id=settings.instance_id, at=at, inventory=is_inventory_minute(at, settings.inventory_interval_minutes)
    )
    c.queues = c.read("queues", reader.queues, [])
    queue_ids = [q.id for q in c.queues]
    for index, chunk in enumerate(chunks(queue_ids)):
        c.queue_metrics += c.read(
            f"queue_metrics[{index}]",
            lambda chunk=chunk: reader.current_metrics(chunk, settings.channels, QUEUE_GROUPINGS),
            [],
        )
    if 0 < len(queue_ids) <= MAX_FILTER_VALUES:
        c.instance_metrics = c.read(
            "instance_metrics", lambda: reader.current_metrics(queue_ids, settings.channels, groupings=()), []
        )
    elif queue_ids:  # a limit of the API, not a gap of this run: no instance_current row for such instances
        logger.info("No instance-wide metrics: more than 100 standard queues", extra={"queues": len(queue_ids)})
    c.routing_profiles = c.read("routing_profiles", reader.routing_profiles, [])
    c.users = c.read("users", reader.users, [])
    for index, chunk in enumerate(chunks([p.id for p in c.routing_profiles])):
        c.user_data += c.read(f"user_data[{index}]", lambda chunk=chunk: reader.current_user_data(chunk), [])
    if c.inventory:
        for profile in c.routing_profiles:
            c.routing_profile_queues += c.read(
                f"routing_profile_queues[{profile.id}]", lambda p=profile: reader.routing_profile_queues(p.id), []
            )
    return c


def _metric_measures(row: CurrentMetrics) -> dict[str, Any]:
    measures: dict[str, Any] = {}
    for name, value in row.values.items():
        if name == "OLDEST_CONTACT_AGE":
            measures["oldest_contact_age_seconds"] = float(value)
        else:
            measures[name.lower()] = round(value)
    return measures


def metric_records(c: Collection, version: int) -> list[Record]:
    names = {q.id: q.name for q in c.queues}
    records = []
    for row in c.queue_metrics:
        if not row.values or not row.queue_id:
            continue
        records.append(
            multi_measure_record(
                time=c.at,
                measure_name=InstanceMetric.QUEUE,
                dimensions={
                    "instance_id": c.instance_id,
                    "queue_id": row.queue_id,
                    "queue_name": names.get(row.queue_id, row.queue_id),
                    "channel": row.channel,
                },
                measures=_metric_measures(row),
                version=version,
            )
        )
    for row in c.instance_metrics:
        if row.values:
            records.append(
                multi_measure_record(
                    time=c.at,
                    measure_name=InstanceMetric.INSTANCE,
                    dimensions={"instance_id": c.instance_id},
                    measures=_metric_measures(row),
                    version=version,
                )
            )
    return records


def _agent_current(
    c: Collection, user: UserCurrentData, usernames: dict[str, str], profiles: dict[str, str], version: int
) -> Record:
    states = {s.state for s in user.contacts}
    status = user.status_name
    return multi_measure_record(
        time=c.at,
        measure_name=InventoryItem.AGENT_CURRENT,
        dimensions={"instance_id": c.instance_id, "agent_id": user.user_id},
        measures={
            "username": usernames.get(user.user_id),
            "routing_profile_id": user.routing_profile_id,
            "routing_profile_name": profiles.get(user.routing_profile_id or ""),
            "status_name": status,
            "status_type": str(status_type_for(status, None)) if status else None,
            "status_start_time": user.status_start,
            "next_status": user.next_status,
            "contact_count": len(user.contacts),
            "contact_states": ",".join(sorted(f"{x.channel}:{x.state}" for x in user.contacts)),
            "contact_ids": ",".join(sorted(x.contact_id for x in user.contacts)),
            "on_contact": any(is_on_contact(x.state or "", x.initiation_method) for x in user.contacts),
            "after_contact_work": ContactState.ENDED in states,
            "error": bool(states & ERROR_STATES),
            "active_slots": user.active_slots,
            "available_slots": user.available_slots,
            "max_slots": user.max_slots,
        },
        version=version,
    )


def inventory_records(c: Collection, version: int) -> list[Record]:
    def row(item: InventoryItem, dimensions: dict[str, str | None], measures: dict[str, Any]) -> Record:
        return multi_measure_record(
            time=c.at,
            measure_name=item,
            dimensions={"instance_id": c.instance_id, **dimensions},
            measures=measures,
            version=version,
        )

    usernames = {u.id: u.username for u in c.users}
    profiles = {p.id: p.name for p in c.routing_profiles}
    records = [_agent_current(c, user, usernames, profiles, version) for user in c.user_data if user.user_id]
    if not c.inventory:
        return records
    records += [row(InventoryItem.QUEUE, {"queue_id": q.id}, {"queue_name": q.name}) for q in c.queues]
    queue_counts: dict[str, set[str]] = {}
    for rpq in c.routing_profile_queues:
        queue_counts.setdefault(rpq.routing_profile_id, set()).add(rpq.queue_id)
    records += [
        row(
            InventoryItem.ROUTING_PROFILE,
            {"routing_profile_id": p.id},
            {"routing_profile_name": p.name, "queue_count": len(queue_counts.get(p.id, ()))},
        )
        for p in c.routing_profiles
    ]
    records += [
        row(
            InventoryItem.ROUTING_PROFILE_QUEUE,
            {"routing_profile_id": q.routing_profile_id, "queue_id": q.queue_id, "channel": q.channel},
            {
                "routing_profile_name": profiles.get(q.routing_profile_id),
                "queue_name": q.queue_name,
                "priority": q.priority,
                "delay_seconds": q.delay_seconds,
            },
        )
        for q in c.routing_profile_queues
    ]
    records += [row(InventoryItem.USER, {"agent_id": u.id}, {"username": u.username}) for u in c.users]
    return records


def persist_instance_data(at: datetime, deadline: Deadline | None = None) -> dict[str, Any]:
    connect = SETTINGS.connect
    reader = ConnectReader(connect_client(connect), connect.instance_id, deadline)
    c = collect(reader, connect, at)
    version = time.time_ns() // 1_000_000
    results: list[WriteResult] = [
        WRITER.write(Table.INSTANCE_METRICS, metric_records(c, version)),
        WRITER.write(Table.INSTANCE_INVENTORY, inventory_records(c, version)),
    ]
    summary = {
        "time": at.isoformat(),
        "inventory": c.inventory,
        "written": {r.table: r.written for r in results},
        "not_stored": {r.table: len(r.failures) for r in results if r.failures},
        "missing": c.missing,
    }
    if c.missing:
        metrics.add_metric(name="CollectionIncomplete", unit=MetricUnit.Count, value=1)
    if c.needs_attention or any(r.failures for r in results):
        logger.error("Instance data incomplete", extra={"summary": summary})
        raise InstanceDataIncomplete(
            f"instance {connect.instance_id} at {summary['time']}: not stored {summary['not_stored']}, "
            f"not read {summary['missing']}"
        )
    logger.info("Instance data written", extra={"summary": summary})
    return summary


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    deadline = Deadline(context.get_remaining_time_in_millis, RESERVE_FOR_WRITES_MS)
    return persist_instance_data(collection_minute(event.raw_event), deadline)
