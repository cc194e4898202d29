"""A typed InfluxQL query for Grafana's InfluxDB data source (plugin `influxdb`), which the foundation SDK lacks.

The fields are the ones Grafana's backend reads from a target (pkg/tsdb/influxdb/models/model_parser.go
`QueryParse`): `query` with `rawQuery: true` (the text as it is, no query builder), `resultFormat` (`time_series`:
one frame per series and column; `table`: one frame, time first, then the series' tags, then the columns) and
`alias` (a series' name: `$col` the column, `$tag_<key>` a tag's value). Built like the SDK's own data queries, so
panels take it as a target; `from_json` lets the SDK's models read it back (the schema check in tests/grafana).
"""

from __future__ import annotations

import typing

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard

PLUGIN = "influxdb"
TIME_SERIES, TABLE = "time_series", "table"
FIELDS = {
    "refId": "ref_id",
    "query": "query",
    "rawQuery": "raw_query",
    "resultFormat": "result_format",
    "alias": "alias",
    "hide": "hide",
}


class InfluxQuery(cogvariants.Dataquery):
    def __init__(
        self,
        ref_id: str = "",
        query: str = "",
        raw_query: bool = True,
        result_format: str = TIME_SERIES,
        alias: str | None = None,
        datasource: dashboard.DataSourceRef | None = None,
        hide: bool | None = None,
    ) -> None:
        self.ref_id = ref_id
        self.query = query
        self.raw_query = raw_query
        self.result_format = result_format
        self.alias = alias
        self.datasource = datasource
        self.hide = hide

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {}
        if self.datasource is not None:
            payload["datasource"] = self.datasource
        for key, attribute in FIELDS.items():
            if getattr(self, attribute) is not None:
                payload[key] = getattr(self, attribute)
        return payload

    @classmethod
    def from_json(cls, data: dict[str, typing.Any]) -> typing.Self:
        args: dict[str, typing.Any] = {attribute: data[key] for key, attribute in FIELDS.items() if key in data}
        if "datasource" in data:
            args["datasource"] = dashboard.DataSourceRef.from_json(data["datasource"])
        return cls(**args)


def register() -> None:
    """Lets the SDK's `from_json` decode InfluxDB targets with this model (unknown plugins stay raw dicts)."""
    cogruntime.register_dataquery_variant(cogruntime.DataqueryConfig(PLUGIN, InfluxQuery.from_json))


class Query(cogbuilder.Builder[InfluxQuery]):
    def __init__(self) -> None:
        self._internal = InfluxQuery()

    def build(self) -> InfluxQuery:
        return self._internal

    def ref_id(self, ref_id: str) -> typing.Self:
        self._internal.ref_id = ref_id
        return self

    def query(self, query: str) -> typing.Self:
        self._internal.query = query
        self._internal.raw_query = True
        return self

    def result_format(self, result_format: str) -> typing.Self:
        if result_format not in (TIME_SERIES, TABLE):
            raise ValueError(f"resultFormat {result_format!r}: use {TIME_SERIES!r} or {TABLE!r}")
        self._internal.result_format = result_format
        return self

    def alias(self, alias: str) -> typing.Self:
        self._internal.alias = alias
        return self

    def datasource(self, datasource: dashboard.DataSourceRef) -> typing.Self:
        self._internal.datasource = datasource
        return self

    def hide(self, hide: bool) -> typing.Self:
        self._internal.hide = hide
        return self
