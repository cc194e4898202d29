"""Every panel's SQL, one named unit each: Timestream (the job's and the Lambdas' tables) and Athena (CTR history).

Conventions, so that the same figure means the same thing everywhere (definitions: docs/METRICS.md):

- Timestream: `$__database.<table>`, `$__timeFilter`, `bin(time, $__interval_ms)` (the plugin's only macros).
  Template variables go through `selected(variable, column)`: true for the selected values, and for every row when
  the variable is "All" (its custom all-value, `'__all__'`), also when the variable lists nothing at all (no agent
  logged in: Grafana would otherwise expand "All" to an empty `IN ()`, a SQL error).
- Contact figures aggregated over several windows or queues are weighted by their own population: service
  level and abandonment by `contacts_queued`, handle time and queue wait by `contacts_handled`. That is exact
  (they are shares and means of those contacts); percentiles cannot be merged and are shown per queue.
- Agents: `agent_state_by_queue` counts an agent once per queue it serves, so it is never summed across queues
  into an instance-wide figure; instance-wide counts come from Connect's `instance_current` (each agent once).
  "On contact" is Connect's: connected, on hold or in after-contact work (ACW), everywhere.
- Athena: CTRs deduplicated by `contactid`, keeping the highest `lastupdatetimestamp` (re-deliveries), only
  those with a queue; windows on `disconnecttimestamp`; partitions pruned by `dt` (arrival date, on or after
  the disconnect date: one extra day is read at the end for late deliveries). Time filters use `$__timeFrom()` /
  `$__timeTo()`, which the plugin writes in UTC (its `$__timeFilter(col)` uses the server's local time).
"""

from __future__ import annotations

JOB_AGENTS = "agent_state_by_queue"
JOB_CONTACTS = "queue_contact_metrics"
JOB_ROLLING = "queue_contact_metrics_rolling"
JOB_DAILY = "queue_contact_metrics_daily"
JOB_WAITING = "queue_contacts_waiting"
CONNECT_CURRENT = "instance_metrics"
INVENTORY = "instance_inventory"

ALL_VALUE = "__all__"  # the variables' custom all-value, as a SQL string literal: `'__all__'`


def selected(variable: str, column: str) -> str:
    """`column` is one of the variable's selected values, or the variable is set to "All"."""
    values = f"${{{variable}:sqlstring}}"
    return f"('{ALL_VALUE}' IN ({values}) OR {column} IN ({values}))"


INSTANCE = selected("instance", "instance_id")
QUEUE = selected("queue", "queue_name")
CHANNEL = selected("channel", "channel")

AGENT_FILTER = f"$__timeFilter AND measure_name = 'agent_state' AND {INSTANCE} AND {QUEUE}"
CONTACT_FILTER = f"$__timeFilter AND measure_name = 'contact_metrics' AND {INSTANCE} AND {QUEUE} AND {CHANNEL}"
CONNECT_QUEUE_FILTER = f"$__timeFilter AND measure_name = 'queue_current' AND {INSTANCE} AND {QUEUE} AND {CHANNEL}"

# --- template variables and the queue list -------------------------------------------------------------------

# Every queue of the instance, staffed or not: the inventory (persist_instance_data lists every standard queue every
# INVENTORY_INTERVAL_MINUTES, 15 by default, hence a day's look-back) and every table that has queues, so a queue
# nobody staffs (no agent_state_by_queue row: exactly where contacts wait) is never missing. Independent of the
# dashboard's time range: the variables refresh on dashboard load only.
QUEUE_SOURCES = (
    f"SELECT instance_id, queue_name FROM $__database.{INVENTORY} WHERE time > ago(1d) AND measure_name = 'queue'",
    f"SELECT instance_id, queue_name FROM $__database.{CONNECT_CURRENT} "
    "WHERE time > ago(1h) AND measure_name = 'queue_current'",
    f"SELECT instance_id, queue_name FROM $__database.{JOB_AGENTS} WHERE time > ago(1h)",
    f"SELECT instance_id, queue_name FROM $__database.{JOB_CONTACTS} WHERE time > ago(1h)",
    f"SELECT instance_id, queue_name FROM $__database.{JOB_WAITING} WHERE time > ago(1h)",
)
KNOWN_QUEUES = "\n  UNION ".join(QUEUE_SOURCES)
# A queue's name by its id, from every source that names queues: the live queue (contact events carry no queue
# names) writes "" until an agent event or a CTR has named the queue, so the dashboards name it from these.
QUEUE_NAMES_BY_ID = f"""SELECT instance_id, queue_id, max(queue_name) AS queue_name FROM (
  SELECT instance_id, queue_id, queue_name FROM $__database.{INVENTORY} WHERE time > ago(1d) AND measure_name = 'queue'
  UNION SELECT instance_id, queue_id, queue_name FROM $__database.{JOB_AGENTS} WHERE time > ago(1h)
  UNION SELECT instance_id, queue_id, queue_name FROM $__database.{JOB_CONTACTS} WHERE time > ago(1d)
) WHERE queue_name <> '' GROUP BY instance_id, queue_id"""

VARIABLE_INSTANCE = f"""
SELECT DISTINCT instance_id FROM (
  {KNOWN_QUEUES}
) ORDER BY 1
"""
VARIABLE_QUEUE = f"""
SELECT DISTINCT queue_name FROM (
  {KNOWN_QUEUES}
) WHERE {INSTANCE} AND queue_name <> '' ORDER BY 1
"""

# --- agents (the job) ---------------------------------------------------------------------------------------

# The job's agent measures and Connect's names for them (its real-time metrics page), as the queue table shows them.
AGENT_COLUMNS = (
    ("agents_online", "Online"),
    ("agents_available", "Available"),
    ("agents_on_contact", "On contact"),
    ("agents_after_contact_work", "ACW"),
    ("agents_non_productive", "NPT"),
    ("agents_error", "Error"),
    ("agents_staffed", "Staffed"),
)

AGENTS_NOW = f"""
SELECT sum(agents_online) AS "online", sum(agents_available) AS "available",
       sum(agents_on_contact) AS "on contact", sum(agents_after_contact_work) AS "after-contact work",
       sum(agents_non_productive) AS "non-productive", sum(agents_error) AS "error"
FROM $__database.{JOB_AGENTS}
WHERE {AGENT_FILTER}
  AND time = (SELECT max(time) FROM $__database.{JOB_AGENTS} WHERE {AGENT_FILTER})
"""

# Disjoint parts stacked: "on contact" (Connect's: connected, on hold or in ACW) is split into "connected or on
# hold" and "after-contact work", stacked on their own; `online` is the total, drawn as a line. Used per queue
# (the queue row repeats over $queue), where no agent is counted twice.
AGENT_STATES_OVER_TIME = f"""
WITH snapshots AS (
  SELECT time, sum(agents_online) AS online, sum(agents_available) AS available,
         sum(agents_on_contact - agents_after_contact_work) AS connected,
         sum(agents_after_contact_work) AS acw, sum(agents_non_productive) AS non_productive,
         sum(agents_error) AS error
  FROM $__database.{JOB_AGENTS}
  WHERE {AGENT_FILTER}
  GROUP BY time
)
SELECT bin(time, $__interval_ms) AS time, avg(available) AS "available", avg(connected) AS "connected or on hold",
       avg(acw) AS "after-contact work", avg(non_productive) AS "non-productive", avg(error) AS "error",
       avg(online) AS "online"
FROM snapshots
GROUP BY 1
ORDER BY 1
"""

# Not limited to the dashboard's range: a stopped job must turn red, not vanish into "no data". The look-back is
# bounded (Timestream bills the bytes scanned); nothing in a day reads as a day (NO_OUTPUT_FOR_A_DAY).
NO_OUTPUT_FOR_A_DAY = 86400
JOB_OUTPUT_AGE = f"""
SELECT coalesce(date_diff('second', max(time), now()), {NO_OUTPUT_FOR_A_DAY}) AS "seconds since the newest snapshot"
FROM $__database.{JOB_AGENTS}
WHERE time > ago(1d) AND measure_name = 'agent_state' AND {INSTANCE}
"""

# --- contacts (the job) -------------------------------------------------------------------------------------


def service_level_over_time(threshold_column: str = "service_level_${sl}s") -> str:
    return f"""
SELECT bin(time, $__interval_ms) AS time,
       sum({threshold_column} * contacts_queued) / nullif(sum(contacts_queued), 0) AS "service level"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
GROUP BY 1
ORDER BY 1
"""


SERVICE_LEVEL_OVER_TIME = service_level_over_time()


ABANDONMENT_OVER_TIME = f"""
SELECT bin(time, $__interval_ms) AS time, sum(contacts_abandoned) AS "abandoned",
       sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS "abandonment rate"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
GROUP BY 1
ORDER BY 1
"""


# --- the last 15 minutes and today (the job's rolling and daily views) -----------------------------------------


def newest(table: str, measure_name: str, filters: str, look_back: str) -> str:
    """Rows of `table` at its newest time per instance within `look_back` and not after now (a replay writes
    rolling rows past its input's end): the job writes every queue (and channel) of a snapshot or rolling figure
    at the same time, so a missing row means zero, not a stale value."""
    return f"""SELECT * FROM (
    SELECT *, rank() OVER (PARTITION BY instance_id ORDER BY time DESC) AS newest
    FROM $__database.{table}
    WHERE time > ago({look_back}) AND time <= now() AND measure_name = '{measure_name}' AND {filters}
  ) WHERE newest = 1"""


def last_15_minutes(filters: str) -> str:
    """CTEs `rolling` and `windows`, the contacts that ended in the 15 minutes before the job's newest figure.

    `rolling` is the job's rolling row (contacts disconnected in [T - 900 s, T), at its newest window end T);
    `windows` the 60 s windows ending in the 15 minutes up to the newest window end, the same contacts when that end
    is T. `rolling_instances` are the instances with rolling rows: queries take the rolling figures for those
    (`ROLLING_OR_WINDOWS`) and the windows' for a job that does not write the rolling view (one from before it)."""
    return f"""rolling AS (
  {newest(JOB_ROLLING, "contact_metrics_rolling", filters, "15m")}
), rolling_instances AS (
  SELECT DISTINCT instance_id FROM rolling
), windows AS (
  SELECT * FROM (
    SELECT *, max(time) OVER (PARTITION BY instance_id) AS newest_end
    FROM $__database.{JOB_CONTACTS}
    WHERE time > ago(30m) AND measure_name = 'contact_metrics' AND {filters}
  ) WHERE time > newest_end - 15m
)"""


# One figure of a queue joined with rolling_instances (ri), its rolling figures (r) and its windows' (wi).
ROLLING_OR_WINDOWS = "CASE WHEN ri.instance_id IS NULL THEN wi.{figure} ELSE r.{figure} END"


def today(filters: str) -> str:
    """CTE `today`: the job's daily rows of the current local day (time = the UTC instant of its local midnight,
    in the job's time zone: Timestream has only UTC, so only the job can cut local days)."""
    return f"""today AS (
  {newest(JOB_DAILY, "contact_metrics_daily", filters, "1d")}
)"""


def contact_figures(service_level: str) -> str:
    """Aggregates over contact rows (windows, rolling or daily), each weighted by its own population (see top)."""
    return f"""sum(contacts_queued) AS queued, sum(contacts_handled) AS handled, sum(contacts_abandoned) AS abandoned,
       sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS abandonment_rate,
       sum({service_level} * contacts_queued) / nullif(sum(contacts_queued), 0) AS service_level,
       sum(handle_time_avg_seconds * contacts_handled) / nullif(sum(contacts_handled), 0) AS handle_time,
       sum(queue_wait_avg_seconds * contacts_handled) / nullif(sum(contacts_handled), 0) AS answer_time,
       max(queue_time_max_seconds) AS max_queued"""


CONTACT_SCOPE = f"{INSTANCE} AND {QUEUE} AND {CHANNEL}"


def _last_15_minutes_total(figure: str, label: str) -> str:
    """One figure of the last 15 minutes over the selected queues and channels, service level at ${sl} s."""
    figures = contact_figures("service_level_${sl}s")
    return f"""
WITH {last_15_minutes(CONTACT_SCOPE)}
SELECT coalesce(r.{figure}, w.{figure}) AS "{label}"
FROM (SELECT {figures} FROM rolling) r
CROSS JOIN (SELECT {figures} FROM windows) w
"""


SERVICE_LEVEL_LAST_15_MIN = _last_15_minutes_total("service_level", "service level")
ABANDONMENT_LAST_15_MIN = _last_15_minutes_total("abandonment_rate", "abandonment rate")

CONTACT_VOLUME = f"""
SELECT bin(time, $__interval_ms) AS time, sum(contacts_queued) AS "queued", sum(contacts_handled) AS "handled",
       sum(contacts_abandoned) AS "abandoned"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
GROUP BY 1
ORDER BY 1
"""

QUEUE_WAIT = f"""
SELECT time, queue_name, channel, queue_wait_avg_seconds AS "average", queue_wait_p90_seconds AS "p90"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER} AND contacts_handled > 0
ORDER BY time
"""

HANDLE_TIME_PERCENTILES = f"""
SELECT time, channel, handle_time_p50_seconds AS "p50", handle_time_p90_seconds AS "p90",
       handle_time_p99_seconds AS "p99"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER} AND contacts_handled > 0
ORDER BY time
"""

# Per queue: the newest snapshot and its age. Timestream does not expose a record's version or ingestion time,
# so lateness itself is read from the job's counters in CloudWatch (see the realtime dashboard's data quality row).
JOB_OUTPUT_AGE_BY_QUEUE = f"""
SELECT queue_name AS "queue", max(time) AS "newest snapshot",
       date_diff('second', max(time), now()) AS "age"
FROM $__database.{JOB_AGENTS}
WHERE {AGENT_FILTER}
GROUP BY queue_name
ORDER BY queue_name
"""

# --- Connect's own figures (persist_instance_data: GetCurrentMetricData every minute) ------------------------

# Per queue, an agent is counted on each channel its routing profile serves: the largest channel's count is the
# queue's (the job counts an agent once per queue).
AGENTS_JOB_VS_CONNECT = f"""
WITH connect AS (
  SELECT time, queue_name, max(agents_online) AS online, max(agents_available) AS available,
         max(agents_on_contact) AS on_contact
  FROM $__database.{CONNECT_CURRENT}
  WHERE {CONNECT_QUEUE_FILTER}
  GROUP BY time, queue_name
), job AS (
  SELECT time, queue_name, sum(agents_online) AS online, sum(agents_available) AS available,
         sum(agents_on_contact) AS on_contact
  FROM $__database.{JOB_AGENTS}
  WHERE {AGENT_FILTER}
  GROUP BY time, queue_name
)
SELECT c.time, c.online AS "online (Connect)", j.online AS "online (job)",
       c.available AS "available (Connect)", j.available AS "available (job)",
       c.on_contact AS "on contact (Connect)", j.on_contact AS "on contact (job)"
FROM connect c LEFT JOIN job j ON j.time = c.time AND j.queue_name = c.queue_name
ORDER BY c.time
"""

# Instance-wide agents: Connect's GetCurrentMetricData without grouping (persist_instance_data's instance_current
# rows) counts each agent once, whatever the queues of its routing profile; summing agent_state_by_queue would not.
INSTANCE_AGENTS_NOW = f"""
SELECT sum(agents_online) AS "online", sum(agents_available) AS "available", sum(agents_on_contact) AS "on contact",
       sum(agents_after_contact_work) AS "after-contact work", sum(agents_non_productive) AS "non-productive",
       sum(agents_error) AS "error", sum(agents_staffed) AS "staffed"
FROM $__database.{CONNECT_CURRENT}
WHERE time > ago(5m) AND measure_name = 'instance_current' AND {INSTANCE}
  AND time = (SELECT max(time) FROM $__database.{CONNECT_CURRENT}
              WHERE time > ago(5m) AND measure_name = 'instance_current' AND {INSTANCE})
"""

CONNECT_QUEUE_NOW = f"""
SELECT sum(contacts_in_queue) AS "contacts in queue", max(oldest_contact_age_seconds) AS "oldest contact"
FROM $__database.{CONNECT_CURRENT}
WHERE {CONNECT_QUEUE_FILTER}
  AND time = (SELECT max(time) FROM $__database.{CONNECT_CURRENT} WHERE {CONNECT_QUEUE_FILTER})
"""

CONNECT_IN_QUEUE_OVER_TIME = f"""
SELECT time, sum(contacts_in_queue) AS "contacts in queue", max(oldest_contact_age_seconds) AS "oldest contact"
FROM $__database.{CONNECT_CURRENT}
WHERE {CONNECT_QUEUE_FILTER}
GROUP BY time
ORDER BY time
"""

# The job's live queue (queue_contacts_waiting, every 10 s) beside Connect's GetCurrentMetricData for the same
# minute: the job computes In queue / Oldest from contact events, Connect reports its own.
WAITING_JOB_VS_CONNECT = f"""
WITH connect AS (
  SELECT time, sum(contacts_in_queue) AS in_queue, max(oldest_contact_age_seconds) AS oldest
  FROM $__database.{CONNECT_CURRENT}
  WHERE {CONNECT_QUEUE_FILTER}
  GROUP BY time
), job AS (
  SELECT time, sum(contacts_in_queue) AS in_queue, max(oldest_contact_age_seconds) AS oldest
  FROM $__database.{JOB_WAITING}
  WHERE $__timeFilter AND measure_name = 'contacts_waiting' AND {CONTACT_SCOPE}
  GROUP BY time
)
SELECT c.time, c.in_queue AS "in queue (Connect)", j.in_queue AS "in queue (job)",
       c.oldest AS "oldest (Connect)", j.oldest AS "oldest (job)"
FROM connect c LEFT JOIN job j ON j.time = c.time
ORDER BY c.time
"""

# --- the same figures from Timestream (recent) and Athena (history) ------------------------------------------

RECENT_HOURLY_FIGURES = f"""
SELECT bin(time, 1h) AS time, sum(contacts_queued) AS "queued",
       sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS "abandonment rate",
       sum(service_level_${{sl}}s * contacts_queued) / nullif(sum(contacts_queued), 0) AS "service level",
       sum(handle_time_avg_seconds * contacts_handled) / nullif(sum(contacts_handled), 0) AS "handle time (avg)",
       sum(queue_wait_avg_seconds * contacts_handled) / nullif(sum(contacts_handled), 0) AS "queue wait (avg)"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
GROUP BY 1
ORDER BY 1
"""

RECENT_TOTALS = f"""
SELECT sum(contacts_queued) AS "queued", sum(contacts_handled) AS "handled",
       sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS "abandonment rate",
       sum(service_level_${{sl}}s * contacts_queued) / nullif(sum(contacts_queued), 0) AS "service level",
       sum(handle_time_avg_seconds * contacts_handled) / nullif(sum(contacts_handled), 0) AS "handle time (avg)"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
"""

CTR_CONTACTS = f"""
WITH delivered AS (
  SELECT *, row_number() OVER (PARTITION BY contactid
                               ORDER BY from_iso8601_timestamp(lastupdatetimestamp) DESC) AS copy
  FROM ctr
  WHERE dt BETWEEN date_format($__timeFrom(), '%Y-%m-%d')
               AND date_format($__timeTo() + INTERVAL '1' DAY, '%Y-%m-%d')
), contacts AS (
  SELECT from_iso8601_timestamp(disconnecttimestamp) AS disconnected, queue.duration AS queue_seconds,
         agent.connectedtoagenttimestamp IS NOT NULL AS handled,
         -- docs/METRICS.md: hung up in queue, not moved on (a callback or a queue transfer), not ended by a flow
         agent.connectedtoagenttimestamp IS NULL AND coalesce(nextcontactid, '') = ''
           AND coalesce(disconnectreason, 'CUSTOMER_DISCONNECT') = 'CUSTOMER_DISCONNECT' AS abandoned,
         coalesce(agent.agentinteractionduration, 0) + coalesce(agent.customerholdduration, 0)
           + coalesce(agent.aftercontactworkduration, 0) AS handle_seconds
  FROM delivered
  -- queued: a queue and an enqueue time (an outbound call carries its outbound queue, never queued)
  WHERE copy = 1 AND queue.arn IS NOT NULL AND queue.enqueuetimestamp IS NOT NULL
    AND disconnecttimestamp IS NOT NULL
    AND {selected("instance", "split_part(instancearn, '/', 2)")}
    AND {selected("queue", "queue.name")} AND {selected("channel", "upper(channel)")}
)"""


# Not $__timeFilter(disconnected): the Athena plugin writes that range in the Grafana server's local time.
IN_RANGE = "disconnected BETWEEN $__timeFrom() AND $__timeTo()"


def _ctr_figures(group: str) -> str:
    select_time = f"{group} AS time, " if group else ""
    tail = "GROUP BY 1\nORDER BY 1" if group else ""
    return f"""{CTR_CONTACTS}
SELECT {select_time}count(*) AS "queued", count_if(handled) AS "handled",
       CAST(count_if(abandoned) AS double) / nullif(count(*), 0) AS "abandonment rate",
       CAST(count_if(queue_seconds <= ${{sl}}) AS double) / nullif(count(*), 0) AS "service level",
       avg(CASE WHEN handled THEN handle_seconds END) AS "handle time (avg)",
       avg(CASE WHEN handled THEN queue_seconds END) AS "queue wait (avg)"
FROM contacts
WHERE {IN_RANGE}
{tail}"""


HISTORY_DAILY_FIGURES = _ctr_figures("date_trunc('day', disconnected)")
HISTORY_TOTALS = _ctr_figures("")

HISTORY_HANDLE_TIME_PERCENTILES = f"""{CTR_CONTACTS}
SELECT date_trunc('day', disconnected) AS time,
       approx_percentile(handle_seconds, 0.5) AS "p50", approx_percentile(handle_seconds, 0.9) AS "p90",
       approx_percentile(handle_seconds, 0.99) AS "p99"
FROM contacts
WHERE {IN_RANGE} AND handled
GROUP BY 1
ORDER BY 1
"""
