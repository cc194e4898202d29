"""An independent reference for the job's figures, from the raw stream records.

Written from the metric definitions (contract v2: docs/METRICS.md, Amazon Connect's own definitions) with
plain `json`, sharing no code with the job or `connect_model`, so that a bug in one is not silently
repeated in the other. It computes the final state the job must reach: per output key, the measures of
the record with the highest version.
"""

import json
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

ON_CONTACT = {"CONNECTED", "CONNECTED_ONHOLD", "ENDED"}
ERROR = {"MISSED", "REJECTED", "ERROR"}
AGENT_EVENT_TYPES = ("LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT")
MEASURES = (
    "agents_online",
    "agents_available",
    "agents_on_contact",
    "agents_after_contact_work",
    "agents_non_productive",
    "agents_error",
    "agents_staffed",
)


def _ms(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _last(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _status_type(status: dict[str, Any]) -> str:
    if status.get("Type"):
        return status["Type"] if status["Type"] in ("ROUTABLE", "CUSTOM", "OFFLINE") else "CUSTOM"
    return {"Available": "ROUTABLE", "Offline": "OFFLINE"}.get(status.get("Name"), "CUSTOM")


def _documents(lines: list[str]) -> list[dict[str, Any]]:
    docs = []
    for line in lines:
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            docs.append(doc)
    return docs


def agent_events(lines: list[str]) -> list[dict[str, Any]]:
    """Valid agent events in arrival order, each once (duplicates share an EventId)."""
    seen: set[str] = set()
    events = []
    for doc in _documents(lines):
        if "AWSContactTraceRecordFormatVersion" in doc or doc.get("EventType") not in AGENT_EVENT_TYPES:
            continue
        if not doc.get("AgentARN") or not doc.get("EventId") or not doc.get("EventTimestamp"):
            continue
        if doc["EventType"] != "LOGOUT" and not doc.get("CurrentAgentSnapshot"):
            continue
        try:
            _ms(doc["EventTimestamp"])
        except (TypeError, ValueError, AttributeError):
            continue
        if doc["EventId"] not in seen:
            seen.add(doc["EventId"])
            events.append(doc)
    return events


def _instance_of(event: dict[str, Any]) -> str:
    if event.get("InstanceARN"):
        return _last(event["InstanceARN"])
    parts = event["AgentARN"].split("/")
    return parts[1] if len(parts) >= 4 else ""


def _profile_queues(event: dict[str, Any]) -> list[tuple[str, str]]:
    """The routing profile's queues, without the agent's own queue (`.../queue/agent/<id>`)."""
    snapshot = event.get("CurrentAgentSnapshot") or {}
    profile = (snapshot.get("Configuration") or {}).get("RoutingProfile") or {}
    return [
        (_last(q["ARN"]), q.get("Name") or "")
        for q in profile.get("InboundQueues") or []
        if "/queue/agent/" not in q["ARN"]
    ]


def _contribution(event: dict[str, Any]) -> dict[str, int] | None:
    """The measures an agent counts in while this is its latest event; None when not counted."""
    snapshot = event.get("CurrentAgentSnapshot")
    if event["EventType"] == "LOGOUT" or not snapshot:
        return None
    status_type = _status_type(snapshot["AgentStatus"])
    if status_type == "OFFLINE":
        return None
    contacts = snapshot.get("Contacts") or []
    states = {c["State"] for c in contacts}
    ringing_out = any(c["State"] == "CONNECTING" and c.get("InitiationMethod") == "OUTBOUND" for c in contacts)
    return {
        "agents_online": 1,
        "agents_available": int(status_type == "ROUTABLE" and not states),
        "agents_on_contact": int(bool(states & ON_CONTACT) or ringing_out),
        "agents_after_contact_work": int("ENDED" in states),
        "agents_non_productive": int(status_type == "CUSTOM"),
        "agents_error": int(bool(states & ERROR)),
        "agents_staffed": int(status_type != "CUSTOM"),
    }


def agent_state_by_queue(
    lines: list[str], interval_s: int = 10, stale_after_s: int = 330, until_ms: int | None = None
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(snapshot time ISO, instance_id, queue_id) -> {"queue_name", "measures"} for every boundary T from
    the instance's first known queue up to `until_ms` (default: when every agent has gone stale), zeros
    included. A queue is known from the first boundary at which some agent's latest event lists it."""
    step, stale = interval_s * 1000, stale_after_s * 1000
    by_agent: dict[tuple[str, str], list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    for index, event in enumerate(agent_events(lines)):
        by_agent[(_instance_of(event), event["AgentARN"])].append((_ms(event["EventTimestamp"]), index, event))
    if not by_agent:
        return {}
    for events in by_agent.values():
        events.sort(key=lambda e: (e[0], e[1]))
    newest = max(t for events in by_agent.values() for t, _, _ in events)
    last = until_ms if until_ms is not None else newest + stale + step

    # When each queue becomes known (and under which name): the first boundary after an event that is
    # an agent's latest before some boundary, i.e. the last of the agent's events before that boundary.
    known: dict[str, dict[str, tuple[int, int, str]]] = defaultdict(dict)  # instance -> queue -> (T, ts, name)
    for (instance, _), events in by_agent.items():
        for position, (t, _, event) in enumerate(events):
            first = (t // step + 1) * step
            if position + 1 < len(events) and events[position + 1][0] < first:
                continue  # a later event comes before the same boundary
            for queue_id, name in _profile_queues(event):
                seen = known[instance].get(queue_id)
                if seen is None or first < seen[0]:
                    known[instance][queue_id] = (first, t, name)

    times = {agent: [t for t, _, _ in events] for agent, events in by_agent.items()}
    result: dict[tuple[str, str, str], dict[str, Any]] = {}
    for instance, queues in known.items():
        start = min(first for first, _, _ in queues.values())
        agents = [a for a in by_agent if a[0] == instance]
        for boundary in range(start, last + 1, step):
            rows = {
                q: {"queue_name": name, "measures": dict.fromkeys(MEASURES, 0)}
                for q, (first, _, name) in queues.items()
                if first <= boundary
            }
            for agent in agents:
                position = bisect_left(times[agent], boundary) - 1
                if position < 0:
                    continue
                t, _, event = by_agent[agent][position]
                contribution = _contribution(event)
                if contribution is None or boundary - t > stale:
                    continue
                for queue_id, _ in _profile_queues(event):
                    for measure, value in contribution.items():
                        rows[queue_id]["measures"][measure] += value
            for queue_id, row in rows.items():
                result[(iso(boundary), instance, queue_id)] = row
    return result


# ------------------------------------------------------------------------------------------------
# queue_contact_metrics
# ------------------------------------------------------------------------------------------------


def contact_records(lines: list[str]) -> list[dict[str, Any]]:
    """Valid CTRs, the best copy per contact: highest LastUpdateTimestamp, the first of equal ones."""
    best: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for doc in _documents(lines):
        is_ctr = "AWSContactTraceRecordFormatVersion" in doc or (
            "ContactId" in doc and "EventType" not in doc and "AgentARN" not in doc
        )
        if not is_ctr or not doc.get("ContactId") or not doc.get("InstanceARN") or not doc.get("DisconnectTimestamp"):
            continue
        updated = _ms(doc.get("LastUpdateTimestamp") or doc["DisconnectTimestamp"])
        key = (_last(doc["InstanceARN"]), doc["ContactId"])
        if key not in best or updated > best[key][0]:
            best[key] = (updated, doc)
    return [doc for _, doc in best.values()]


def percentile_cont(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (position - lower) * (ordered[upper] - ordered[lower])


def _average(values: list[float]) -> float | None:
    return sum(sorted(values)) / len(values) if values else None


def _queued(ctr: dict[str, Any]) -> bool:
    queue = ctr.get("Queue")
    return isinstance(queue, dict) and bool(queue.get("ARN")) and bool(queue.get("EnqueueTimestamp"))


def _handled(ctr: dict[str, Any]) -> bool:
    return bool((ctr.get("Agent") or {}).get("ConnectedToAgentTimestamp"))


def _abandoned(ctr: dict[str, Any]) -> bool:
    return (
        not _handled(ctr)
        and not ctr.get("NextContactId")
        and ctr.get("DisconnectReason") in (None, "CUSTOMER_DISCONNECT")
    )


def figures(ctrs: list[dict[str, Any]], thresholds_s: tuple[int, ...] = (20, 60)) -> dict[str, Any]:
    """The measures over queued contacts (absent ones left out, as the job writes them)."""
    queued = len(ctrs)
    waits = [float(c["Queue"].get("Duration") or 0) for c in ctrs]
    handled = [c for c in ctrs if _handled(c)]
    abandoned = [c for c in ctrs if _abandoned(c)]
    measures: dict[str, Any] = {
        "contacts_queued": queued,
        "contacts_handled": len(handled),
        "contacts_abandoned": len(abandoned),
        "abandonment_rate": len(abandoned) / queued,
    }
    for x in thresholds_s:
        measures[f"service_level_{x}s"] = sum(1 for w in waits if w <= x) / queued
    agents = [c["Agent"] for c in handled]
    handle = [
        float(a.get("AgentInteractionDuration") or 0)
        + float(a.get("CustomerHoldDuration") or 0)
        + float(a.get("AfterContactWorkDuration") or 0)
        for a in agents
    ]
    if handle:
        measures["handle_time_avg_seconds"] = _average(handle)
        for p in (50, 90, 95, 99):
            measures[f"handle_time_p{p}_seconds"] = percentile_cont(handle, p / 100)
        answered_waits = [float(c["Queue"].get("Duration") or 0) for c in handled]
        measures["queue_wait_avg_seconds"] = _average(answered_waits)
        measures["queue_wait_p90_seconds"] = percentile_cont(answered_waits, 0.9)
    optional = {
        "abandon_time_avg_seconds": _average([float(c["Queue"].get("Duration") or 0) for c in abandoned]),
        "queue_time_max_seconds": max(waits),
        "hold_time_avg_seconds": _average(
            [float(a.get("CustomerHoldDuration") or 0) for a in agents if int(a.get("NumberOfHolds") or 0) > 0]
        ),
        "after_contact_work_avg_seconds": _average([float(a.get("AfterContactWorkDuration") or 0) for a in agents]),
    }
    measures.update({k: v for k, v in optional.items() if v is not None})
    return measures


Key = tuple[str, str, str, str]


def _by_window(
    lines: list[str], windows: Callable[[int], list[int]], thresholds_s: tuple[int, ...]
) -> dict[Key, dict[str, Any]]:
    """(row time ISO, instance_id, queue_id, channel) -> {"queue_name", "measures"}; `windows(disconnect_ms)`
    gives the row times of the windows a contact belongs to."""
    members: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for ctr in contact_records(lines):
        if not _queued(ctr):
            continue
        instance, queue = _last(ctr["InstanceARN"]), _last(ctr["Queue"]["ARN"])
        channel = (ctr.get("Channel") or "VOICE").upper()
        for row_time in windows(_ms(ctr["DisconnectTimestamp"])):
            members[(iso(row_time), instance, queue, channel)].append(ctr)
    result = {}
    for key, ctrs in members.items():
        newest = max(
            ctrs, key=lambda c: (_ms(c.get("LastUpdateTimestamp") or c["DisconnectTimestamp"]), c["ContactId"])
        )
        result[key] = {"queue_name": newest["Queue"].get("Name") or "", "measures": figures(ctrs, thresholds_s)}
    return result


def queue_contact_metrics(
    lines: list[str], window_s: int = 60, thresholds_s: tuple[int, ...] = (20, 60)
) -> dict[Key, dict[str, Any]]:
    """Tumbling windows on DisconnectTimestamp: (window end ISO, instance_id, queue_id, channel) -> row."""
    step = window_s * 1000
    return _by_window(lines, lambda d: [(d // step + 1) * step], thresholds_s)


def queue_contact_metrics_rolling(
    lines: list[str], window_s: int = 60, rolling_s: int = 900, thresholds_s: tuple[int, ...] = (20, 60)
) -> dict[Key, dict[str, Any]]:
    """At every window end T: the contacts disconnected in [T - rolling, T)."""
    step, span = window_s * 1000, rolling_s * 1000
    return _by_window(lines, lambda d: [t for t in range((d // step + 1) * step, d + span + 1, step)], thresholds_s)


def queue_contact_metrics_daily(
    lines: list[str], timezone: str = "UTC", thresholds_s: tuple[int, ...] = (20, 60)
) -> dict[Key, dict[str, Any]]:
    """Per local day of DisconnectTimestamp in `timezone`; the row time is that day's midnight, in UTC."""
    zone = ZoneInfo(timezone)

    def midnight(d: int) -> list[int]:
        local = datetime.fromtimestamp(d / 1000, UTC).astimezone(zone)
        start = datetime(local.year, local.month, local.day, tzinfo=zone)
        return [round(start.astimezone(UTC).timestamp() * 1000)]

    return _by_window(lines, midnight, thresholds_s)


def local_midnight(day: str, timezone: str) -> str:
    """`2026-01-05` in `timezone` -> its midnight as UTC ISO, as the daily rows carry it."""
    start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(timezone))
    return iso(round(start.astimezone(UTC).timestamp() * 1000))
