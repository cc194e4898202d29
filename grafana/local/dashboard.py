"""The queries of a generated dashboard, as Grafana would send them: each panel target with its data source,
its panel's time-range override and minimum interval, the dashboard's custom all-values, and the template
variables' queries. A `-- Dashboard --` target runs nothing: it shows the results of the panel it names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb

from grafana import datasources
from grafana.local import athena, timestream
from grafana.local.interpolation import QueryContext

SQL_KEYS = {datasources.TIMESTREAM.type: "rawQuery", datasources.ATHENA.type: "rawSQL"}
QUERY_KEYS = {**SQL_KEYS, datasources.INFLUXDB.type: "query"}  # every query language: the SQL ones and InfluxQL
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([smhdw])", text.strip())
    if not match:
        raise ValueError(f"duration {text!r} not understood")
    return timedelta(seconds=int(match.group(1)) * UNITS[match.group(2)])


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref_id: str
    datasource_type: str
    target: dict[str, Any]
    time_from: str | None  # the panel's relative time override, e.g. "28d"
    min_interval: str | None
    all_values: dict[str, str] = field(default_factory=dict)  # the dashboard's custom all-values

    @property
    def id(self) -> str:
        return f"{self.dashboard}: {self.panel} [{self.ref_id}]"

    @property
    def sql(self) -> str | None:
        key = SQL_KEYS.get(self.datasource_type)
        return self.target.get(key) if key else None

    @property
    def text(self) -> str | None:
        """The query in its own language (SQL or InfluxQL)."""
        key = QUERY_KEYS.get(self.datasource_type)
        return self.target.get(key) if key else None

    def context(
        self,
        now: datetime,
        dashboard_range: timedelta,
        variables: dict[str, list[str]],
        options: dict[str, list[str]] | None = None,
        server_timezone: str = "UTC",
    ) -> QueryContext:
        """`options`: what each variable lists (what "All" is without a custom all-value)."""
        span = duration(self.time_from) if self.time_from else dashboard_range
        interval = max(span / 300, duration(self.min_interval) if self.min_interval else timedelta(seconds=1))
        interval = timedelta(seconds=max(1, round(interval.total_seconds())))
        return QueryContext(now - span, now, interval, variables, self.all_values, options or {}, server_timezone)


def all_values(document: dict[str, Any]) -> dict[str, str]:
    return {v["name"]: v["allValue"] for v in document.get("templating", {}).get("list", []) if v.get("allValue")}


def panel_queries(name: str, document: dict[str, Any]) -> list[PanelQuery]:
    found, custom_all = [], all_values(document)
    for panel in document.get("panels", []):
        for target in panel.get("targets") or []:
            source = target.get("datasource") or panel.get("datasource") or {}
            found.append(
                PanelQuery(
                    name,
                    panel.get("title", "?"),
                    target.get("refId", "?"),
                    source.get("type", "?"),
                    target,
                    panel.get("timeFrom"),
                    panel.get("interval"),
                    custom_all,
                )
            )
    return found


def variable_queries(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(variable, data source type, query) of every query variable."""
    return [
        (v["name"], v["datasource"]["type"], v["query"] if isinstance(v["query"], str) else v["query"]["query"])
        for v in document.get("templating", {}).get("list", [])
        if v.get("type") == "query"
    ]


def run(con: duckdb.DuckDBPyConnection, source_type: str, sql: str, context: QueryContext) -> tuple[list, list]:
    """Runs one query on the local engine of its data source; returns (columns, rows)."""
    if source_type == datasources.TIMESTREAM.type:
        return timestream.run(con, sql, context, datasources.TIMESTREAM_DATABASE)
    if source_type == datasources.ATHENA.type:
        return athena.run(con, sql, context)
    raise ValueError(f"no local engine for data source type {source_type}")
