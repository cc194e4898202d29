"""Every table, column and `measure_name` a dashboard query names must be one the pipeline writes.

Known names come from the writers, never from the dashboards: the job's tables from `flink_app.outputs.TABLES`
(dimensions, measures, Timestream measure_name), the Lambdas' from `lambdas.common.tables` and their record
builders, the CTR history's from the Glue table in infra/terraform. `python -m grafana.build` refuses to write
dashboards that fail this check, and tests/grafana runs it on the committed ones.

Timestream queries are checked statically: sqlglot qualifies every column against the tables' schemas (CTEs,
aliases and subqueries resolved as SQL does). Athena queries are checked for their table here; their columns,
struct fields included, are checked by running them on a DuckDB table with exactly the Glue columns.

InfluxQL queries (the job's InfluxDB store: one measurement per job table, its dimensions as tags, its measures as
fields) are checked by their quoted identifiers, which grafana/influxql.py always quotes: a `FROM` names a job table,
every other identifier is a tag or field of the measurements the query reads or an alias it defines (`AS "..."`),
and what it groups by or lists (`GROUP BY`, `WITH KEY`) is a tag. InfluxDB itself would not complain: a field it
does not have is an empty column, a measurement it does not have an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify

from grafana import datasources, variables
from grafana.local import influxql as local_influxql
from grafana.local import terraform
from grafana.local.athena import to_trino
from grafana.local.interpolation import QueryContext, referenced_variables
from grafana.local.timestream import _durations, to_timestream

TIMESTREAM_BUILTIN_COLUMNS = ("time", "measure_name")

# instance_inventory, as persist_instance_data's `inventory_records` writes it (one table, several measure_names;
# tests/grafana/test_names.py holds this equal to what that function builds).
INVENTORY_COLUMNS = (
    "instance_id",
    "queue_id",
    "queue_name",
    "routing_profile_id",
    "routing_profile_name",
    "queue_count",
    "channel",
    "priority",
    "delay_seconds",
    "agent_id",
    "username",
    "status_name",
    "status_type",
    "status_start_time",
    "next_status",
    "contact_count",
    "contact_states",
    "contact_ids",
    "on_contact",
    "after_contact_work",
    "error",
    "active_slots",
    "available_slots",
    "max_slots",
)


@dataclass(frozen=True)
class TimestreamTable:
    name: str
    writer: str
    columns: tuple[str, ...]  # dimensions and measures
    measure_names: tuple[str, ...]  # values of measure_name


@cache
def timestream_tables() -> dict[str, TimestreamTable]:
    from flink_app.outputs import TABLES as JOB_TABLES
    from lambdas.common.connect_api import CURRENT_METRICS
    from lambdas.common.tables import TABLES as LAMBDA_TABLES
    from lambdas.common.tables import WRITTEN_BY, InstanceMetric, InventoryItem, Table

    known: dict[str, TimestreamTable] = {}
    for name, table in JOB_TABLES.items():
        measures = tuple(m for m, _ in table.measures)
        known[name] = TimestreamTable(name, "flink job", (*table.dimensions, *measures), (table.measure_name,))
    # persist_instance_data's instance_metrics: dimensions and measures as lambdas/persist_instance_data.py
    # builds them (`_metric_measures`: lower-case names, OLDEST_CONTACT_AGE in seconds).
    current = tuple(
        "oldest_contact_age_seconds" if metric == "OLDEST_CONTACT_AGE" else metric.lower()
        for metric, _ in CURRENT_METRICS
    )
    known[Table.INSTANCE_METRICS] = TimestreamTable(
        Table.INSTANCE_METRICS,
        WRITTEN_BY[Table.INSTANCE_METRICS],
        ("instance_id", "queue_id", "queue_name", "channel", *current),
        tuple(InstanceMetric),
    )
    known[Table.INSTANCE_INVENTORY] = TimestreamTable(
        Table.INSTANCE_INVENTORY, WRITTEN_BY[Table.INSTANCE_INVENTORY], INVENTORY_COLUMNS, tuple(InventoryItem)
    )
    for table in LAMBDA_TABLES:
        if table not in known:  # queried by no dashboard yet: names only, no columns
            known[table] = TimestreamTable(table, WRITTEN_BY[table], (), ())
    return known


def placeholder_context() -> QueryContext:
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    values = {"instance": ["i"], "queue": ["q"], "channel": list(variables.CHANNELS), "sl": ["20"]}
    return QueryContext(now - timedelta(hours=1), now, timedelta(minutes=1), values)


def _contexts(query: str) -> Iterable[QueryContext]:
    base = placeholder_context()
    thresholds = variables.SERVICE_LEVEL_THRESHOLDS if "sl" in referenced_variables(query) else ("20",)
    for threshold in thresholds:
        yield QueryContext(base.time_from, base.time_to, base.interval, {**base.variables, "sl": [threshold]})


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name for cte in tree.find_all(exp.CTE)}


def timestream_problems(query: str) -> list[str]:
    problems: list[str] = []
    tables = timestream_tables()
    for context in _contexts(query):
        tree = sqlglot.parse_one(
            _durations(to_timestream(query, context, datasources.TIMESTREAM_DATABASE)), read="trino"
        )
        ctes = _cte_names(tree)
        used = []
        for table in tree.find_all(exp.Table):
            if table.name in ctes and not table.db:
                continue
            if table.db != datasources.TIMESTREAM_DATABASE:
                problems.append(f"table {table.sql('trino')}: not in the database {datasources.TIMESTREAM_DATABASE}")
            elif table.name not in tables:
                problems.append(f"table {table.name}: the pipeline writes no such Timestream table ({sorted(tables)})")
            elif table.name not in terraform.timestream_tables():
                problems.append(f"table {table.name}: infra/terraform (timestream_tables) does not create it")
            else:
                used.append(tables[table.name])
        measure_names = {m for t in used for m in t.measure_names}
        for eq in tree.find_all(exp.EQ):
            sides = (eq.this, eq.expression)
            for column, literal in (sides, sides[::-1]):
                names_measure = isinstance(column, exp.Column) and column.name == "measure_name"
                if names_measure and isinstance(literal, exp.Literal) and literal.this not in measure_names:
                    problems.append(f"measure_name '{literal.this}': written to none of {[t.name for t in used]}")
        if not used:
            continue
        schema = {
            datasources.TIMESTREAM_DATABASE: {
                t.name: dict.fromkeys((*TIMESTREAM_BUILTIN_COLUMNS, *t.columns), "VARCHAR") for t in used
            }
        }
        try:
            qualify(tree, schema=schema, dialect="trino", validate_qualify_columns=True)
        except sqlglot.errors.OptimizeError as error:
            problems.append(f"{error} (columns of {[t.name for t in used]} are what their writers write)")
    return sorted(set(problems))


def athena_problems(query: str) -> list[str]:
    problems = []
    glue = terraform.glue_ctr_table()
    database = terraform.root_variable_defaults()["glue_database_name"]
    for context in _contexts(query):
        tree = sqlglot.parse_one(to_trino(query, context), read="trino")
        ctes = _cte_names(tree)
        for table in tree.find_all(exp.Table):
            if table.name in ctes and not table.db:
                continue
            if table.name != glue.name or table.db not in ("", database):
                problems.append(f"table {table.sql('trino')}: Glue defines only {database}.{glue.name}")
    return sorted(set(problems))


_QUOTED = r'"((?:[^"\\]|\\.)+)"'


def influxql_problems(query: str) -> list[str]:
    from flink_app.outputs import TABLES as JOB_TABLES

    problems = []
    for context in _contexts(query):
        text = local_influxql.interpolate(query, context)
        measurements = re.findall(r"\bFROM\s+" + _QUOTED, text)
        aliases = set(re.findall(r"\bAS\s+" + _QUOTED, text))
        known = [JOB_TABLES[m] for m in measurements if m in JOB_TABLES]
        problems += [f"measurement {m}: the job writes no such table ({sorted(JOB_TABLES)})"
                     for m in measurements if m not in JOB_TABLES]  # fmt: skip
        tags = {d for t in known for d in t.dimensions}
        columns = tags | {m for t in known for m in t.measure_names}
        tables = [t.name for t in known]
        for name in re.findall(_QUOTED, text):
            if name not in columns | aliases | set(measurements):
                problems.append(f'"{name}": not a tag or field of the job\'s {tables} nor an alias of the query')
        listed = r"\b(?:GROUP BY|WITH KEY =)\s+((?:time\(\w+\)|" + _QUOTED.replace("(", "(?:", 1) + r"|,\s*)+)"
        for clause in re.findall(listed, text):
            for name in re.findall(_QUOTED, clause):
                if name not in tags:
                    problems.append(f'"{name}": grouped by or listed, but not a tag of the job\'s {tables}')
    return sorted(set(problems))


def problems(source_type: str, query: str) -> list[str]:
    if source_type == datasources.TIMESTREAM.type:
        return timestream_problems(query)
    if source_type == datasources.ATHENA.type:
        return athena_problems(query)
    if source_type == datasources.INFLUXDB.type:
        return influxql_problems(query)
    return []


def dashboard_problems(name: str, document: dict[str, Any]) -> list[str]:
    from grafana.local.dashboard import panel_queries, variable_queries

    found = []
    for query in panel_queries(name, document):
        if query.text:
            found += [f"{query.id}: {p}" for p in problems(query.datasource_type, query.text)]
    for variable, source_type, sql in variable_queries(document):
        found += [f"{name}: variable ${variable}: {p}" for p in problems(source_type, sql)]
    return found


def rules_problems(document: dict[str, Any]) -> list[str]:
    """The same check on the Timestream queries of the alert rules' provisioning document."""
    found = []
    for group in document.get("groups", []):
        for rule in group.get("rules", []):
            for item in rule.get("data", []):
                if item.get("datasourceUid") == datasources.TIMESTREAM.uid:
                    text = item["model"]["rawQuery"]
                    found += [f"alert rule {rule['uid']}: {p}" for p in problems(datasources.TIMESTREAM.type, text)]
    return found
