"""The real-time figures in InfluxQL, for the job's InfluxDB store: one value per name of grafana/sql.py that the
real-time dashboard shows, either an `InfluxQL` query meaning the same figure or `LeftOut` with the reason.

What the job writes (docs/METRICS.md): one measurement per result table, named as the table; the dimensions are
tags, the measures fields, the row time the point's time (ms); a corrected window overwrites the same point. So the
Timestream queries' `measure_name` filters have no counterpart here, and a point is always the final figure.

Conventions (the same figures as sql.py's, in what InfluxQL can say):

- Every identifier is double-quoted (grafana/local/names.py checks each against what the job writes).
- Template variables go through `selected(variable, tag)`: `"tag" =~ /^${variable:regex}$/`. Multi-value
  selections become `(a|b)` (Grafana's regex format, values escaped), "All" is the custom all-value `.*` (the
  InfluxDB dashboard's own): a regular expression matching every row, also when the variable lists nothing.
- Time: `$timeFilter` and `$__interval`, which Grafana's InfluxDB backend expands (`time >= <from>ms and time <=
  <to>ms`, `10s`). A look-back independent of the dashboard's range ends at `${__to}ms`, the end of the range (now,
  for the usual relative range): not the InfluxDB server's now(), so a range in the past shows that moment.
- "The newest snapshot" (a Timestream `time = max(time)`): the rows summed per `GROUP BY time(1s)`, then the
  `last()` bucket. The job's times are whole seconds (boundaries, window ends), so one bucket is one snapshot.
- Contact figures over several windows or queues are weighted by their own population, as in sql.py: a subquery
  multiplies each rate by its population (`"service_level_20s" * "contacts_queued"`), the outer query divides the
  sums. InfluxQL divides by zero as 0 where Timestream's `nullif` gives no value: only a window whose one contact
  moved to another window (contacts_queued 0) can meet it, and it then reads 0 % abandonment.
- No joins: a figure that needs two measurements side by side is either several targets of one panel (the queue
  table, grafana/wallboard.py) or left out.
- The queue list comes from `queue_contact_metrics` alone: Grafana's backend reads only the first series of a
  `SHOW TAG VALUES` result, and InfluxDB answers one series per measurement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grafana import sql

ALL_VALUE = ".*"  # the InfluxDB dashboard's custom all-value: a regular expression matching every tag value
NOW = "${__to}ms"
TIME_SERIES, TABLE = "time_series", "table"
NO_OUTPUT_FOR_A_DAY = sql.NO_OUTPUT_FOR_A_DAY


@dataclass(frozen=True)
class InfluxQL:
    """A figure's InfluxQL. `result_format` as Grafana's InfluxDB target takes it; `alias` names each series
    (`$col`: the column, `$tag_<key>`: a tag's value). An adapted figure (not quite the Timestream panel's) gives
    the panel its own `title` and `description`, which say how it differs."""

    query: str
    result_format: str = TIME_SERIES
    alias: str | None = "$col"
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LeftOut:
    """No InfluxQL for this figure: the dashboard shows a text panel with the reason, in the panel's place."""

    reason: str


_REGEX_SPECIAL = re.compile(r"[\\^$*+?.()|\[\]{}/]")


def escape_regex(value: str) -> str:
    """Grafana's `escapeRegex` (@grafana/data text/string.ts), which its regex variable format applies to each value;
    `/` included, InfluxQL's regex delimiter."""
    return _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), value)


def selected(variable: str, tag: str) -> str:
    """`tag` is one of the variable's selected values, or the variable is "All" (`.*`)."""
    return f'"{tag}" =~ /^${{{variable}:regex}}$/'


def since(look_back: str) -> str:
    """The `look_back` before the end of the dashboard's range, that end included."""
    return f"time > {NOW} - {look_back} AND time <= {NOW}"


INSTANCE = selected("instance", "instance_id")
QUEUE = selected("queue", "queue_name")
CHANNEL = selected("channel", "channel")
AGENT_SCOPE = f"{INSTANCE} AND {QUEUE}"
CONTACT_SCOPE = f"{INSTANCE} AND {QUEUE} AND {CHANNEL}"
AGENT_FILTER = f"$timeFilter AND {AGENT_SCOPE}"
CONTACT_FILTER = f"$timeFilter AND {CONTACT_SCOPE}"
SNAPSHOT = "GROUP BY time(1s) fill(none)"  # one bucket per snapshot or window end (whole seconds)
PER_INTERVAL = "GROUP BY time($__interval) fill(none)"


def _select(columns: dict[str, str]) -> str:
    return ", ".join(f'{expression} AS "{name}"' for name, expression in columns.items())


def _of(function: str, names: dict[str, str] | list[str]) -> dict[str, str]:
    """`function` of each column of a subquery, as a column of the same name (or of the dict's key)."""
    pairs = names.items() if isinstance(names, dict) else ((name, name) for name in names)
    return {label: f'{function}("{name}")' for label, name in pairs}


def _newest(names: list[str], inner: str) -> str:
    """The columns `names` of the newest bucket of `inner` (a query grouped by `SNAPSHOT`)."""
    return f"SELECT {_select(_of('last', names))} FROM ({inner})"


# --- template variables ---------------------------------------------------------------------------------------

VARIABLE_INSTANCE = f'SHOW TAG VALUES FROM "{sql.JOB_AGENTS}" WITH KEY = "instance_id"'
# Every queue in which a contact ended (within the database's retention): a queue nobody staffs is listed, a staffed
# queue only from its first contact (see the module's docstring: one measurement only).
VARIABLE_QUEUE = f'SHOW TAG VALUES FROM "{sql.JOB_CONTACTS}" WITH KEY = "queue_name" WHERE {INSTANCE}'

# --- agents (the job) ------------------------------------------------------------------------------------------

AGENT_SUMS = {
    "online": 'sum("agents_online")',
    "available": 'sum("agents_available")',
    "on contact": 'sum("agents_on_contact")',
    "after-contact work": 'sum("agents_after_contact_work")',
    "non-productive": 'sum("agents_non_productive")',
    "error": 'sum("agents_error")',
}
AGENTS_NOW = InfluxQL(
    _newest(list(AGENT_SUMS), f'SELECT {_select(AGENT_SUMS)} FROM "{sql.JOB_AGENTS}" WHERE {AGENT_FILTER} {SNAPSHOT}'),
    TABLE,
)

_STATES = {
    "online": 'sum("agents_online")',
    "available": 'sum("agents_available")',
    "connected": 'sum("agents_on_contact") - sum("agents_after_contact_work")',
    "acw": 'sum("agents_after_contact_work")',
    "non_productive": 'sum("agents_non_productive")',
    "error": 'sum("agents_error")',
}
_STATE_LABELS = {
    "available": "available",
    "connected or on hold": "connected",
    "after-contact work": "acw",
    "non-productive": "non_productive",
    "error": "error",
    "online": "online",
}
AGENT_STATES_OVER_TIME = InfluxQL(
    f"SELECT {_select(_of('mean', _STATE_LABELS))} FROM ("
    f'SELECT {_select(_STATES)} FROM "{sql.JOB_AGENTS}" WHERE {AGENT_FILTER} {SNAPSHOT}'
    ") GROUP BY time($__interval) fill(none)"
)


def _output_age(scope: str, where: str, label: str, by_queue: bool) -> str:
    """Seconds from the newest snapshot to the end of the range (`where` ends one second after it): the 1 s buckets
    after the newest one, counted from the end backwards (the cumulative count is 0 until a bucket has a snapshot).
    Nothing in the range: no row."""
    group = ', "queue_name"' if by_queue else ""
    outer_group = ' GROUP BY "queue_name"' if by_queue else ""
    return (
        f'SELECT count("snapshots") - 1 AS "{label}" FROM ('
        f'SELECT cumulative_sum(count("agents_online")) AS "snapshots" FROM "{sql.JOB_AGENTS}" '
        f"WHERE {where} AND {scope} GROUP BY time(1s){group} fill(0) ORDER BY time DESC"
        f') WHERE "snapshots" = 0{outer_group} ORDER BY time DESC'
    )


JOB_OUTPUT_AGE = InfluxQL(
    _output_age(INSTANCE, f"time > {NOW} - 1d AND time <= {NOW} + 1s", "seconds since the newest snapshot", False),
    TABLE,
    description="Seconds between the end of the dashboard's range (now) and the job's newest snapshot, whatever "
    "the range, so a stopped job turns red instead of showing no data. More than a minute: the job is behind or "
    "stopped (it writes a snapshot every 10 s of event time while agent events arrive; with nobody logged in its "
    'output pauses). Nothing in 24 h shows "none in 24 h" (InfluxQL returns no row, where Timestream counts 86400).',
)

# --- contacts (the job) ----------------------------------------------------------------------------------------


def _weighted(columns: dict[str, str], inner_columns: dict[str, str], source: str, where: str, tail: str) -> str:
    return f'SELECT {_select(columns)} FROM (SELECT {_select(inner_columns)} FROM "{source}" WHERE {where}) {tail}'


SERVICE_LEVEL_OVER_TIME = InfluxQL(
    _weighted(
        {"service level": 'sum("weighted") / sum("queued")'},
        {"weighted": '"service_level_${sl}s" * "contacts_queued"', "queued": '"contacts_queued"'},
        sql.JOB_CONTACTS,
        CONTACT_FILTER,
        PER_INTERVAL,
    )
)

ABANDONMENT_OVER_TIME = InfluxQL(
    'SELECT sum("contacts_abandoned") AS "abandoned", '
    'sum("contacts_abandoned") / sum("contacts_queued") AS "abandonment rate" '
    f'FROM "{sql.JOB_CONTACTS}" WHERE {CONTACT_FILTER} {PER_INTERVAL}'
)

CONTACT_VOLUME = InfluxQL(
    'SELECT sum("contacts_queued") AS "queued", sum("contacts_handled") AS "handled", '
    'sum("contacts_abandoned") AS "abandoned" '
    f'FROM "{sql.JOB_CONTACTS}" WHERE {CONTACT_FILTER} {PER_INTERVAL}'
)

QUEUE_WAIT = InfluxQL(
    f'SELECT "queue_wait_avg_seconds" AS "average", "queue_wait_p90_seconds" AS "p90" FROM "{sql.JOB_CONTACTS}" '
    f'WHERE {CONTACT_FILTER} AND "contacts_handled" > 0 GROUP BY "queue_name", "channel"',
    alias="$col $tag_queue_name $tag_channel",
)

HANDLE_TIME_PERCENTILES = InfluxQL(
    f'SELECT "handle_time_p50_seconds" AS "p50", "handle_time_p90_seconds" AS "p90", '
    f'"handle_time_p99_seconds" AS "p99" FROM "{sql.JOB_CONTACTS}" '
    f'WHERE {CONTACT_FILTER} AND "contacts_handled" > 0 GROUP BY "channel"',
    alias="$col $tag_channel",
)


def _last_15_minutes_total(label: str, weighted: str) -> InfluxQL:
    """One share of the job's newest rolling 15 minutes over the selected queues and channels, weighted by contacts
    queued: per window end the sums over every queue and channel, then the newest window end's (Timestream: the
    rows at the newest time)."""
    per_window_end = _weighted(
        {label: 'sum("weighted") / sum("queued")'},
        {"weighted": weighted, "queued": '"contacts_queued"'},
        sql.JOB_ROLLING,
        f"{since('15m')} AND {CONTACT_SCOPE}",
        SNAPSHOT,
    )
    return InfluxQL(_newest([label], per_window_end), TABLE)


SERVICE_LEVEL_LAST_15_MIN = _last_15_minutes_total("service level", '"service_level_${sl}s" * "contacts_queued"')
# `* 1.0`: InfluxDB types a division of two integer sums in a subquery as an integer for the query around it, whose
# last() then truncates 0.07 to 0 (seen on influxd 1.6); a float numerator keeps the share a float.
ABANDONMENT_LAST_15_MIN = _last_15_minutes_total("abandonment rate", '"contacts_abandoned" * 1.0')

JOB_OUTPUT_AGE_BY_QUEUE = InfluxQL(
    _output_age(AGENT_SCOPE, f"time >= ${{__from}}ms AND time <= {NOW} + 1s", "age", True),
    TABLE,
    title="Job output age by queue",
    description="Seconds between the end of the dashboard's range (now) and the newest snapshot the job wrote for "
    "each selected queue. A queue falling behind the others points at one Kinesis shard lagging (the job's event "
    "time is per shard). (The Timestream dashboard also shows the snapshot's time: InfluxQL has no arithmetic on "
    "time, so the age is counted in 1 s buckets, and one query gives one of the two.)",
)

# --- Connect's own figures: written by persist_instance_data, to Timestream only ----------------------------

_CONNECT_ONLY = (
    "Connect's own figures (GetCurrentMetricData, polled every minute by the persist_instance_data Lambda into "
    "the Timestream table instance_metrics) are not in InfluxDB: only the Flink job writes there."
)
INSTANCE_AGENTS_NOW = LeftOut(
    f"{_CONNECT_ONLY} The job counts agents per queue (agent_state_by_queue, an agent once in every queue of its "
    "routing profile), so no InfluxQL over its measurements counts each agent of the instance once. Per-queue agent "
    "counts are in the table."
)
AGENTS_JOB_VS_CONNECT = LeftOut(
    f"{_CONNECT_ONLY} This panel compares the job's agent counts with Connect's; the job's own are in "
    '"Agent states" and "Agents now".'
)
WAITING_JOB_VS_CONNECT = LeftOut(
    f"{_CONNECT_ONLY} This panel compares the job's live queue with Connect's; the job's own is in "
    '"In queue now (job)" (set the queue variable for one queue).'
)
CONNECT_IN_QUEUE_OVER_TIME = InfluxQL(
    f'SELECT sum("contacts_in_queue") AS "contacts in queue", max("oldest_contact_age_seconds") AS "oldest contact" '
    f'FROM "{sql.JOB_WAITING}" WHERE {CONTACT_FILTER} {SNAPSHOT}',
    title="In queue now (job)",
    description="The job's live queue (queue_contacts_waiting, from Connect's contact events, every 10 s): contacts "
    "in queue and the oldest contact's wait, over the selected queues and channels. The Timestream dashboard shows "
    "Connect's own CONTACTS_IN_QUEUE and OLDEST_CONTACT_AGE here, which only persist_instance_data writes, to "
    "Timestream. A queue the job cannot name yet (no agent event or CTR has named it) counts under All only.",
)

# --- the per-queue table (grafana/wallboard.py) ---------------------------------------------------------------

BY_QUEUE = 'GROUP BY "instance_id", "queue_name"'


def _contact_columns(label: str, service_level: str) -> tuple[dict[str, str], dict[str, str]]:
    """(outer, inner) columns of the table's contact figures for one period, weighted as sql.contact_figures."""
    inner = {
        "queued": '"contacts_queued"',
        "handled": '"contacts_handled"',
        "abandoned": '"contacts_abandoned"',
        "service level": f'"{service_level}" * "contacts_queued"',
        "handle time": '"handle_time_avg_seconds" * "contacts_handled"',
        "answer time": '"queue_wait_avg_seconds" * "contacts_handled"',
        "max queued": '"queue_time_max_seconds"',
    }
    outer = {
        f"Queued {label}": 'sum("queued")',
        f"Handled {label}": 'sum("handled")',
        f"Abandoned {label}": 'sum("abandoned")',
        f"Abandonment {label}": 'sum("abandoned") / sum("queued")',
        f"Service level {label}": 'sum("service level") / sum("queued")',
        f"AHT {label}": 'sum("handle time") / sum("handled")',
        f"Answer time {label}": 'sum("answer time") / sum("handled")',
        f"Max queued {label}": 'max("max queued")',
    }
    return outer, inner


def queue_table(service_levels: dict[str, tuple[str, ...]], default_service_level: str) -> list[InfluxQL]:
    """The per-queue table's targets, each one row per queue (`BY_QUEUE`), which the panel merges on the queue:

    - the job's newest snapshot of each queue's agents (last 15 minutes);
    - its live queue: In queue and Oldest over the queue's channels (only queues the job has named: contact events
      carry no queue name, and InfluxQL cannot name a queue by its id from another measurement);
    - today (`queue_contact_metrics_daily`: in the day before the end of the range there is only today's row) and
      the last 15 minutes (the 60 s windows ending in them: the contacts of the job's rolling row at the newest
      window end, when the job is up to date), once per service-level threshold: `service_levels` maps each
      service_level_<X>s column other than `default_service_level` to its queues (grafana/targets.yaml), since
      InfluxQL has no CASE to pick a column per row."""
    agents = {label: f'last("{measure}")' for measure, label in sql.AGENT_COLUMNS}
    live = {"in_queue": 'last("contacts_in_queue")', "oldest": 'last("oldest_contact_age_seconds")'}
    queries = [
        InfluxQL(
            f'SELECT {_select(agents)} FROM "{sql.JOB_AGENTS}" WHERE {since("15m")} AND {AGENT_SCOPE} {BY_QUEUE}',
            TABLE,
            None,
        ),
        InfluxQL(
            f'SELECT sum("in_queue") AS "In queue", max("oldest") AS "Oldest" FROM (SELECT {_select(live)} '
            f'FROM "{sql.JOB_WAITING}" WHERE {since("15m")} AND {CONTACT_SCOPE} AND "queue_name" =~ /.+/ '
            f'GROUP BY "instance_id", "queue_id", "queue_name", "channel") {BY_QUEUE}',
            TABLE,
            None,
        ),
    ]
    overridden = [name for names in service_levels.values() for name in names]
    groups = [(default_service_level, f'"queue_name" !~ /^{_names(overridden)}$/' if overridden else "")]
    groups += [(column, f'"queue_name" =~ /^{_names(names)}$/') for column, names in service_levels.items()]
    for label, table, look_back in (("today", sql.JOB_DAILY, "1d"), ("15 min", sql.JOB_CONTACTS, "15m")):
        for column, only in groups:
            outer, inner = _contact_columns(label, column)
            where = " AND ".join(filter(None, (since(look_back), CONTACT_SCOPE, only)))
            queries.append(InfluxQL(_weighted(outer, inner, table, where, BY_QUEUE), TABLE, None))
    return queries


def _names(names: list[str] | tuple[str, ...]) -> str:
    return "(" + "|".join(escape_regex(name) for name in sorted(names)) + ")"
