"""Every panel's SQL, one named unit each: Timestream (the job's and the Lambdas' tables) and Athena (CTR history).

Conventions, so that the same figure means the same thing everywhere (definitions: docs/METRICS.md):

- Timestream: `$__database.<table>`, `$__timeFilter`, `bin(time, $__interval_ms)`; template variables with the
  `sqlstring` format (`'a','b'`), always as `IN (...)` so multi-value and "All" work.
- Contact figures aggregated over several windows or queues are weighted by their own population: service
  level and abandonment by `contacts_queued`, handle time and queue wait by `contacts_handled`. That is exact
  (they are shares and means of those contacts); percentiles cannot be merged and are shown per queue.
- Athena: CTRs deduplicated by `contactid`, keeping the highest `lastupdatetimestamp` (re-deliveries), only
  those with a queue; windows on `disconnecttimestamp`; partitions pruned by `dt` (arrival date, on or after
  the disconnect date: one extra day is read at the end for late deliveries).
"""

from __future__ import annotations

JOB_AGENTS = "agent_state_by_queue"
JOB_CONTACTS = "queue_contact_metrics"
CONNECT_CURRENT = "instance_metrics"

AGENT_FILTER = (
    "$__timeFilter AND measure_name = 'agent_state' AND instance_id IN (${instance:sqlstring}) "
    "AND queue_name IN (${queue:sqlstring})"
)
CONTACT_FILTER = (
    "$__timeFilter AND measure_name = 'contact_metrics' AND instance_id IN (${instance:sqlstring}) "
    "AND queue_name IN (${queue:sqlstring}) AND channel IN (${channel:sqlstring})"
)
CONNECT_QUEUE_FILTER = (
    "$__timeFilter AND measure_name = 'queue_current' AND instance_id IN (${instance:sqlstring}) "
    "AND queue_name IN (${queue:sqlstring}) AND channel IN (${channel:sqlstring})"
)

# --- template variables -------------------------------------------------------------------------------------

VARIABLE_INSTANCE = f"SELECT DISTINCT instance_id FROM $__database.{JOB_AGENTS} WHERE $__timeFilter ORDER BY 1"
VARIABLE_QUEUE = (
    f"SELECT DISTINCT queue_name FROM $__database.{JOB_AGENTS} "
    "WHERE $__timeFilter AND instance_id IN (${instance:sqlstring}) ORDER BY 1"
)

# --- agents (the job) ---------------------------------------------------------------------------------------

AGENTS_NOW = f"""
SELECT sum(agents_online) AS "online", sum(agents_available) AS "available",
       sum(agents_on_contact) AS "on contact", sum(agents_after_contact_work) AS "after-contact work",
       sum(agents_non_productive) AS "non-productive", sum(agents_error) AS "error"
FROM $__database.{JOB_AGENTS}
WHERE {AGENT_FILTER}
  AND time = (SELECT max(time) FROM $__database.{JOB_AGENTS} WHERE {AGENT_FILTER})
"""

# Disjoint parts stacked (on contact excludes after-contact work, which is stacked on its own); `online` is the
# total, drawn as a line. Several instances' snapshots are summed first, then averaged over the bin.
AGENT_STATES_OVER_TIME = f"""
WITH snapshots AS (
  SELECT time, sum(agents_online) AS online, sum(agents_available) AS available,
         sum(agents_on_contact - agents_after_contact_work) AS talking,
         sum(agents_after_contact_work) AS acw, sum(agents_non_productive) AS non_productive,
         sum(agents_error) AS error
  FROM $__database.{JOB_AGENTS}
  WHERE {AGENT_FILTER}
  GROUP BY time
)
SELECT bin(time, $__interval_ms) AS time, avg(available) AS "available", avg(talking) AS "on contact",
       avg(acw) AS "after-contact work", avg(non_productive) AS "non-productive", avg(error) AS "error",
       avg(online) AS "online"
FROM snapshots
GROUP BY 1
ORDER BY 1
"""

JOB_OUTPUT_AGE = f"""
SELECT date_diff('second', max(time), now()) AS "seconds since the newest snapshot"
FROM $__database.{JOB_AGENTS}
WHERE {AGENT_FILTER}
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

SERVICE_LEVEL_LAST_15_MIN = f"""
SELECT sum(service_level_${{sl}}s * contacts_queued) / nullif(sum(contacts_queued), 0) AS "service level"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER} AND time > ago(15m)
"""

ABANDONMENT_OVER_TIME = f"""
SELECT bin(time, $__interval_ms) AS time, sum(contacts_abandoned) AS "abandoned",
       sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS "abandonment rate"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER}
GROUP BY 1
ORDER BY 1
"""

ABANDONMENT_LAST_15_MIN = f"""
SELECT sum(contacts_abandoned) / nullif(CAST(sum(contacts_queued) AS double), 0) AS "abandonment rate"
FROM $__database.{JOB_CONTACTS}
WHERE {CONTACT_FILTER} AND time > ago(15m)
"""

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

CTR_CONTACTS = """
WITH delivered AS (
  SELECT *, row_number() OVER (PARTITION BY contactid
                               ORDER BY from_iso8601_timestamp(lastupdatetimestamp) DESC) AS copy
  FROM ctr
  WHERE dt BETWEEN date_format($__timeFrom(), '%Y-%m-%d')
               AND date_format($__timeTo() + INTERVAL '1' DAY, '%Y-%m-%d')
), contacts AS (
  SELECT from_iso8601_timestamp(disconnecttimestamp) AS disconnected, queue.duration AS queue_seconds,
         agent.connectedtoagenttimestamp IS NOT NULL AS handled,
         coalesce(agent.agentinteractionduration, 0) + coalesce(agent.customerholdduration, 0)
           + coalesce(agent.aftercontactworkduration, 0) AS handle_seconds
  FROM delivered
  WHERE copy = 1 AND queue.arn IS NOT NULL AND disconnecttimestamp IS NOT NULL
    AND split_part(instancearn, '/', 2) IN (${instance:sqlstring})
    AND queue.name IN (${queue:sqlstring}) AND channel IN (${channel:sqlstring})
)"""


def _ctr_figures(group: str) -> str:
    select_time = f"{group} AS time, " if group else ""
    tail = "GROUP BY 1\nORDER BY 1" if group else ""
    return f"""{CTR_CONTACTS}
SELECT {select_time}count(*) AS "queued", count_if(handled) AS "handled",
       CAST(count(*) - count_if(handled) AS double) / count(*) AS "abandonment rate",
       CAST(count_if(queue_seconds <= ${{sl}}) AS double) / count(*) AS "service level",
       avg(CASE WHEN handled THEN handle_seconds END) AS "handle time (avg)",
       avg(CASE WHEN handled THEN queue_seconds END) AS "queue wait (avg)"
FROM contacts
WHERE $__timeFilter(disconnected)
{tail}"""


HISTORY_DAILY_FIGURES = _ctr_figures("date_trunc('day', disconnected)")
HISTORY_TOTALS = _ctr_figures("")

HISTORY_HANDLE_TIME_PERCENTILES = f"""{CTR_CONTACTS}
SELECT date_trunc('day', disconnected) AS time,
       approx_percentile(handle_seconds, 0.5) AS "p50", approx_percentile(handle_seconds, 0.9) AS "p90",
       approx_percentile(handle_seconds, 0.99) AS "p99"
FROM contacts
WHERE $__timeFilter(disconnected) AND handled
GROUP BY 1
ORDER BY 1
"""
