"""What the contact views' windows hold at a watermark, counted in the input: the state-size benchmark's keys.

A window (`ContactWindowFunction`) keeps, per population, how many of its contacts have each value (whole
seconds in Connect's CTRs), so its state grows with the distinct (window, population, value) entries, not
with the contacts. This module counts both for each view (tumbling, rolling, daily) from the best copy of
each queued CTR (`connect_model`, the job's own rules), with the views' windows as the job makes them and a
window held until the watermark passes its end plus the allowed lateness.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from connect_model.ctr import ContactTraceRecord

VIEWS = ("tumbling", "rolling", "daily")
# The job's operator uid per view (MetricsJob).
VIEW_UIDS = {"tumbling": "contacts-window", "rolling": "contacts-rolling-window", "daily": "contacts-daily-window"}
CTR_MARKER = b'"AWSContactTraceRecordFormatVersion"'


@dataclass(frozen=True)
class ViewShape:
    window_seconds: int = 60
    rolling_seconds: int = 900
    allowed_lateness_seconds: int = 3600
    timezone: str = "UTC"

    def windows(self, view: str, disconnect_ms: int) -> list[tuple[int, int]]:
        """(start, end) in epoch ms of the windows of `view` a contact disconnected then belongs to."""
        step = self.window_seconds * 1000
        end = (disconnect_ms // step + 1) * step
        if view == "tumbling":
            return [(end - step, end)]
        if view == "rolling":
            span = self.rolling_seconds * 1000
            return [(e - span, e) for e in range(end, end + span, step)]
        zone = ZoneInfo(self.timezone)
        day = datetime.fromtimestamp(disconnect_ms / 1000, zone).date()
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        following = midnight + timedelta(days=1)
        return [(round(midnight.timestamp() * 1000), round(following.timestamp() * 1000))]


def population_values(ctr: ContactTraceRecord) -> list[tuple[str, float]]:
    """The contact's value in each population it is in (`Population.java`, docs/METRICS.md)."""
    wait = ctr.queue.duration_seconds if ctr.queue else 0.0
    values = [("queue_wait", wait)]
    agent = ctr.agent
    if ctr.handled and agent is not None:
        values += [("handle", agent.handle_seconds), ("answered_wait", wait), ("acw", agent.after_contact_work_seconds)]
        if ctr.went_on_hold:
            values.append(("hold", agent.hold_seconds))
    elif ctr.abandoned:
        values.append(("abandon_wait", wait))
    return values


def best_queued_ctrs(lines: Iterable[bytes]) -> list[ContactTraceRecord]:
    """The best copy (highest LastUpdateTimestamp) of each queued contact; other lines are skipped unparsed."""
    best: dict[tuple[str, str], ContactTraceRecord] = {}
    for line in lines:
        if CTR_MARKER not in line:
            continue
        try:
            ctr = ContactTraceRecord.from_json(json.loads(line))
        except ValueError:  # dead letters in the job too
            continue
        key = (ctr.instance_id, ctr.contact_id)
        if key not in best or ctr.last_updated > best[key].last_updated:
            best[key] = ctr
    return [c for c in best.values() if c.queued]


@dataclass(frozen=True)
class Held:
    memberships: int  # (window, contact) pairs
    entries: int  # distinct (window, population, value)
    windows: int


def held(ctrs: list[ContactTraceRecord], shape: ViewShape, watermark_ms: int | None) -> dict[str, Held]:
    """Per view, what its windows hold once the watermark is at `watermark_ms` (None: every window is held)."""
    lateness = shape.allowed_lateness_seconds * 1000
    result = {}
    for view in VIEWS:
        memberships = 0
        entries: dict[tuple, set[tuple[str, float]]] = defaultdict(set)
        for ctr in ctrs:
            disconnect = round(ctr.disconnected.timestamp() * 1000)
            for start, end in shape.windows(view, disconnect):
                if watermark_ms is not None and end + lateness <= watermark_ms:
                    continue
                memberships += 1
                key = (ctr.instance_id, ctr.queue.queue_id, ctr.channel, start, end)  # queued: it has a queue
                entries[key].update(population_values(ctr))
        result[view] = Held(memberships, sum(len(v) for v in entries.values()), len(entries))
    return result


def held_in_file(path: Path, shape: ViewShape, watermark_ms: int | None) -> dict[str, Held]:
    with path.open("rb") as handle:
        return held(best_queued_ctrs(handle), shape, watermark_ms)


def steady_memberships(queued_per_second: float, shape: ViewShape, day_hours: float = 24) -> dict[str, float]:
    """(window, contact) pairs held in steady state at a constant queued-contact rate: a tumbling window's
    contacts until its end + lateness; a rolling contact in rolling/window windows, the i-th held for
    lateness + i windows; a day's contacts until the next midnight + lateness (the day's end: the peak)."""
    w, lateness = shape.window_seconds, shape.allowed_lateness_seconds
    n = shape.rolling_seconds // w
    return {
        "tumbling": queued_per_second * (lateness + w),
        "rolling": queued_per_second * (n * lateness + w * n * (n + 1) / 2),
        "daily": queued_per_second * day_hours * 3600,
    }
