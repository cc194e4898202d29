"""A typed query for the Timestream plugin (grafana-timestream-datasource), which the foundation SDK lacks.

The plugin's query model: `rawQuery` plus the optional defaults for its macros (`database`, `table`, `measure`;
src/types.ts `TimestreamQuery`, pkg/models/query.go `QueryModel`) and `waitForResult` (src/DataSource.ts `query`:
when a target sets it, the frontend waits for every page of the result instead of drawing each page as it comes,
so a stat or table does not flicker through partial results). Built like the SDK's own data queries, so panels
take it as a target; `from_json` lets the SDK's models read it back (the schema check in tests/grafana).
"""

from __future__ import annotations

import typing

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard

PLUGIN = "grafana-timestream-datasource"
FIELDS = {"refId": "ref_id", "rawQuery": "raw_query", "waitForResult": "wait_for_result", "hide": "hide"}


class TimestreamQuery(cogvariants.Dataquery):
    def __init__(
        self,
        ref_id: str = "",
        raw_query: str = "",
        datasource: dashboard.DataSourceRef | None = None,
        hide: bool | None = None,
        wait_for_result: bool | None = None,
    ) -> None:
        self.ref_id = ref_id
        self.raw_query = raw_query
        self.datasource = datasource
        self.hide = hide
        self.wait_for_result = wait_for_result

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {"refId": self.ref_id, "rawQuery": self.raw_query}
        if self.datasource is not None:
            payload["datasource"] = self.datasource
        for key, attribute in FIELDS.items():
            if key not in payload and getattr(self, attribute) is not None:
                payload[key] = getattr(self, attribute)
        return payload

    @classmethod
    def from_json(cls, data: dict[str, typing.Any]) -> typing.Self:
        args: dict[str, typing.Any] = {attribute: data[key] for key, attribute in FIELDS.items() if key in data}
        if "datasource" in data:
            args["datasource"] = dashboard.DataSourceRef.from_json(data["datasource"])
        return cls(**args)


def register() -> None:
    """Lets the SDK's `from_json` decode Timestream targets with this model (unknown plugins stay raw dicts)."""
    cogruntime.register_dataquery_variant(cogruntime.DataqueryConfig(PLUGIN, TimestreamQuery.from_json))


class Query(cogbuilder.Builder[TimestreamQuery]):
    def __init__(self) -> None:
        self._internal = TimestreamQuery()

    def build(self) -> TimestreamQuery:
        return self._internal

    def ref_id(self, ref_id: str) -> typing.Self:
        self._internal.ref_id = ref_id
        return self

    def raw_query(self, raw_query: str) -> typing.Self:
        self._internal.raw_query = raw_query
        return self

    def datasource(self, datasource: dashboard.DataSourceRef) -> typing.Self:
        self._internal.datasource = datasource
        return self

    def hide(self, hide: bool) -> typing.Self:
        self._internal.hide = hide
        return self

    def wait_for_result(self, wait: bool) -> typing.Self:
        self._internal.wait_for_result = wait
        return self
