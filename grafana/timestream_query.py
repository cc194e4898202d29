"""A typed query for the Timestream plugin (grafana-timestream-datasource), which the foundation SDK lacks.

The plugin's query model (src/types.ts `TimestreamQuery`): `rawQuery` plus the optional defaults for its
macros (`database`, `table`, `measure`). Built like the SDK's own data queries, so panels take it as a target.
"""

from __future__ import annotations

import typing

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard


class TimestreamQuery(cogvariants.Dataquery):
    def __init__(
        self,
        ref_id: str = "",
        raw_query: str = "",
        datasource: dashboard.DataSourceRef | None = None,
        hide: bool | None = None,
    ) -> None:
        self.ref_id = ref_id
        self.raw_query = raw_query
        self.datasource = datasource
        self.hide = hide

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {"refId": self.ref_id, "rawQuery": self.raw_query}
        if self.datasource is not None:
            payload["datasource"] = self.datasource
        if self.hide is not None:
            payload["hide"] = self.hide
        return payload


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
