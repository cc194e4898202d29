"""Reads of the Connect admin and real-time metrics APIs, paged to the end, into typed summaries.

Every call goes through `ConnectReader._call`, which stops before the function's deadline and turns a failed
call (throttling that outlasted the client's retries included) into `ConnectCallFailed`, so the caller can keep
what it already has and say exactly what is missing.
"""

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

# Connect reports rate limiting as ThrottlingException on most operations and TooManyRequestsException on some.
THROTTLING_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"})
MAX_FILTER_VALUES = 100  # Queues / RoutingProfiles per GetCurrentMetricData or GetCurrentUserData request

# (name, unit) of the current metrics read per queue and channel, in the order written.
CURRENT_METRICS: tuple[tuple[str, str], ...] = (
    ("AGENTS_ONLINE", "COUNT"),
    ("AGENTS_AVAILABLE", "COUNT"),
    ("AGENTS_ON_CONTACT", "COUNT"),
    ("AGENTS_NON_PRODUCTIVE", "COUNT"),
    ("AGENTS_AFTER_CONTACT_WORK", "COUNT"),
    ("AGENTS_ERROR", "COUNT"),
    ("AGENTS_STAFFED", "COUNT"),
    ("CONTACTS_IN_QUEUE", "COUNT"),
    ("OLDEST_CONTACT_AGE", "SECONDS"),
)


class ConnectCallFailed(RuntimeError):
    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"Connect {operation} failed: {code}: {message}")
        self.operation = operation
        self.code = code

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLING_CODES


class DeadlineReached(RuntimeError):
    """Too little of the invocation's time is left to start another Connect call."""


class Deadline:
    """Stops new calls when less than `reserve_ms` of the invocation remains (kept for the Timestream writes)."""

    def __init__(self, remaining_ms: Callable[[], int], reserve_ms: int) -> None:
        self._remaining_ms = remaining_ms
        self.reserve_ms = reserve_ms

    def check(self, operation: str) -> None:
        remaining = self._remaining_ms()
        if remaining < self.reserve_ms:
            raise DeadlineReached(f"{remaining} ms left, {self.reserve_ms} ms kept for writing: {operation} not called")


def oldest_contact_age_seconds(value: float, grouped: bool) -> float:
    """GetCurrentMetricData's OLDEST_CONTACT_AGE in seconds.

    The API labels the unit SECONDS in every case, but returns seconds only when the request has groupings;
    without groupings the value is in milliseconds (documented in the API reference: 24113.0 means 24 s).
    """
    return value if grouped else value / 1000.0


@dataclass(frozen=True, slots=True)
class QueueSummary:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class RoutingProfileSummary:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class UserSummary:
    id: str
    username: str


@dataclass(frozen=True, slots=True)
class RoutingProfileQueue:
    routing_profile_id: str
    queue_id: str
    queue_name: str
    channel: str
    priority: int | None
    delay_seconds: int | None


@dataclass(frozen=True, slots=True)
class CurrentMetrics:
    """One result row: per queue and channel when grouped, the whole filter when not. Ages are in seconds."""

    queue_id: str | None
    channel: str | None
    values: dict[str, float]


@dataclass(frozen=True, slots=True)
class UserContact:
    contact_id: str
    channel: str | None
    state: str | None
    queue_id: str | None
    state_start: datetime | None
    initiation_method: str | None = None


@dataclass(frozen=True, slots=True)
class UserCurrentData:
    user_id: str
    routing_profile_id: str | None
    status_name: str | None
    status_start: datetime | None
    next_status: str | None
    contacts: tuple[UserContact, ...]
    active_slots: int
    available_slots: int
    max_slots: int


class ConnectReader:
    """Reads one instance through a (long-lived) Connect client."""

    def __init__(self, client: Any, instance_id: str, deadline: Deadline | None = None) -> None:
        self.client = client
        self.instance_id = instance_id
        self.deadline = deadline

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        if self.deadline is not None:
            self.deadline.check(operation)
        method = getattr(self.client, _snake(operation))
        try:
            return method(InstanceId=self.instance_id, **params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise ConnectCallFailed(operation, error.get("Code", "Unknown"), error.get("Message", "")) from exc
        except BotoCoreError as exc:
            raise ConnectCallFailed(operation, type(exc).__name__, str(exc)) from exc

    def _pages(self, operation: str, result_key: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of every page: follows NextToken until the API stops returning one."""
        token: str | None = None
        while True:
            page = self._call(operation, **params, **({"NextToken": token} if token else {}))
            yield from page.get(result_key) or []
            token = page.get("NextToken")
            if not token:
                return

    def queues(self) -> list[QueueSummary]:
        """Standard queues (agent queues have no queue metrics of their own)."""
        items = self._pages("ListQueues", "QueueSummaryList", QueueTypes=["STANDARD"], MaxResults=1000)
        return [QueueSummary(q["Id"], q.get("Name") or q["Id"]) for q in items]

    def routing_profiles(self) -> list[RoutingProfileSummary]:
        items = self._pages("ListRoutingProfiles", "RoutingProfileSummaryList", MaxResults=1000)
        return [RoutingProfileSummary(p["Id"], p.get("Name") or p["Id"]) for p in items]

    def users(self) -> list[UserSummary]:
        items = self._pages("ListUsers", "UserSummaryList", MaxResults=1000)
        return [UserSummary(u["Id"], u.get("Username") or "") for u in items]

    def routing_profile_queues(self, routing_profile_id: str) -> list[RoutingProfileQueue]:
        items = self._pages(
            "ListRoutingProfileQueues",
            "RoutingProfileQueueConfigSummaryList",
            RoutingProfileId=routing_profile_id,
            MaxResults=100,
        )
        return [
            RoutingProfileQueue(
                routing_profile_id=routing_profile_id,
                queue_id=q["QueueId"],
                queue_name=q.get("QueueName") or q["QueueId"],
                channel=q["Channel"],
                priority=q.get("Priority"),
                delay_seconds=q.get("Delay"),
            )
            for q in items
        ]

    def current_metrics(
        self, queue_ids: Sequence[str], channels: Sequence[str], groupings: Sequence[str]
    ) -> list[CurrentMetrics]:
        """GetCurrentMetricData for at most 100 queues, every page; OLDEST_CONTACT_AGE normalised to seconds."""
        if len(queue_ids) > MAX_FILTER_VALUES:
            raise ValueError(f"{len(queue_ids)} queues: GetCurrentMetricData takes at most {MAX_FILTER_VALUES}")
        rows = self._pages(
            "GetCurrentMetricData",
            "MetricResults",
            Filters={"Queues": list(queue_ids), "Channels": list(channels)},
            Groupings=list(groupings),
            CurrentMetrics=[{"Name": name, "Unit": unit} for name, unit in CURRENT_METRICS],
            MaxResults=100,
        )
        return [_current_metrics(row, grouped=bool(groupings)) for row in rows]

    def current_user_data(self, routing_profile_ids: Sequence[str]) -> list[UserCurrentData]:
        """GetCurrentUserData of the users of at most 100 routing profiles, every page."""
        if len(routing_profile_ids) > MAX_FILTER_VALUES:
            raise ValueError(f"{len(routing_profile_ids)} profiles: GetCurrentUserData takes at most 100")
        rows = self._pages(
            "GetCurrentUserData",
            "UserDataList",
            Filters={"RoutingProfiles": list(routing_profile_ids)},
            MaxResults=100,
        )
        return [_user_data(row) for row in rows]


def chunks(values: Sequence[str], size: int = MAX_FILTER_VALUES) -> list[Sequence[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _current_metrics(row: dict[str, Any], grouped: bool) -> CurrentMetrics:
    dimensions = row.get("Dimensions") or {}
    values: dict[str, float] = {}
    for item in row.get("Collections") or []:
        name = (item.get("Metric") or {}).get("Name")
        value = item.get("Value")
        if name is None or value is None:  # null: Connect could not compute it
            continue
        values[name] = oldest_contact_age_seconds(value, grouped) if name == "OLDEST_CONTACT_AGE" else float(value)
    return CurrentMetrics(
        queue_id=(dimensions.get("Queue") or {}).get("Id"), channel=dimensions.get("Channel"), values=values
    )


def _user_data(row: dict[str, Any]) -> UserCurrentData:
    status = row.get("Status") or {}
    contacts = tuple(
        UserContact(
            contact_id=c.get("ContactId", ""),
            channel=c.get("Channel"),
            state=c.get("AgentContactState"),
            queue_id=(c.get("Queue") or {}).get("Id"),
            state_start=c.get("StateStartTimestamp"),
            initiation_method=c.get("InitiationMethod"),
        )
        for c in row.get("Contacts") or []
    )
    return UserCurrentData(
        user_id=(row.get("User") or {}).get("Id", ""),
        routing_profile_id=(row.get("RoutingProfile") or {}).get("Id"),
        status_name=status.get("StatusName"),
        status_start=status.get("StatusStartTimestamp"),
        next_status=row.get("NextStatus"),
        contacts=contacts,
        active_slots=sum((row.get("ActiveSlotsByChannel") or {}).values()),
        available_slots=sum((row.get("AvailableSlotsByChannel") or {}).values()),
        max_slots=sum((row.get("MaxSlotsByChannel") or {}).values()),
    )
