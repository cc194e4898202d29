"""The supervisor's per-queue table ("Queues now") shows, per queue of the instance, what the pipeline wrote.

Expected values are recomputed here in Python from the job's own records (their final versions), never from the
table's SQL. Figures from a view the job does not write yet skip, naming it; the fallbacks (Connect's In queue /
Oldest, the 60 s windows for the last 15 minutes) are checked with the job's view emptied inside a transaction
that is rolled back, as if the job had not written it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pytest

from grafana import datasources, targets, wallboard
from grafana.build import DASHBOARDS
from grafana.local import dashboard, timestream
from grafana.local.interpolation import QueryContext
from grafana.targets import Targets
from tests.grafana.conftest import UNSTAFFED_QUEUE, JobRun
from tests.grafana.test_queries import all_selected

TS = datasources.TIMESTREAM.type
DB = datasources.TIMESTREAM_DATABASE
BOARD = json.loads((DASHBOARDS / "connect-realtime.json").read_text())
(TABLE,) = [q for q in dashboard.panel_queries("connect-realtime.json", BOARD) if q.panel == "Queues now"]
DEFAULT = targets.load().default


def run_table(engine: duckdb.DuckDBPyConnection, now: datetime, sql: str = TABLE.sql) -> dict[str, dict[str, Any]]:
    context = QueryContext(now - timedelta(hours=1), now, variables=all_selected(), all_values=TABLE.all_values)
    columns, rows = dashboard.run(engine, TS, sql, context)
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


@contextmanager
def without(engine: duckdb.DuckDBPyConnection, *tables: str) -> Iterator[None]:
    """The job's `tables` emptied for the duration: what the dashboards see from a job that does not write them."""
    engine.execute("BEGIN TRANSACTION")
    try:
        for table in tables:
            engine.execute(f'DELETE FROM "{DB}"."{table}"')
        yield
    finally:
        engine.execute("ROLLBACK")


def final(job_run: JobRun, table: str) -> list[timestream.Row]:
    return [r for r in timestream.final_state(job_run.rows) if r.table == table]


def band(text: str | None) -> str | None:
    return text.split(wallboard.SEPARATOR)[0] if text else None


def figures(rows: list[timestream.Row], queue_targets: Targets) -> dict[str, dict[str, float | None]]:
    """Per queue, the table's contact figures of `rows`, each weighted by its own population."""
    out: dict[str, dict[str, float | None]] = {}
    for queue in {r.dimensions["queue_name"] for r in rows}:
        mine = [r.measures for r in rows if r.dimensions["queue_name"] == queue]
        column = queue_targets.of(queue).service_level_column
        queued, handled = sum(m["contacts_queued"] for m in mine), sum(m["contacts_handled"] for m in mine)
        out[queue] = {
            "queued": queued,
            "handled": handled,
            "abandoned": sum(m["contacts_abandoned"] for m in mine),
            "abandonment": sum(m["contacts_abandoned"] for m in mine) / queued if queued else None,
            "service level": sum(m[column] * m["contacts_queued"] for m in mine if column in m) / queued
            if queued
            else None,
            "aht": sum(m["handle_time_avg_seconds"] * m["contacts_handled"] for m in mine if m["contacts_handled"])
            / handled
            if handled
            else None,
            "answer": sum(m["queue_wait_avg_seconds"] * m["contacts_handled"] for m in mine if m["contacts_handled"])
            / handled
            if handled
            else None,
        }
    return out


def last_15_minutes(job_run: JobRun, rolling: bool = False, now: datetime | None = None) -> list[timestream.Row]:
    """The windows of the table's last 15 minutes: up to the rolling view's newest end T (not after `now`: a replay
    writes rolling rows past its input's end) when it is shown, else up to the newest window end."""
    windows = final(job_run, "queue_contact_metrics")
    rolling_rows = final(job_run, "queue_contact_metrics_rolling") if rolling else []
    ends = [r.time for r in rolling_rows if now is None or r.time <= now]
    newest = max(ends or [r.time for r in windows])
    return [r for r in windows if newest - timedelta(minutes=15) < r.time <= newest]


def assert_contact_columns(row: dict[str, Any], period: str, expected: dict[str, float | None]) -> None:
    assert row[f"Queued {period}"] == expected["queued"]
    assert row[f"Handled {period}"] == expected["handled"]
    assert row[f"Abandoned {period}"] == expected["abandoned"]
    assert row[f"AHT {period}"] == pytest.approx(expected["aht"])
    assert row[f"Answer time {period}"] == pytest.approx(expected["answer"])
    for column, value in (("Service level", expected["service level"]), ("Abandonment", expected["abandonment"])):
        shown = row[f"{column} {period}"]
        assert (shown is None) == (value is None), column
        if value is not None:
            assert shown.split(wallboard.SEPARATOR)[1] == f"{round(value * 100)} %", column


@pytest.mark.parametrize("minutes_before_the_end", [0, 35])
def test_one_row_per_queue_of_the_instance_staffed_or_not(
    minutes_before_the_end: int, engine: duckdb.DuckDBPyConnection, data_end: datetime, topology: Any
) -> None:
    """Also in the first hour of the job's output, when its live queue still has rows of queues it had no name for
    (contact events carry none): they are not a queue of their own (the rows count under the queue's name)."""
    now = data_end - timedelta(minutes=minutes_before_the_end)
    assert sorted(run_table(engine, now)) == sorted(q.name for q in topology.queues)


def test_agents_are_the_newest_snapshot_and_zero_where_nobody_is_staffed(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    snapshots = final(job_run, "agent_state_by_queue")
    newest = max(r.time for r in snapshots)
    expected = {r.dimensions["queue_name"]: r.measures for r in snapshots if r.time == newest}
    table = run_table(engine, data_end)
    for queue, row in table.items():
        for measure, label in wallboard.AGENT_COLUMNS:
            assert row[label] == expected.get(queue, {}).get(measure, 0), (queue, label)
    assert all(table[UNSTAFFED_QUEUE][label] == 0 for _, label in wallboard.AGENT_COLUMNS)


def test_in_queue_and_oldest_fall_back_to_connects_figures(
    engine: duckdb.DuckDBPyConnection, lambda_rows: list[timestream.Row], data_end: datetime
) -> None:
    connect = [r for r in lambda_rows if r.measure_name == "queue_current"]
    newest = max(r.time for r in connect)
    with without(engine, "queue_contacts_waiting"):
        table = run_table(engine, data_end)
    for queue, row in table.items():
        mine = [r.measures for r in connect if r.time == newest and r.dimensions["queue_name"] == queue]
        assert row["In queue"] == sum(m["contacts_in_queue"] for m in mine), queue
        oldest = max(m["oldest_contact_age_seconds"] for m in mine)
        assert row["Oldest"] == f"green|0:{oldest:02.0f}", queue  # 12 s: below every default warning


def test_in_queue_and_oldest_are_the_jobs_live_queue_where_it_has_it(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    job_run.require("queue_contacts_waiting")
    waiting = [r for r in final(job_run, "queue_contacts_waiting") if r.time <= data_end]
    newest = max(r.time for r in waiting)  # a replay writes the live queue on past its input's end
    # Contact events carry no queue names: a row is named "" until an agent event or a CTR names its queue;
    # the dashboard names it by its id from the other tables.
    names = {
        r.dimensions["queue_id"]: r.dimensions["queue_name"]
        for r in job_run.rows
        if r.table in ("agent_state_by_queue", "queue_contact_metrics") and r.dimensions["queue_name"]
    }

    def name(row: timestream.Row) -> str:
        return row.dimensions["queue_name"] or names[row.dimensions["queue_id"]]

    table = run_table(engine, data_end)
    for queue in {name(r) for r in waiting}:
        mine = [r.measures for r in waiting if r.time == newest and name(r) == queue]
        assert table[queue]["In queue"] == sum(m["contacts_in_queue"] for m in mine), queue
        oldest = round(max(m["oldest_contact_age_seconds"] for m in mine))
        assert table[queue]["Oldest"].endswith(f"{oldest // 60}:{oldest % 60:02d}"), queue


def test_cells_are_coloured_by_each_queues_own_targets(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    """Connect's oldest contact is 12 s in every queue: the same figure is red, amber or green by queue."""
    custom = targets.parse(
        {
            "default": {**vars(DEFAULT), "oldest_contact_warning_seconds": 60, "oldest_contact_critical_seconds": 120},
            "queues": {
                "Sales": {"oldest_contact_warning_seconds": 5, "oldest_contact_critical_seconds": 10},
                "Support": {"oldest_contact_warning_seconds": 10, "oldest_contact_critical_seconds": 30},
            },
        }
    )
    with without(engine, "queue_contacts_waiting"):
        table = run_table(engine, data_end, wallboard.queue_table_sql(custom))
    assert {q: band(r["Oldest"]) for q, r in table.items()} == {
        "Sales": "red",
        "Support": "amber",
        "Billing": "green",
        UNSTAFFED_QUEUE: "green",
    }


def test_the_last_15_minutes_are_the_windows_of_the_newest_quarter_hour(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    queue_targets = targets.load()
    expected = figures(last_15_minutes(job_run), queue_targets)
    with without(engine, "queue_contact_metrics_rolling"):
        table = run_table(engine, data_end)
    assert expected, "contacts in the last 15 minutes of the simulated hour"
    for queue, row in table.items():
        if queue in expected:
            assert_contact_columns(row, "15 min", expected[queue])
        else:
            assert row["Queued 15 min"] is None and row["Service level 15 min"] is None
    bands = {band(row["Service level 15 min"]) for row in table.values()} - {None}
    for queue, row in table.items():
        value = expected.get(queue, {}).get("service level")
        if value is not None:
            mine = queue_targets.of(queue)
            want = (
                "green"
                if value >= mine.service_level_target
                else "red"
                if value < mine.service_level_critical
                else "amber"
            )
            assert band(row["Service level 15 min"]) == want, queue
    assert bands, "some service level is shown"


def test_the_last_15_minutes_are_the_rolling_view_once_the_job_writes_it(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    """The rolling figure at its newest end T is over the contacts of [T - 900 s, T): the job's 60 s windows
    ending in (T - 900 s, T] hold exactly those, so they give the expected figures."""
    job_run.require("queue_contact_metrics_rolling")
    expected = figures(last_15_minutes(job_run, rolling=True, now=data_end), targets.load())
    table = run_table(engine, data_end)
    for queue, values in expected.items():
        assert_contact_columns(table[queue], "15 min", values)


def test_today_is_the_jobs_daily_view(engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime) -> None:
    job_run.require("queue_contact_metrics_daily")
    daily = final(job_run, "queue_contact_metrics_daily")
    newest = max(r.time for r in daily)
    expected = figures([r for r in daily if r.time == newest], targets.load())
    table = run_table(engine, data_end)
    for queue, values in expected.items():
        assert_contact_columns(table[queue], "today", values)


def test_max_queued_is_the_longest_time_in_queue(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    recent = last_15_minutes(job_run, rolling=True, now=data_end)
    if not any("queue_time_max_seconds" in r.measures for r in recent):
        pytest.skip("the job does not write queue_time_max_seconds yet")
    table = run_table(engine, data_end)
    for queue in {r.dimensions["queue_name"] for r in recent}:
        longest = max(
            r.measures.get("queue_time_max_seconds", 0) for r in recent if r.dimensions["queue_name"] == queue
        )
        assert table[queue]["Max queued 15 min"] == longest, queue
