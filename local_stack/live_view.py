"""The live view of `make run`: what the job has written, per queue, laid out like Connect's real-time page.

One table for the queues now (the live queue and the agent states at the newest boundary) and one for
the contacts per queue and channel, today (since local midnight) and over the rolling span, with how
often today's row has been written (each later CTR or correction rewrites it with a higher version).
"""

import threading
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.table import Table

Key = tuple[str, ...]


@dataclass
class JobView:
    """The newest record per table and series, how often each was written, dead letters, the job's last lines."""

    newest: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    writes: dict[tuple[str, str, Key], int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    log_tail: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, document: dict[str, Any] | None, line: str) -> None:
        with self.lock:
            if document is None:
                self.log_tail = [*self.log_tail[-4:], line.rstrip()[:160]]
                return
            table = document.get("table", "?")
            if table == "dead_letter":
                reason = document.get("reason", "?")
                self.dead_letters[reason] = self.dead_letters.get(reason, 0) + 1
                return
            dims = document["dimensions"]
            series = (dims.get("queue_name") or dims.get("queue_id", "?"), dims.get("channel", ""))
            self.rows[table] = self.rows.get(table, 0) + 1
            written = (table, document["time"], series)
            self.writes[written] = self.writes.get(written, 0) + 1
            current = self.newest.setdefault(table, {}).get(series)
            if current is None or (current["time"], current["version"]) <= (document["time"], document["version"]):
                self.newest[table][series] = document

    def rewrites(self, table: str, document: dict[str, Any], series: Key) -> int:
        return self.writes.get((table, document["time"], series), 1) - 1

    def latest(self, table: str) -> dict[Key, dict[str, Any]]:
        return self.newest.get(table, {})


def _number(value: Any, digits: int = 0, scale: float = 1.0, suffix: str = "") -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}{suffix}"


def _age(seconds: float | None) -> str:
    if not seconds:
        return "-"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def queues_now(view: JobView, elapsed: float) -> Table:
    """Per queue: In queue and Oldest (the live queue, every channel) and the agent states."""
    agents = {queue: doc for (queue, _), doc in view.latest("agent_state_by_queue").items()}
    waiting: dict[str, list[dict[str, Any]]] = {}
    for (queue, _), doc in view.latest("queue_contacts_waiting").items():
        waiting.setdefault(queue, []).append(doc)
    newest = max((d["time"] for d in agents.values()), default="")
    table = Table(
        title=f"Queues now — {newest[11:19] or 'waiting for the first boundary'} UTC "
        f"({view.rows.get('agent_state_by_queue', 0)} agent-state rows, {elapsed:.0f} s)",
    )
    columns = ("queue", "in queue", "oldest", "online", "available", "on contact", "ACW", "NPT", "error", "staffed")
    for column in columns:
        table.add_column(column, justify="left" if column == "queue" else "right")
    for queue in sorted(set(agents) | set(waiting)):
        m = agents[queue]["measures"] if queue in agents else {}
        docs = waiting.get(queue, [])
        in_queue = sum(d["measures"]["contacts_in_queue"] for d in docs)
        oldest = max((d["measures"]["oldest_contact_age_seconds"] for d in docs), default=None)
        table.add_row(
            queue,
            str(in_queue) if docs else "-",
            _age(oldest),
            *(
                str(m.get(f"agents_{name}", "-"))
                for name in ("online", "available", "on_contact", "after_contact_work", "non_productive", "error")
            ),
            str(m.get("agents_staffed", "-")),
        )
    if not agents and not waiting:
        table.add_row("(waiting for the first boundary to close)", *[""] * (len(columns) - 1))
        for line in view.log_tail:
            table.add_row(f"[dim]{line}[/dim]", *[""] * (len(columns) - 1))
    return table


def contacts(view: JobView, rolling_minutes: int) -> Table:
    """Per queue and channel: today's figures and the rolling span's, each with its rewrites."""
    table = Table(
        title=f"Contacts — today (since local midnight) and the last {rolling_minutes} minutes, from CTRs "
        "(Connect sends a CTR after each contact's after-contact work; `writes`: how often today's row was written)",
    )
    columns = (
        ("queue", "left"), ("channel", "left"),
        ("today: queued", "right"), ("handled", "right"), ("abandoned", "right"), ("SL 20 s", "right"),
        ("AHT s", "right"), ("max queued", "right"), ("writes", "right"),
        (f"{rolling_minutes} min: queued", "right"), ("abandoned", "right"), ("SL 20 s", "right"),
        ("AHT s", "right"), ("at", "right"),
    )  # fmt: skip
    for name, justify in columns:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    daily = view.latest("queue_contact_metrics_daily")
    rolling = view.latest("queue_contact_metrics_rolling")
    for series in sorted(set(daily) | set(rolling)):
        d = daily[series]["measures"] if series in daily else {}
        r = rolling[series]["measures"] if series in rolling else {}
        rewrites = view.rewrites("queue_contact_metrics_daily", daily[series], series) if series in daily else 0
        table.add_row(
            *series,
            str(d.get("contacts_queued", "-")),
            str(d.get("contacts_handled", "-")),
            str(d.get("contacts_abandoned", "-")),
            _number(d.get("service_level_20s"), 0, 100, " %"),
            _number(d.get("handle_time_avg_seconds")),
            _age(d.get("queue_time_max_seconds")),
            str(rewrites + 1) if series in daily else "",
            str(r.get("contacts_queued", "-")),
            str(r.get("contacts_abandoned", "-")),
            _number(r.get("service_level_20s"), 0, 100, " %"),
            _number(r.get("handle_time_avg_seconds")),
            rolling[series]["time"][11:16] if series in rolling else "",
        )
    if not daily and not rolling:
        table.add_row("(waiting for the first CTRs)", *[""] * (len(columns) - 1))
    return table


def render(view: JobView, elapsed: float, store_line: str, rolling_minutes: int) -> Group:
    """`store_line`: what the local store holds and how to look at it (`local_stack.demo`)."""
    with view.lock:
        caption = (
            "dead letters: "
            + (", ".join(f"{k} {v}" for k, v in sorted(view.dead_letters.items())) or "none yet")
            + f"   ·   {store_line}   ·   Ctrl-C stops everything"
        )
        return Group(queues_now(view, elapsed), contacts(view, rolling_minutes), caption)
