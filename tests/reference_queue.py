"""An independent reference for `queue_contacts_waiting` (Connect's "In queue" and "Oldest").

Written from the definition in docs/METRICS.md with plain `json`, sharing no code with the job or
`connect_model`. The job's watermark follows agent events, so a contact event that reaches the stream
after the boundary it belongs to is applied later: where such a record could change a row, the reference
gives the bounds of the count instead of one value (`certain` is False), and the tests hold the job to
them; everywhere else the row is exact.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

DETAIL_TYPE = "Amazon Connect Contact Event"
RANK = {"INITIATED": 0, "QUEUED": 1, "CONNECTED_TO_AGENT": 2, "DISCONNECTED": 3, "COMPLETED": 4}
KNOWN_TYPES = set(RANK) | {
    "AMD_DISABLED",
    "CONNECTED_TO_SYSTEM",
    "CONTACT_DATA_UPDATED",
    "PAUSED",
    "RESUMED",
    "WEBRTC_API",
}


def _ms(text: Any) -> int | None:
    """Epoch milliseconds of a Connect time; None for none, Connect's 1970 placeholder, or junk."""
    if not isinstance(text, str) or not text or text.startswith("1970-01-01T"):
        return None
    try:
        return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_keys(value: Any) -> dict[str, Any]:
    return {k.lower(): v for k, v in value.items()} if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Step:
    contact: tuple[str, str]  # instance, contact id
    event_id: str
    rank: int
    time: int
    queue: str | None  # a standard queue (not an agent's own)
    channel: str
    position: int  # where its record is on the stream

    def beats(self, other: "Step") -> bool:
        return (self.time, self.rank, self.event_id) > (other.time, other.rank, other.event_id)


def _documents(lines: list[str]) -> list[tuple[int, dict[str, Any]]]:
    docs = []
    for position, line in enumerate(lines):
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            docs.append((position, doc))
    return docs


def _step_of_event(position: int, doc: dict[str, Any]) -> Step | None:
    if doc.get("source") != "aws.connect" or doc.get("detail-type") != DETAIL_TYPE:
        return None
    detail = _lower_keys(doc.get("detail"))
    queue, agent = _lower_keys(detail.get("queueinfo")), _lower_keys(detail.get("agentinfo"))
    event_type = detail.get("eventtype")
    if event_type not in RANK:
        return None  # moves nothing (or unknown: a dead letter)
    own_time = {
        "INITIATED": _ms(detail.get("initiationtimestamp")),
        "QUEUED": _ms(queue.get("enqueuetimestamp")),
        "CONNECTED_TO_AGENT": _ms(agent.get("connectedtoagenttimestamp")),
        "DISCONNECTED": _ms(detail.get("disconnecttimestamp")),
        "COMPLETED": _ms(agent.get("aftercontactworkendtimestamp")) or _ms(detail.get("disconnecttimestamp")),
    }[event_type]
    queue_arn = queue.get("queuearn")
    return Step(
        contact=(detail["instancearn"].rsplit("/", 1)[-1], detail["contactid"]),
        event_id=doc["id"],
        rank=RANK[event_type],
        time=own_time if own_time is not None else _ms(doc["time"]),
        queue=queue_arn.rsplit("/", 1)[-1] if queue_arn and "/queue/agent/" not in queue_arn else None,
        channel=(detail.get("channel") or "VOICE").upper(),
        position=position,
    )


def steps(lines: list[str]) -> list[Step]:
    """Every step of every contact, each event once; a CTR's newest copy ends its contact's wait."""
    seen: set[str] = set()
    result: list[Step] = []
    ctrs: dict[tuple[str, str], tuple[int, int, dict[str, Any]]] = {}
    for position, doc in _documents(lines):
        if "detail-type" in doc and "ContactId" not in doc and "EventType" not in doc and "AgentARN" not in doc:
            step = _step_of_event(position, doc)
            if step and step.event_id not in seen:
                seen.add(step.event_id)
                result.append(step)
        elif "AWSContactTraceRecordFormatVersion" in doc and doc.get("ContactId") and doc.get("DisconnectTimestamp"):
            key = (doc["InstanceARN"].rsplit("/", 1)[-1], doc["ContactId"])
            updated = _ms(doc.get("LastUpdateTimestamp")) or _ms(doc["DisconnectTimestamp"])
            if key not in ctrs or updated > ctrs[key][0]:
                ctrs[key] = (updated, position, doc)
    for key, (_, position, doc) in ctrs.items():
        channel = (doc.get("Channel") or "VOICE").upper()
        result.append(Step(key, "ctr", RANK["DISCONNECTED"], _ms(doc["DisconnectTimestamp"]), None, channel, position))
    return result


def _newest_agent_time_before(lines: list[str]) -> list[int]:
    """For each position, the newest agent-event time on the stream before it (what the watermark follows)."""
    newest, result = -(2**62), []
    for line in lines:
        result.append(newest)
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        moment = _ms(doc.get("EventTimestamp")) if isinstance(doc, dict) else None
        if moment is not None:
            newest = max(newest, moment)
    return result


@dataclass
class Row:
    queue_name: str
    low: int  # contacts waiting for sure
    high: int  # ... plus those whose late records may or may not have been applied
    oldest: float | None  # exact when certain

    @property
    def certain(self) -> bool:
        return self.low == self.high


def queue_contacts_waiting(
    lines: list[str],
    interval_s: int = 10,
    max_wait_s: int = 7200,
    out_of_orderness_s: int = 5,
    until_ms: int | None = None,
) -> dict[tuple[str, str, str, str], Row]:
    """(boundary ISO, instance_id, queue_id, channel) -> Row, for every boundary from the first after a
    queue's first QUEUED event up to `until_ms` (default: the newest step plus the maximum wait)."""
    step_ms, max_wait, ooo = interval_s * 1000, max_wait_s * 1000, out_of_orderness_s * 1000
    all_steps = steps(lines)
    newest_agent = _newest_agent_time_before(lines)
    by_contact: dict[tuple[str, str], list[Step]] = defaultdict(list)
    for step in all_steps:
        by_contact[step.contact].append(step)
    known: dict[tuple[str, str, str], int] = {}  # (instance, queue, channel) -> first boundary
    for step in all_steps:
        if step.rank == RANK["QUEUED"] and step.queue:
            key, first = (step.contact[0], step.queue, step.channel), (step.time // step_ms + 1) * step_ms
            known[key] = min(known.get(key, first), first)
    if not known:
        return {}
    last = until_ms if until_ms is not None else max(s.time for s in all_steps) + max_wait + step_ms
    names = _queue_names(lines)

    def applied_by(step: Step, boundary: int) -> bool:
        """Surely on time: when its record was read, the watermark could not have reached the boundary yet."""
        return newest_agent[step.position] - ooo < boundary - 1

    def waits_in(step: Step | None, boundary: int) -> tuple[str, str, int] | None:
        if step is None or step.rank != RANK["QUEUED"] or not step.queue or boundary - step.time > max_wait:
            return None
        return (step.queue, step.channel, step.time)

    result: dict[tuple[str, str, str, str], Row] = {}
    for boundary in range(min(known.values()), last + 1, step_ms):
        certain: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        maybe: dict[tuple[str, str, str], int] = defaultdict(int)
        for contact, contact_steps in by_contact.items():
            before = [s for s in contact_steps if s.time < boundary]
            sure = [s for s in before if applied_by(s, boundary)]
            state = max(sure, key=lambda s: (s.time, s.rank, s.event_id), default=None)
            outcomes = {waits_in(state, boundary)}
            outcomes |= {
                waits_in(s, boundary)
                for s in before
                if not applied_by(s, boundary) and (state is None or s.beats(state))
            }
            if len(outcomes) == 1:
                outcome = outcomes.pop()
                if outcome:
                    certain[(contact[0], outcome[0], outcome[1])].append(outcome[2])
            else:
                for outcome in outcomes - {None}:
                    maybe[(contact[0], outcome[0], outcome[1])] += 1
        for (instance, queue, channel), first in known.items():
            if boundary < first:
                continue
            enqueued = certain.get((instance, queue, channel), [])
            extra = maybe.get((instance, queue, channel), 0)
            oldest = (boundary - min(enqueued)) / 1000 if enqueued else 0.0
            result[(iso(boundary), instance, queue, channel)] = Row(
                names.get((instance, queue), ""), len(enqueued), len(enqueued) + extra, None if extra else oldest
            )
    return result


def _queue_names(lines: list[str]) -> dict[tuple[str, str], str]:
    """The name most recently reported for each queue, by agent events (routing profiles) and CTRs."""
    reports: dict[tuple[str, str], tuple[int, str]] = {}

    def report(instance: str, arn: str, name: Any, moment: int | None) -> None:
        if name and moment is not None:
            key = (instance, arn.rsplit("/", 1)[-1])
            if key not in reports or moment >= reports[key][0]:
                reports[key] = (moment, name)

    for _, doc in _documents(lines):
        snapshot = doc.get("CurrentAgentSnapshot")
        if isinstance(snapshot, dict) and doc.get("InstanceARN"):
            profile = (snapshot.get("Configuration") or {}).get("RoutingProfile") or {}
            instance, moment = doc["InstanceARN"].rsplit("/", 1)[-1], _ms(doc["EventTimestamp"])
            for queue in profile.get("InboundQueues") or []:
                report(instance, queue["ARN"], queue.get("Name"), moment)
        elif "AWSContactTraceRecordFormatVersion" in doc and isinstance(doc.get("Queue"), dict):
            moment = _ms(doc.get("LastUpdateTimestamp")) or _ms(doc.get("DisconnectTimestamp"))
            report(doc["InstanceARN"].rsplit("/", 1)[-1], doc["Queue"]["ARN"], doc["Queue"].get("Name"), moment)
    return {key: name for key, (_, name) in reports.items()}
