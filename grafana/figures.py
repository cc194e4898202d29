"""The real-time dashboard's figures, each defined once with its query in both of the job's stores' dialects, and
the stores a dashboard reads them from.

A `Figure` pairs the Timestream SQL of grafana/sql.py with the InfluxQL of grafana/influxql.py of the same name
(`_pair`: the names cannot drift apart). grafana/realtime.py builds its panels once, from figures, for a `Store`:
the same titles, units, thresholds, layout and variables, each panel's target in the store's dialect. A figure the
InfluxDB store cannot show (`influxql.LeftOut`) becomes a text panel with the reason, in the same place and size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from grafana_foundation_sdk.builders import text
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models import text as text_model

from grafana import datasources, influxdb_query, influxql, sql
from grafana.panels import partition_by, timestream
from grafana.panels import sql as dedented


@dataclass(frozen=True)
class Figure:
    name: str
    timestream: str
    influxql: influxql.InfluxQL | influxql.LeftOut


def _pair(name: str) -> Figure:
    return Figure(name, getattr(sql, name), getattr(influxql, name))


AGENTS_NOW = _pair("AGENTS_NOW")
AGENT_STATES_OVER_TIME = _pair("AGENT_STATES_OVER_TIME")
JOB_OUTPUT_AGE = _pair("JOB_OUTPUT_AGE")
SERVICE_LEVEL_OVER_TIME = _pair("SERVICE_LEVEL_OVER_TIME")
ABANDONMENT_OVER_TIME = _pair("ABANDONMENT_OVER_TIME")
SERVICE_LEVEL_LAST_15_MIN = _pair("SERVICE_LEVEL_LAST_15_MIN")
ABANDONMENT_LAST_15_MIN = _pair("ABANDONMENT_LAST_15_MIN")
CONTACT_VOLUME = _pair("CONTACT_VOLUME")
QUEUE_WAIT = _pair("QUEUE_WAIT")
HANDLE_TIME_PERCENTILES = _pair("HANDLE_TIME_PERCENTILES")
JOB_OUTPUT_AGE_BY_QUEUE = _pair("JOB_OUTPUT_AGE_BY_QUEUE")
INSTANCE_AGENTS_NOW = _pair("INSTANCE_AGENTS_NOW")
AGENTS_JOB_VS_CONNECT = _pair("AGENTS_JOB_VS_CONNECT")
WAITING_JOB_VS_CONNECT = _pair("WAITING_JOB_VS_CONNECT")
CONNECT_IN_QUEUE_OVER_TIME = _pair("CONNECT_IN_QUEUE_OVER_TIME")
ALL = tuple(v for v in dict(globals()).values() if isinstance(v, Figure))

Panel = TypeVar("Panel", bound=cogbuilder.Builder[Any])


@dataclass(frozen=True)
class Store:
    """One of the job's stores as a dashboard reads it: `name` as the docs say it, the data source, and how a
    figure becomes that data source's target."""

    name: str
    datasource: datasources.DataSource
    uid_suffix: str
    title_suffix: str

    @property
    def is_influxdb(self) -> bool:
        return self.datasource.type == datasources.INFLUXDB.type

    def target(self, figure: Figure, *, table: bool = False) -> cogbuilder.Builder[Any]:
        """`table`: a stat or table (Timestream: wait for the whole result; InfluxDB: the query's own format)."""
        if not self.is_influxdb:
            return timestream(figure.timestream, wait_for_result=table)
        query = figure.influxql
        assert isinstance(query, influxql.InfluxQL), f"{figure.name} has no InfluxQL: {query}"
        return influx_target(query)

    def panel(self, figure: Figure, make: Callable[[list[cogbuilder.Builder[Any]]], Panel], *, table: bool = False):
        """`make(targets)`, the panel of `figure`, with this store's target; the panel's adapted title and
        description when the figure's InfluxQL has them; a text panel in its place when the store cannot show it."""
        query = figure.influxql
        if self.is_influxdb and isinstance(query, influxql.LeftOut):
            return left_out(make([]).build(), query.reason)
        panel = make([self.target(figure, table=table)])
        if self.is_influxdb and isinstance(query, influxql.InfluxQL):
            panel = panel.title(query.title) if query.title else panel
            panel = panel.description(query.description) if query.description else panel
        return panel

    def split_by(self, panel: Panel, *tags: str) -> Panel:
        """One series per value of `tags`: Timestream's long rows are partitioned by Grafana; InfluxQL's GROUP BY
        returns the series already."""
        return panel if self.is_influxdb else panel.with_transformation(partition_by(*tags))


TIMESTREAM = Store("Timestream", datasources.TIMESTREAM, "", "")
INFLUXDB = Store("InfluxDB", datasources.INFLUXDB, "-influxdb", " (InfluxDB)")
STORES = (TIMESTREAM, INFLUXDB)


def influx_target(query: influxql.InfluxQL, ref_id: str = "A") -> influxdb_query.Query:
    target = (
        influxdb_query.Query()
        .ref_id(ref_id)
        .query(dedented(query.query))
        .result_format(query.result_format)
        .datasource(datasources.INFLUXDB.ref)
    )
    return target.alias(query.alias) if query.alias else target


def left_out(panel: Any, reason: str) -> text.Panel:
    """A text panel with `panel`'s title and place, saying why the InfluxDB dashboard cannot show it."""
    grid = panel.grid_pos or model.GridPos()
    return (
        text.Panel()
        .title(f"{panel.title} — not in InfluxDB")
        .description(reason)
        .mode(text_model.TextMode.MARKDOWN)
        .content(f"**Not in the InfluxDB dashboard.** {reason}\n\nThe Timestream dashboard shows it.")
        .span(grid.w)
        .height(grid.h)
    )
