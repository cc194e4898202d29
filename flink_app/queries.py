"""The job's SQL, one named function per step, each returning a statement over the previous views."""

from flink_app.config import MetricsConfig
from flink_app.parsing import PARSED_COLUMNS

PARSED_VIEW = "parsed_records"
AGENT_EVENTS = "agent_events"
LATEST_AGENT_STATE = "latest_agent_state"


def parsed_records(source_table: str) -> str:
    columns = ", ".join(f"p.{c}" for c in PARSED_COLUMNS)
    return (
        f"SELECT event_time, {columns} FROM {source_table}, "
        f"LATERAL TABLE(parse_connect_record(data)) AS p({', '.join(PARSED_COLUMNS)})"
    )


def agent_event_rows() -> str:
    """Agent events, with the fields the snapshots need; `event_time` is their `EventTimestamp`."""
    return (
        "SELECT event_time, event_id, event_type, event_ms, agent_id, instance_id, status_type, "
        "has_contacts, on_contact, in_acw, in_error, queues "
        f"FROM {PARSED_VIEW} WHERE kind = 'agent_event'"
    )


def latest_agent_state(metrics: MetricsConfig) -> str:
    """Each agent's latest event in [T - stale_after, T) for every boundary T (a hopping window).

    Duplicates of one event share its time and contents, so keeping one row per agent also drops them.
    """
    slide, size = metrics.agent_state_interval_seconds, metrics.agent_state_stale_after_seconds
    return f"""
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (
    PARTITION BY window_start, window_end, agent_id ORDER BY event_time DESC) AS rn
  FROM TABLE(HOP(TABLE {AGENT_EVENTS}, DESCRIPTOR(event_time),
    INTERVAL '{slide}' SECOND(6), INTERVAL '{size}' SECOND(6)))
) WHERE rn = 1"""


def agent_state_by_queue() -> str:
    """Counts per queue of the agents whose latest state puts them in that queue at T."""
    return f"""
SELECT
  window_end AS snapshot_time,
  instance_id,
  q.queue_id,
  q.queue_name,
  COUNT(*) AS agents_online,
  SUM(CASE WHEN status_type = 'ROUTABLE' AND NOT has_contacts THEN 1 ELSE 0 END) AS agents_available,
  SUM(CASE WHEN on_contact THEN 1 ELSE 0 END) AS agents_on_contact,
  SUM(CASE WHEN in_acw THEN 1 ELSE 0 END) AS agents_after_contact_work,
  SUM(CASE WHEN status_type = 'CUSTOM' THEN 1 ELSE 0 END) AS agents_non_productive,
  SUM(CASE WHEN in_error THEN 1 ELSE 0 END) AS agents_error,
  SUM(CASE WHEN status_type <> 'CUSTOM' THEN 1 ELSE 0 END) AS agents_staffed
FROM {LATEST_AGENT_STATE} CROSS JOIN UNNEST(queues) AS q (queue_id, queue_name)
WHERE event_type <> 'LOGOUT' AND status_type <> 'OFFLINE'
GROUP BY window_start, window_end, instance_id, q.queue_id, q.queue_name"""
