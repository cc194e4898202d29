"""An independent reference for the job's figures, from the raw stream records.

Written from the metric definitions (docs/METRICS.md) with plain `json`, sharing no code with the
job or `connect_model`, so that a bug in one is not silently repeated in the other.
"""

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

ON_CONTACT = {"CONNECTED", "CONNECTED_ONHOLD", "ENDED"}


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp() * 1000)


def _status_type(status: dict[str, Any]) -> str:
    if status.get("Type"):
        return status["Type"] if status["Type"] in ("ROUTABLE", "CUSTOM", "OFFLINE") else "CUSTOM"
    return {"Available": "ROUTABLE", "Offline": "OFFLINE"}.get(status.get("Name"), "CUSTOM")


def agent_events(lines: list[str]) -> list[dict[str, Any]]:
    """Valid agent events, each once (duplicates share an EventId)."""
    seen: dict[str, dict[str, Any]] = {}
    for line in lines:
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if not isinstance(doc, dict) or "AWSContactTraceRecordFormatVersion" in doc:
            continue
        if doc.get("EventType") in ("LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT") and doc.get("AgentARN"):
            seen[doc["EventId"]] = doc
    return list(seen.values())


def agent_state_by_queue(
    lines: list[str], interval_s: int = 10, stale_after_s: int = 330, until_ms: int | None = None
) -> dict[tuple[str, str], dict[str, int]]:
    """(snapshot time ISO, queue_id) -> measures, for every boundary with at least one agent counted."""
    by_agent: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for event in agent_events(lines):
        by_agent[event["AgentARN"]].append((_ms(event["EventTimestamp"]), event))
    for events in by_agent.values():
        events.sort(key=lambda pair: pair[0])
    all_times = [t for events in by_agent.values() for t, _ in events]
    step = interval_s * 1000
    first = (min(all_times) // step + 1) * step
    last = until_ms if until_ms is not None else max(all_times) + stale_after_s * 1000
    result: dict[tuple[str, str], dict[str, int]] = {}
    for boundary in range(first, last + 1, step):
        for events in by_agent.values():
            latest = None
            for t, event in events:
                if t >= boundary:
                    break
                latest = (t, event)
            if latest is None or boundary - latest[0] > stale_after_s * 1000:
                continue
            event = latest[1]
            snapshot = event.get("CurrentAgentSnapshot")
            if event["EventType"] == "LOGOUT" or not snapshot:
                continue
            status_type = _status_type(snapshot["AgentStatus"])
            if status_type == "OFFLINE":
                continue
            states = {c["State"] for c in snapshot.get("Contacts") or []}
            profile = (snapshot.get("Configuration") or {}).get("RoutingProfile") or {}
            for queue in profile.get("InboundQueues") or []:
                key = (
                    datetime.fromtimestamp(boundary / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    queue["ARN"].rsplit("/", 1)[-1],
                )
                m = result.setdefault(key, dict.fromkeys(MEASURES, 0))
                m["agents_online"] += 1
                m["agents_available"] += status_type == "ROUTABLE" and not states
                m["agents_on_contact"] += bool(states & ON_CONTACT)
                m["agents_after_contact_work"] += "ENDED" in states
                m["agents_non_productive"] += status_type == "CUSTOM"
                m["agents_error"] += bool(states & {"MISSED", "ERROR"})
                m["agents_staffed"] += status_type != "CUSTOM"
    return result


MEASURES = (
    "agents_online",
    "agents_available",
    "agents_on_contact",
    "agents_after_contact_work",
    "agents_non_productive",
    "agents_error",
    "agents_staffed",
)
