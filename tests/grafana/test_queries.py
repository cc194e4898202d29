"""Every query of every committed dashboard runs, locally, against what the pipeline writes.

Timestream queries run on the job's own records (its replay over a simulated hour) and on instance_metrics
records built by persist_instance_data's code; Athena queries on CTR files laid out as the Terraform's Firehose
writes them. Each local table has exactly the columns its writer writes (Timestream) or Glue declares (Athena),
so a query naming anything else fails here. Queries must also return rows: an empty result over a whole hour
of traffic means a filter that matches nothing (a misspelt measure_name, say).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from grafana import datasources, variables
from grafana.build import DASHBOARDS
from grafana.local import dashboard
from grafana.local.interpolation import referenced_variables
from tests.grafana.conftest import JobRun

DOCUMENTS = {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}
QUERIES = [q for name, doc in DOCUMENTS.items() for q in dashboard.panel_queries(name, doc)]
SQL_QUERIES = [q for q in QUERIES if q.datasource_type in dashboard.SQL_KEYS]
CLOUDWATCH_QUERIES = [q for q in QUERIES if q.datasource_type == datasources.CLOUDWATCH.type]
VARIABLE_QUERIES = [(name, *v) for name, doc in DOCUMENTS.items() for v in dashboard.variable_queries(doc)]
DASHBOARD_RANGE = timedelta(hours=1)
CONTACT_TABLE = "queue_contact_metrics"


def current_values(engine: duckdb.DuckDBPyConnection, threshold: str = "20") -> dict[str, list[str]]:
    """The variables as a person leaves them: every instance and queue, every channel ("All")."""
    db = datasources.TIMESTREAM_DATABASE
    table = f'"{db}".agent_state_by_queue'
    instances = [r[0] for r in engine.execute(f"SELECT DISTINCT instance_id FROM {table}").fetchall()]
    queues = [r[0] for r in engine.execute(f"SELECT DISTINCT queue_name FROM {table}").fetchall()]
    return {"instance": instances, "queue": queues, "channel": list(variables.CHANNELS), "sl": [threshold]}


def test_the_dashboards_have_queries_of_every_kind() -> None:
    assert set(DOCUMENTS) == {"connect-realtime.json", "connect-now-and-history.json"}
    kinds = {q.datasource_type for q in QUERIES}
    assert kinds == {datasources.TIMESTREAM.type, datasources.ATHENA.type, datasources.CLOUDWATCH.type}
    assert len(SQL_QUERIES) + len(CLOUDWATCH_QUERIES) == len(QUERIES), "a target of an unknown data source"


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
    context = query.context(data_end, DASHBOARD_RANGE, current_values(engine, threshold))
    columns, rows = dashboard.run(engine, query.datasource_type, query.sql, context)
    assert rows, f"{query.id} returned no rows over the simulated hour:\n{query.sql}"
    assert len(set(columns)) == len(columns), f"{query.id}: duplicate column names {columns}"
    if "time" in columns and query.datasource_type == datasources.TIMESTREAM.type and rows[0][0] is not None:
        assert columns[0] == "time", "time series: time first, as Grafana expects"


@pytest.mark.parametrize("case", VARIABLE_QUERIES, ids=[f"{c[0]}: ${c[1]}" for c in VARIABLE_QUERIES])
def test_variable_query_lists_what_the_job_wrote(
    case: tuple[str, str, str, str], engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    _, name, source_type, sql = case
    values = current_values(engine)
    context = dashboard.PanelQuery("", "", "", source_type, {}, None, None).context(data_end, DASHBOARD_RANGE, values)
    _, rows = dashboard.run(engine, source_type, sql, context)
    assert sorted(r[0] for r in rows) == sorted(values[name])


def _source_text(*globs: str) -> str:
    root = Path(__file__).resolve().parents[2]
    return "\n".join(p.read_text() for g in globs for p in root.glob(g))


@pytest.mark.parametrize("query", CLOUDWATCH_QUERIES, ids=[q.id for q in CLOUDWATCH_QUERIES])
def test_cloudwatch_metrics_are_ones_the_code_emits(query: dashboard.PanelQuery) -> None:
    """CloudWatch has no local engine: these targets are NOT executed. What is checked instead: the metric
    and its namespace are ones the project's code emits, with the dimensions it uses."""
    target = query.target
    metric, namespace = target["metricName"], target["namespace"]
    if namespace == datasources.LAMBDA_METRICS_NAMESPACE:
        code = _source_text("lambdas/*.py", "lambdas/common/*.py")
        assert f'name="{metric}"' in code, f"no Lambda emits {metric}"
        assert target["dimensions"]["service"] in code
    else:
        assert namespace == "AWS/KinesisAnalytics"
        code = _source_text("connectors/src/main/java/**/*.java")
        assert f'"{metric}"' in code, f"the job registers no Flink metric {metric}"
        assert target["dimensions"] == {"Application": datasources.FLINK_APPLICATION}
