"""The dashboards show the right numbers: panel queries checked against what the pipeline wrote.

- The unified dashboard's two sources agree: the job's windows in Timestream and the CTR history in Athena give
  the same contacts, abandonment, service level and average handle time over the same hours.
- The real-time tiles show the newest snapshot; the stacked states add up as documented; the job-vs-Connect
  cross-check lines up the same minute of both.
- One meaning per label: "on contact" is Connect's (connected, on hold or in ACW) wherever it is shown, and the
  instance-wide agent count counts an agent once, although its routing profile serves two queues.
- A stopped job is red, not "no data"; Athena's figures do not depend on the Grafana server's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from grafana import sql
from grafana.local import dashboard, timestream
from grafana.local.interpolation import QueryContext
from grafana.local.timestream import _durations
from tests.grafana.conftest import MULTI_QUEUE_PROFILE, START, UNSTAFFED_QUEUE, JobRun
from tests.grafana.test_queries import DOCUMENTS, current_values

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
    assert columns == [
        "time",
        "available",
        "connected or on hold",
        "after-contact work",
        "non-productive",
        "error",
        "online",
    ]
    assert len(rows) > 300  # one point per 10 s snapshot over the hour
    assert all(row[2] >= 0 for row in rows), "connected or on hold excludes after-contact work, never below zero"
    assert any(row[6] > 0 for row in rows)


def test_job_and_connect_agree_in_the_cross_check(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    """Per queue, as the repeated queue row shows it; the unstaffed queue has Connect's zeros and no job row."""
    values = current_values(engine)
    for queue in values["queue"]:
        context = QueryContext(data_end - timedelta(hours=1), data_end, variables={**values, "queue": [queue]})
        columns, rows = dashboard.run(engine, TS, sql.AGENTS_JOB_VS_CONNECT, context)
        assert rows, queue
        for row in rows:
            got = dict(zip(columns, row, strict=True))
            if queue == UNSTAFFED_QUEUE:
                assert got["online (job)"] is None and got["online (Connect)"] == 0, got
            else:
                assert got["online (job)"] == got["online (Connect)"], got
                assert got["on contact (job)"] == got["on contact (Connect)"], got


def test_on_contact_is_connects_on_contact_on_every_panel(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    """Every column labelled "on contact" is agents_on_contact, which includes ACW (Connect's definition); the
    stacked chart splits it into "connected or on hold" and "after-contact work", which add up to it."""
    values = current_values(engine)
    snapshots = [r for r in timestream.final_state(job_run.rows) if r.table == "agent_state_by_queue"]
    on_contact = {}
    for r in snapshots:
        on_contact[r.time] = on_contact.get(r.time, 0) + r.measures["agents_on_contact"]
    context = QueryContext(data_end - timedelta(hours=1), data_end, timedelta(seconds=10), values)
    labelled = 0
    for query in dashboard.panel_queries("connect-realtime.json", DOCUMENTS["connect-realtime.json"]):
        if query.datasource_type != TS:
            continue
        tree = sqlglot.parse_one(_durations(timestream.to_timestream(query.sql, context, "db")), read="trino")
        for alias in tree.find_all(exp.Alias):
            if alias.alias.lower() == "on contact":
                labelled += 1
                shown = alias.this
                assert "agents_on_contact" in shown.sql() and not shown.find(exp.Sub), f"{query.id}: {shown.sql()}"
    assert labelled >= 3  # the queue table, the instance tile, the queue tile, the job-vs-Connect lines
    columns, rows = dashboard.run(engine, TS, sql.AGENT_STATES_OVER_TIME, context)
    assert "on contact" not in columns
    by_time = {r[0].replace(tzinfo=UTC): dict(zip(columns, r, strict=True)) for r in rows}
    assert any(on_contact[t] > 0 for t in by_time)
    for moment, row in by_time.items():
        assert row["connected or on hold"] + row["after-contact work"] == on_contact[moment], moment


def test_the_instance_wide_agent_count_counts_each_agent_once(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, lambda_rows: list[timestream.Row], data_end: datetime
) -> None:
    """Agents of the Sales + Support profile count in both queues' rows: their sum is not the instance's count."""
    values = current_values(engine)
    context = QueryContext(data_end - timedelta(hours=1), data_end, variables=values)
    tile = _one(engine, TS, sql.INSTANCE_AGENTS_NOW, context)
    wide = [r for r in lambda_rows if r.measure_name == "instance_current"]
    newest = max(r.time for r in wide)
    (connect,) = [r.measures for r in wide if r.time == newest]
    assert tile["online"] == connect["agents_online"] and tile["on contact"] == connect["agents_on_contact"]
    per_queue = sum(
        r.measures["agents_online"]
        for r in timestream.final_state(job_run.rows)
        if r.table == "agent_state_by_queue" and r.time == newest
    )
    assert per_queue > tile["online"] > 0, f"{MULTI_QUEUE_PROFILE} agents count twice in the queue rows"


def test_freshness_is_measured_from_the_dashboards_now(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    values = current_values(engine)
    context = QueryContext(data_end - timedelta(hours=1), data_end, variables=values)
    assert _one(engine, TS, sql.JOB_OUTPUT_AGE, context) == {"seconds since the newest snapshot": 30}
    later = QueryContext(data_end - timedelta(hours=1), data_end + timedelta(minutes=5), variables=values)
    assert _one(engine, TS, sql.JOB_OUTPUT_AGE, later) == {"seconds since the newest snapshot": 330}


def _shown(panel: dict, value: float) -> tuple[str, str]:
    """(text, colour) a stat shows for `value`: its value mappings first, else its thresholds."""
    defaults = panel["fieldConfig"]["defaults"]
    for mapping in defaults.get("mappings") or []:
        if mapping["type"] == "value" and str(int(value)) in mapping["options"]:
            result = mapping["options"][str(int(value))]
            return result["text"], result["color"]
    steps = [s for s in defaults["thresholds"]["steps"] if s["value"] is None or value >= s["value"]]
    return f"{value:g}", steps[-1]["color"]


@pytest.mark.parametrize(("hours_later", "shown"), [(2, ("7230", "red")), (48, ("none in 24 h", "red"))])
def test_a_stopped_job_is_red_not_no_data(
    engine: duckdb.DuckDBPyConnection, data_end: datetime, hours_later: int, shown: tuple[str, str]
) -> None:
    """Hours after the job's last output, with the dashboard's last hour empty: a value, and red."""
    (panel,) = [p for p in DOCUMENTS["connect-realtime.json"]["panels"] if p.get("title") == "Job output age"]
    now = data_end + timedelta(hours=hours_later)
    context = QueryContext(now - timedelta(hours=1), now, variables=current_values(engine))
    (value,) = _one(engine, TS, panel["targets"][0]["rawQuery"], context).values()
    assert value is not None and _shown(panel, value) == shown


ATHENA_PANELS = [
    q
    for q in dashboard.panel_queries("h", DOCUMENTS["connect-now-and-history.json"])
    if q.sql and q.datasource_type == ATHENA
]


@pytest.mark.parametrize("query", ATHENA_PANELS, ids=[q.panel for q in ATHENA_PANELS])
def test_athena_figures_do_not_depend_on_the_servers_time_zone(
    query: dashboard.PanelQuery, engine: duckdb.DuckDBPyConnection
) -> None:
    """The Athena plugin writes $__timeFilter's range in the server's local time: over half an hour of the day a
    Grafana server in New York would count other contacts (or none). The dashboards use $__timeFrom/$__timeTo."""
    start, end = START + timedelta(minutes=10), START + timedelta(minutes=40)
    results = []
    for zone in ("UTC", "America/New_York"):
        context = QueryContext(start, end, variables=current_values(engine), server_timezone=zone)
        results.append(dashboard.run(engine, ATHENA, query.sql, context)[1])
    assert results[0] and results[0] == results[1]
