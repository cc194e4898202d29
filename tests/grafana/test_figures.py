"""The dashboards show the right numbers: panel queries checked against what the pipeline wrote.

- The unified dashboard's two sources agree: the job's windows in Timestream and the CTR history in Athena give
  the same contacts, abandonment, service level and average handle time over the same hours.
- The real-time tiles show the newest snapshot; the stacked states add up as documented; the job-vs-Connect
  cross-check lines up the same minute of both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest

from grafana import sql
from grafana.local import dashboard
from grafana.local.interpolation import QueryContext
from tests.grafana.conftest import START, JobRun
from tests.grafana.test_queries import current_values

TS = "grafana-timestream-datasource"
ATHENA = "grafana-athena-datasource"


def _one(engine, source: str, query: str, context: QueryContext) -> dict[str, object]:
    columns, rows = dashboard.run(engine, source, query, context)
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


@pytest.mark.parametrize("threshold", ["20", "60"])
def test_timestream_and_athena_give_the_same_figures_for_the_same_hours(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime, threshold: str
) -> None:
    job_run.warn_if_contract("queue_contact_metrics")
    # Whole windows on both sides: the job's windows end on the minute; Athena filters on disconnect time.
    start, end = START, START + timedelta(minutes=50)
    values = current_values(engine, threshold)
    # Timestream: windows ending in (start, end]; Athena: disconnects in [start, end).
    recent_range = QueryContext(start + timedelta(seconds=1), end, variables=values)
    history_range = QueryContext(start, end - timedelta(microseconds=1), variables=values)
    recent = _one(engine, TS, sql.RECENT_TOTALS, recent_range)
    history = _one(engine, ATHENA, sql.HISTORY_TOTALS, history_range)
    assert recent["queued"] == history["queued"] > 0
    assert recent["handled"] == history["handled"]
    for figure in ("abandonment rate", "service level", "handle time (avg)"):
        assert recent[figure] == pytest.approx(history[figure], rel=1e-9), figure


def test_hourly_and_daily_series_agree_with_the_totals(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    job_run.warn_if_contract("queue_contact_metrics")
    values = current_values(engine)
    context = QueryContext(START - timedelta(hours=1), data_end + timedelta(hours=1), variables=values)
    columns, rows = dashboard.run(engine, ATHENA, sql.HISTORY_DAILY_FIGURES, context)
    total = _one(engine, ATHENA, sql.HISTORY_TOTALS, context)
    assert sum(r[columns.index("queued")] for r in rows) == total["queued"]
    columns, rows = dashboard.run(engine, TS, sql.RECENT_HOURLY_FIGURES, context)
    assert sum(r[columns.index("queued")] for r in rows) == _one(engine, TS, sql.RECENT_TOTALS, context)["queued"]


def test_agent_tiles_show_the_newest_snapshot(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    values = current_values(engine)
    newest = max(r.time for r in job_run.rows if r.table == "agent_state_by_queue")
    snapshot = [r for r in job_run.rows if r.table == "agent_state_by_queue" and r.time == newest]
    tiles = _one(engine, TS, sql.AGENTS_NOW, QueryContext(data_end - timedelta(hours=1), data_end, variables=values))
    assert tiles["online"] == sum(r.measures["agents_online"] for r in snapshot)
    assert tiles["after-contact work"] == sum(r.measures["agents_after_contact_work"] for r in snapshot)
    one_queue = {**values, "queue": [snapshot[0].dimensions["queue_name"]]}
    tiles = _one(engine, TS, sql.AGENTS_NOW, QueryContext(data_end - timedelta(hours=1), data_end, variables=one_queue))
    assert tiles["available"] == snapshot[0].measures["agents_available"]


def test_stacked_states_are_the_documented_parts(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    values = current_values(engine)
    context = QueryContext(data_end - timedelta(hours=1), data_end, timedelta(seconds=10), values)
    columns, rows = dashboard.run(engine, TS, sql.AGENT_STATES_OVER_TIME, context)
    assert columns == ["time", "available", "on contact", "after-contact work", "non-productive", "error", "online"]
    assert len(rows) > 300  # one point per 10 s snapshot over the hour
    assert all(row[2] >= 0 for row in rows), "on contact excludes after-contact work, never below zero"
    assert any(row[6] > 0 for row in rows)


def test_job_and_connect_agree_in_the_cross_check(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    values = current_values(engine)
    context = QueryContext(data_end - timedelta(hours=1), data_end, variables=values)
    columns, rows = dashboard.run(engine, TS, sql.AGENTS_JOB_VS_CONNECT, context)
    assert rows
    for row in rows:
        got = dict(zip(columns, row, strict=True))
        assert got["online (job)"] == got["online (Connect)"], got
        assert got["on contact (job)"] == got["on contact (Connect)"], got


def test_freshness_is_measured_from_the_dashboards_now(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    values = current_values(engine)
    context = QueryContext(data_end - timedelta(hours=1), data_end, variables=values)
    assert _one(engine, TS, sql.JOB_OUTPUT_AGE, context) == {"seconds since the newest snapshot": 30}
    later = QueryContext(data_end - timedelta(hours=1), data_end + timedelta(minutes=5), variables=values)
    assert _one(engine, TS, sql.JOB_OUTPUT_AGE, later) == {"seconds since the newest snapshot": 330}
