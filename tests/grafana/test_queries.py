"""Every query of every committed dashboard runs, locally, against what the pipeline writes.

Timestream queries run on the job's own records (its replay over a simulated hour) and on instance_metrics and
instance_inventory records built by persist_instance_data's code; Athena queries on CTR files laid out as the
Terraform's Firehose writes them. Each local table has exactly the columns its writer writes (Timestream) or Glue
declares (Athena), so a query naming anything else fails here. Queries must also return rows: an empty result over a
whole hour of traffic means a filter that matches nothing (a misspelt measure_name, say), unless every table it
reads that has no rows is one the job does not write yet (the test then skips, naming them).

The variables are as a dashboard opens: "All" everywhere (what each query receives then is the variables' custom
all-value; `current_values` gives the explicit lists for the value tests).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from grafana import datasources, variables
from grafana.build import DASHBOARDS
from grafana.local import dashboard
from grafana.local.interpolation import ALL, referenced_variables
from grafana.local.timestream import _durations, to_timestream
from tests.grafana.conftest import UNSTAFFED_QUEUE, JobRun

DOCUMENTS = {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}
QUERIES = [q for name, doc in DOCUMENTS.items() for q in dashboard.panel_queries(name, doc)]
SQL_QUERIES = [q for q in QUERIES if q.datasource_type in dashboard.SQL_KEYS]
INFLUXQL_QUERIES = [q for q in QUERIES if q.datasource_type == datasources.INFLUXDB.type]  # test_influxdb.py
CLOUDWATCH_QUERIES = [q for q in QUERIES if q.datasource_type == datasources.CLOUDWATCH.type]
SHARED_QUERIES = [q for q in QUERIES if q.datasource_type == datasources.DASHBOARD.type]
VARIABLE_QUERIES = [
    (name, *v) for name, doc in DOCUMENTS.items() for v in dashboard.variable_queries(doc) if v[1] in dashboard.SQL_KEYS
]
DASHBOARD_RANGE = timedelta(hours=1)
CONTACT_TABLE = "queue_contact_metrics"


def current_values(engine: duckdb.DuckDBPyConnection, threshold: str = "20") -> dict[str, list[str]]:
    """Every instance and queue (and channel) selected one by one, as explicit lists: the job's and Connect's."""
    db = datasources.TIMESTREAM_DATABASE
    union = f'SELECT instance_id, queue_name FROM "{db}".agent_state_by_queue UNION '
    union += f"SELECT instance_id, queue_name FROM \"{db}\".instance_metrics WHERE measure_name = 'queue_current'"
    rows = engine.execute(f"SELECT DISTINCT * FROM ({union})").fetchall()
    return {
        "instance": sorted({r[0] for r in rows}),
        "queue": sorted({r[1] for r in rows}),
        "channel": list(variables.CHANNELS),
        "sl": [threshold],
    }


def all_selected(threshold: str = "20") -> dict[str, list[str]]:
    """As a dashboard opens: "All" for instance, queue and channel."""
    return {"instance": [ALL], "queue": [ALL], "channel": [ALL], "sl": [threshold]}


def tables_read(query: dashboard.PanelQuery, context: Any) -> set[str]:
    if query.datasource_type != datasources.TIMESTREAM.type:
        return set()
    tree = sqlglot.parse_one(_durations(to_timestream(query.sql, context, "db")), read="trino")
    return {t.name for t in tree.find_all(exp.Table) if t.db == "db"}


def test_the_dashboards_have_queries_of_every_kind() -> None:
    assert set(DOCUMENTS) == {"connect-realtime.json", "connect-realtime-influxdb.json", "connect-now-and-history.json"}
    kinds = {q.datasource_type for q in QUERIES}
    assert kinds == {
        datasources.TIMESTREAM.type,
        datasources.ATHENA.type,
        datasources.CLOUDWATCH.type,
        datasources.DASHBOARD.type,
        datasources.INFLUXDB.type,
    }
    counted = SQL_QUERIES + CLOUDWATCH_QUERIES + SHARED_QUERIES + INFLUXQL_QUERIES
    assert len(counted) == len(QUERIES), "an unknown data source"


# A query using ${sl} runs once per threshold the variable offers (each names another service_level_<X>s column).
CASES = [
    (q, threshold)
    for q in SQL_QUERIES
    for threshold in (variables.SERVICE_LEVEL_THRESHOLDS if "sl" in referenced_variables(q.sql) else ("20",))
]


@pytest.mark.parametrize(("query", "threshold"), CASES, ids=[f"{q.id} sl={t}" for q, t in CASES])
def test_panel_query_runs_and_returns_rows(
    query: dashboard.PanelQuery, threshold: str, engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    if CONTACT_TABLE in query.sql:
        job_run.warn_if_contract(CONTACT_TABLE)
    context = query.context(data_end, DASHBOARD_RANGE, all_selected(threshold))
    columns, rows = dashboard.run(engine, query.datasource_type, query.sql, context)
    if not rows:
        job_run.require(*(t for t in tables_read(query, context) if t.startswith("queue_")))
    assert rows, f"{query.id} returned no rows over the simulated hour:\n{query.sql}"
    assert len(set(columns)) == len(columns), f"{query.id}: duplicate column names {columns}"
    if "time" in columns and query.datasource_type == datasources.TIMESTREAM.type and rows[0][0] is not None:
        assert columns[0] == "time", "time series: time first, as Grafana expects"


@pytest.mark.parametrize("case", VARIABLE_QUERIES, ids=[f"{c[0]}: ${c[1]}" for c in VARIABLE_QUERIES])
def test_variable_query_lists_every_instance_and_queue_staffed_or_not(
    case: tuple[str, str, str, str], engine: duckdb.DuckDBPyConnection, data_end: datetime, topology: Any
) -> None:
    """The queue list is the instance's (its inventory: what ListQueues returns), not the job's agent rows only,
    where a queue nobody staffs never appears."""
    document, name, source_type, sql = case
    expected = {
        "instance": [topology.instance_arn.rsplit("/", 1)[-1]],
        "queue": sorted(q.name for q in topology.queues),
    }
    custom_all = dashboard.all_values(DOCUMENTS[document])
    context = dashboard.PanelQuery("", "", "", source_type, {}, None, None, custom_all).context(
        data_end, DASHBOARD_RANGE, all_selected()
    )
    _, rows = dashboard.run(engine, source_type, sql, context)
    assert sorted(r[0] for r in rows) == expected[name]
    db = datasources.TIMESTREAM_DATABASE
    staffed = {r[0] for r in engine.execute(f'SELECT DISTINCT queue_name FROM "{db}".agent_state_by_queue').fetchall()}
    assert UNSTAFFED_QUEUE in expected["queue"] and UNSTAFFED_QUEUE not in staffed


@pytest.mark.parametrize("query", SHARED_QUERIES, ids=[q.id for q in SHARED_QUERIES])
def test_shared_targets_show_a_panel_that_runs_a_query(query: dashboard.PanelQuery) -> None:
    (document,) = [d for n, d in DOCUMENTS.items() if n == query.dashboard]
    source = next(p for p in document["panels"] if p["id"] == query.target["panelId"])
    assert any(t["datasource"]["type"] in dashboard.SQL_KEYS for t in source["targets"]), source["title"]


def _source_text(*globs: str) -> str:
    root = Path(__file__).resolve().parents[2]
    return "\n".join(p.read_text() for g in globs for p in root.glob(g))


def cloudwatch_problems(target: dict[str, Any]) -> list[str]:
    """CloudWatch has no local engine: its targets (panels and alert rules) are NOT executed. What is checked
    instead: the metric and its namespace are ones the project's code emits, with the dimensions it uses."""
    metric, namespace = target["metricName"], target["namespace"]
    if namespace == datasources.LAMBDA_METRICS_NAMESPACE:
        code = _source_text("lambdas/*.py", "lambdas/common/*.py")
        found = [] if f'name="{metric}"' in code else [f"no Lambda emits {metric}"]
        return found + ([] if target["dimensions"]["service"] in code else [f"no service {target['dimensions']}"])
    if namespace != "AWS/KinesisAnalytics":
        return [f"namespace {namespace} is neither the Lambdas' nor Managed Flink's"]
    code = _source_text("connectors/src/main/java/**/*.java")
    found = [] if f'"{metric}"' in code else [f"the job registers no Flink metric {metric}"]
    return found + ([] if target["dimensions"] == {"Application": datasources.FLINK_APPLICATION} else ["dimensions"])


@pytest.mark.parametrize("query", CLOUDWATCH_QUERIES, ids=[q.id for q in CLOUDWATCH_QUERIES])
def test_cloudwatch_metrics_are_ones_the_code_emits(query: dashboard.PanelQuery) -> None:
    assert cloudwatch_problems(query.target) == []
