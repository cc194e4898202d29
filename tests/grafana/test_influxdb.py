"""The InfluxDB dashboard's InfluxQL, run as it is on a real InfluxDB holding what the job's InfluxDB sink wrote over
the simulated hour (conftest `influx_run`), and its figures held equal to the Timestream dashboard's.

No translation: only what Grafana itself does to a target (its variables, its backend's `$timeFilter` and
`$__interval`, grafana/local/influxql.py) happens before the query reaches `influxd`, and any error InfluxDB
answers fails the test. Every panel target and variable query must return rows over the hour, with the variables
as a dashboard opens ("All"), and must run with each queue selected on its own (the repeated queue row) and with
"All" listing nothing.

Where the two dashboards show the same figure, the values must agree, at the end of the hour and half-way through
it (where the agents are busy): the stats of both 15-minute figures, agents now, the job's output age, the per-window
series, queue wait, and the per-queue table's columns. What InfluxQL cannot say the same way is named where it is
compared (grafana/README.md lists it).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pytest

from grafana import datasources, figures, influxql, realtime, targets, variables, wallboard
from grafana.build import DASHBOARDS
from grafana.local import dashboard
from grafana.local import influxql as local_influxql
from grafana.local.interpolation import ALL, QueryContext, referenced_variables
from grafana.panels import sql as dedent
from tests.grafana.conftest import START, InfluxRun

NAME = f"{realtime.uid(figures.INFLUXDB)}.json"
DOCUMENT = json.loads((DASHBOARDS / NAME).read_text())
TIMESTREAM_DOCUMENT = json.loads((DASHBOARDS / f"{realtime.UID}.json").read_text())
QUERIES = [q for q in dashboard.panel_queries(NAME, DOCUMENT) if q.datasource_type == datasources.INFLUXDB.type]
VARIABLES = [v for v in dashboard.variable_queries(DOCUMENT) if v[1] == datasources.INFLUXDB.type]
RANGE = timedelta(hours=1)
CASES = [
    (q, threshold)
    for q in QUERIES
    for threshold in (variables.SERVICE_LEVEL_THRESHOLDS if "sl" in referenced_variables(q.text) else ("20",))
]


def all_selected(threshold: str = "20") -> dict[str, list[str]]:
    return {"instance": [ALL], "queue": [ALL], "channel": [ALL], "sl": [threshold]}


def influx(run: InfluxRun, query: dashboard.PanelQuery, context: QueryContext) -> list[dict[str, Any]]:
    return local_influxql.rows(local_influxql.run(run.url, run.database, query.text, context))


def test_every_timestream_panel_is_a_figure_with_its_influxql_or_the_reason_beside_it() -> None:
    """The two dashboards come from the same panel definitions: each Timestream query of the real-time dashboard is
    a figure's (or the queue table's), and the InfluxDB dashboard runs that figure's InfluxQL in the same place or
    says there why it cannot."""
    by_sql = {dedent(f.timestream): f for f in figures.ALL}
    influx_panels = DOCUMENT["panels"]
    for index, panel in enumerate(TIMESTREAM_DOCUMENT["panels"]):
        mine = influx_panels[index]
        assert mine["gridPos"] == panel["gridPos"], panel["title"]
        for target in panel.get("targets", []):
            if target["datasource"]["type"] != datasources.TIMESTREAM.type or panel["title"] == wallboard.TITLE:
                continue
            figure = by_sql[target["rawQuery"]]
            if isinstance(figure.influxql, influxql.LeftOut):
                assert mine["type"] == "text" and figure.influxql.reason in mine["options"]["content"]
            else:
                assert [t["query"] for t in mine["targets"]] == [dedent(figure.influxql.query)], panel["title"]
    assert {q.datasource_type for q in dashboard.panel_queries(NAME, DOCUMENT)} == {
        datasources.INFLUXDB.type,
        datasources.CLOUDWATCH.type,
    }


@pytest.mark.parametrize(("query", "threshold"), CASES, ids=[f"{q.id} sl={t}" for q, t in CASES])
def test_every_influxql_query_runs_on_influxdb_and_returns_rows(
    query: dashboard.PanelQuery, threshold: str, influx_run: InfluxRun
) -> None:
    context = query.context(influx_run.data_end, RANGE, all_selected(threshold))
    found = influx(influx_run, query, context)
    assert found, f"{query.id} returned no rows over the simulated hour:\n{query.text}"


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_every_influxql_query_runs_for_each_queue_and_when_all_lists_nothing(
    query: dashboard.PanelQuery, influx_run: InfluxRun, topology: Any
) -> None:
    """Each queue on its own, as the repeated queue row asks (the variables' regex format: escaped, no `(...)`);
    "All" with nothing listed (nobody logged in yet), where `.*` still matches every row."""
    for queue in sorted(q.name for q in topology.queues):
        influx(influx_run, query, query.context(influx_run.data_end, RANGE, {**all_selected(), "queue": [queue]}))
    nothing = {"instance": [], "queue": [], "channel": []}
    assert influx(influx_run, query, query.context(influx_run.data_end, RANGE, all_selected(), options=nothing))


@pytest.mark.parametrize("case", VARIABLES, ids=[v[0] for v in VARIABLES])
def test_variable_query_lists_every_instance_and_queue_the_job_wrote(
    case: tuple[str, str, str], influx_run: InfluxRun, topology: Any
) -> None:
    """As Grafana's backend reads a variable query: the first series of the answer only (grafana/influxql.py)."""
    name, source_type, text = case
    expected = {
        "instance": [topology.instance_arn.rsplit("/", 1)[-1]],
        "queue": sorted(q.name for q in topology.queues),  # Retention too: nobody staffs it, contacts came
    }
    context = dashboard.PanelQuery("", "", "", source_type, {}, None, None, dashboard.all_values(DOCUMENT)).context(
        influx_run.data_end, RANGE, all_selected()
    )
    series = local_influxql.run(influx_run.url, influx_run.database, text, context)
    assert sorted(local_influxql.variable_values(series)) == expected[name]


def test_an_influxql_error_fails_the_query(influx_run: InfluxRun) -> None:
    """InfluxDB answers a bad statement with HTTP 200 and an error in its result: it must not read as no data."""
    context = QueryContext(influx_run.data_end - RANGE, influx_run.data_end, variables=all_selected())
    with pytest.raises(local_influxql.InfluxQLError, match="subqueries must be ordered"):
        broken = influxql.JOB_OUTPUT_AGE.query.replace(') WHERE "snapshots" = 0 ORDER BY time DESC', ")")
        local_influxql.run(influx_run.url, influx_run.database, broken, context)
    with pytest.raises(local_influxql.InfluxQLError):
        local_influxql.run(influx_run.url, influx_run.database, 'SELECT sum( FROM "agent_state_by_queue"', context)


# --- the same figures on both dashboards ---------------------------------------------------------------------


def _panel_query(document: dict[str, Any], name: str, title: str, ref_id: str = "A") -> dashboard.PanelQuery:
    found = [q for q in dashboard.panel_queries(name, document) if q.panel == title and q.ref_id == ref_id]
    assert len(found) == 1, f"{name}: no single panel {title!r} [{ref_id}]"
    return found[0]


def _plain(value: Any) -> Any:
    """A cell as a comparable value: times as epoch ms, numbers as floats."""
    if isinstance(value, datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp() * 1000)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _timestream(engine: duckdb.DuckDBPyConnection, query: dashboard.PanelQuery, context: QueryContext) -> list[dict]:
    columns, rows = dashboard.run(engine, query.datasource_type, query.sql, context)
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)
    return expected == actual


def _contexts(
    timestream_query: dashboard.PanelQuery, influx_query: dashboard.PanelQuery, now: datetime, selection: dict
) -> tuple[QueryContext, QueryContext]:
    return (
        timestream_query.context(now, RANGE, selection),
        influx_query.context(now, RANGE, selection),
    )


MIDWAY = START + timedelta(minutes=30, seconds=35)  # agents busy, contacts waiting; not on a snapshot boundary
MOMENTS = {"end": None, "midway": MIDWAY}
STATS = ["Service level, last 15 min", "Abandonment, last 15 min", "Job output age", "Agents now — $queue"]
SERIES = {  # time series: (the key columns of a row, the figures)
    "Service level within ${sl} s": (("time",), ("service level",)),
    "Abandonment": (("time",), ("abandoned", "abandonment rate")),
    "Contacts per window": (("time",), ("queued", "handled", "abandoned")),
    "Agent states — $queue": (
        ("time",),
        ("available", "connected or on hold", "after-contact work", "non-productive", "error", "online"),
    ),
    "Queue wait of handled contacts": (("time", "queue_name", "channel"), ("average", "p90")),
}
SELECTIONS = {"All": {}, "Sales": {"queue": ["Sales"]}, "Sales+Billing, VOICE": {"queue": ["Sales", "Billing"]}}
SELECTIONS["Sales+Billing, VOICE"]["channel"] = ["VOICE"]


def _moment(influx_run: InfluxRun, data_end: datetime, moment: str) -> datetime:
    assert influx_run.data_end == data_end, "the two replays of the same hour end at the same snapshot"
    return MOMENTS[moment] or data_end


# Job output age only at the end: half-way, Timestream's query counts from the newest snapshot even when it is after
# that moment (live, none is), InfluxQL's from the newest before the end of the range.
STAT_CASES = [(t, m) for t in STATS for m in MOMENTS if t != "Job output age" or m == "end"]


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("threshold", variables.SERVICE_LEVEL_THRESHOLDS)
@pytest.mark.parametrize(("title", "moment"), STAT_CASES, ids=[f"{t}-{m}" for t, m in STAT_CASES])
def test_stats_agree_with_the_timestream_dashboard(
    title: str,
    threshold: str,
    selection: str,
    moment: str,
    engine: duckdb.DuckDBPyConnection,
    influx_run: InfluxRun,
    data_end: datetime,
) -> None:
    ts_query = _panel_query(TIMESTREAM_DOCUMENT, realtime.UID, title)
    in_query = _panel_query(DOCUMENT, NAME, title)
    now = _moment(influx_run, data_end, moment)
    ts_context, in_context = _contexts(ts_query, in_query, now, {**all_selected(threshold), **SELECTIONS[selection]})
    expected = _timestream(engine, ts_query, ts_context)
    actual = influx(influx_run, in_query, in_context)
    assert len(expected) == 1 and len(actual) <= 1
    expected_figures = {k: v for k, v in expected[0].items() if v is not None}
    actual_figures = {k: _plain(v) for row in actual for k, v in row.items() if k != "time" and v is not None}
    assert expected_figures, f"{title} is empty on Timestream: compare something"
    assert set(actual_figures) == set(expected_figures), (expected_figures, actual_figures)
    wrong = {k: (v, actual_figures[k]) for k, v in expected_figures.items() if not _same(v, actual_figures[k])}
    assert not wrong, f"{title} at {now:%H:%M:%S} (Timestream, InfluxDB): {wrong}"


def _keyed(rows: list[dict], keys: tuple[str, ...], values: tuple[str, ...]) -> dict[tuple, tuple]:
    return {tuple(_plain(r[k]) for k in keys): tuple(_plain(r.get(v)) for v in values) for r in rows}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("title", SERIES)
def test_time_series_agree_with_the_timestream_dashboard(
    title: str,
    selection: str,
    moment: str,
    engine: duckdb.DuckDBPyConnection,
    influx_run: InfluxRun,
    data_end: datetime,
) -> None:
    """The same buckets ($__interval, epoch-aligned in both) with the same figures, row for row."""
    ts_query, in_query = _panel_query(TIMESTREAM_DOCUMENT, realtime.UID, title), _panel_query(DOCUMENT, NAME, title)
    now = _moment(influx_run, data_end, moment)
    ts_context, in_context = _contexts(ts_query, in_query, now, {**all_selected(), **SELECTIONS[selection]})
    keys, values = SERIES[title]
    expected = _keyed(_timestream(engine, ts_query, ts_context), keys, values)
    actual = _keyed(influx(influx_run, in_query, in_context), keys, values)
    assert expected, f"{title}: nothing to compare"
    assert set(actual) == set(expected), sorted(set(actual) ^ set(expected))[:5]
    wrong = {k: (v, actual[k]) for k, v in expected.items() if not all(map(_same, v, actual[k]))}
    assert not wrong, sorted(wrong.items())[:5]


def test_job_output_age_by_queue_agrees_with_the_timestream_dashboard(
    engine: duckdb.DuckDBPyConnection, influx_run: InfluxRun, data_end: datetime
) -> None:
    title = "Job output age by queue"
    ts_query, in_query = _panel_query(TIMESTREAM_DOCUMENT, realtime.UID, title), _panel_query(DOCUMENT, NAME, title)
    for now in (data_end, MIDWAY):
        ts_context, in_context = _contexts(ts_query, in_query, now, all_selected())
        expected = {r["queue"]: r["age"] for r in _timestream(engine, ts_query, ts_context)}
        assert {r["queue_name"]: _plain(r["age"]) for r in influx(influx_run, in_query, in_context)} == expected


# The per-queue table. Timestream sends the banded cells as `<band>|<text>`: compared by their text.
TEXT = {"Oldest": "minutes_seconds", **{f"{f} {p}": "percent" for p in wallboard.PERIODS for f in ("Abandonment",)}}
TEXT |= {f"Service level {p}": "percent" for p in wallboard.PERIODS}


def _as_text(kind: str, value: float | None) -> str | None:
    if value is None:
        return None
    whole = math.floor(value * (100 if kind == "percent" else 1) + 0.5)
    return f"{whole} %" if kind == "percent" else f"{whole // 60}:{whole % 60:02d}"


def merged_queue_table(run: InfluxRun, queries: list[dashboard.PanelQuery], context: QueryContext) -> dict[str, dict]:
    """What the panel's transformations make of its targets: each target's rows without `Time`, merged on the
    queue (organize, merge), the queue tag renamed."""
    table: dict[tuple, dict] = {}
    for query in queries:
        for row in influx(run, query, context):
            key = (row["instance_id"], row["queue_name"])
            table.setdefault(key, {}).update({k: v for k, v in row.items() if k not in ("time", "instance_id")})
    return {queue: row for (_, queue), row in table.items()}


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_queue_table_agrees_with_the_timestream_dashboard(
    moment: str, engine: duckdb.DuckDBPyConnection, influx_run: InfluxRun, data_end: datetime, topology: Any
) -> None:
    """Every column the two tables share, per queue. Known differences, from what InfluxQL cannot do: the agents of
    a queue nobody staffs are blank, not 0; the colour bands are the default targets' (not compared here)."""
    now = _moment(influx_run, data_end, moment)
    ts_query = _panel_query(TIMESTREAM_DOCUMENT, realtime.UID, wallboard.TITLE)
    in_queries = [q for q in QUERIES if q.panel == wallboard.TITLE]
    assert len(in_queries) == 2 + 2 * (1 + len(targets.load().service_level_groups()))
    columns, rows = dashboard.run(
        engine, ts_query.datasource_type, ts_query.sql, ts_query.context(now, RANGE, all_selected())
    )
    expected = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
    actual = merged_queue_table(influx_run, in_queries, in_queries[0].context(now, RANGE, all_selected()))
    assert set(actual) == set(expected) == {q.name for q in topology.queues}
    staffed = {label for _, label in wallboard.AGENT_COLUMNS}
    wrong = {}
    for queue, row in expected.items():
        for column in wallboard.COLUMNS[1:]:
            mine = actual[queue].get(column)
            if column in staffed and mine is None:
                mine = 0  # nobody staffs the queue: blank here, 0 on Timestream
            if column in TEXT:
                theirs = row[column].split("|", 1)[1] if row[column] else None
                mine = _as_text(TEXT[column], mine)
            else:
                theirs, mine = _plain(row[column]), _plain(mine)
            if not _same(theirs, mine):
                wrong[(queue, column)] = (theirs, mine)
    assert not wrong, wrong
    assert re.fullmatch(r"\d+ %", expected["Retention"]["Abandonment today"].split("|")[1])
