"""Template variables shared by the dashboards: instance, queue, channel (and the service-level threshold).

- Queues and instances come from every source that has them (sql.KNOWN_QUEUES: the instance inventory first), so
  a queue nobody staffs is listed; the lists do not depend on the dashboard's range and refresh on dashboard load
  only (Grafana's "on time range change" re-runs them at every auto-refresh of a relative range).
- Multi-value with "All", whose custom all-value `'__all__'` every query tests through `sql.selected`: "All" then
  holds even when a list is empty (Grafana would expand it to nothing, and `IN ()` is a SQL error). On the InfluxDB
  dashboard the same variables list the job's tag values (`SHOW TAG VALUES`, grafana/influxql.py) and "All" is
  `.*`, which `influxql.selected` matches as a regular expression.
- No `id`: the SDK gives every variable the same placeholder id, and Grafana before the Scenes renderer keys
  variables by it, keeping one of them.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import dashboard as model

from grafana import influxql, sql
from grafana.figures import TIMESTREAM, Store

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
SERVICE_LEVEL_THRESHOLDS = ("20", "60")  # the job's default `service_level.thresholds.seconds`
ALL_VALUE = f"'{sql.ALL_VALUE}'"


def all_value(store: Store) -> str:
    return influxql.ALL_VALUE if store.is_influxdb else ALL_VALUE


class Variable(model.VariableModel):
    """The SDK's variable, encoded without the placeholder `id`."""

    def to_json(self) -> dict[str, object]:
        payload = super().to_json()
        del payload["id"]
        return payload


class WithoutId(cogbuilder.Builder[model.VariableModel]):
    def __init__(self, inner: cogbuilder.Builder[model.VariableModel]) -> None:
        self._inner = inner

    def build(self) -> model.VariableModel:
        return Variable(**vars(self._inner.build()))


def _all() -> model.VariableOption:
    return model.VariableOption(selected=True, text=["All"], value=["$__all"])


def _query(name: str, label: str, description: str, query: str, store: Store) -> WithoutId:
    return WithoutId(
        dash.QueryVariable(name)
        .label(label)
        .description(description)
        .datasource(store.datasource.ref)
        .query(query.strip())
        .refresh(model.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value(all_value(store))
        .current(_all())
    )


def instance(store: Store = TIMESTREAM) -> WithoutId:
    return _query(
        "instance",
        "Instance",
        "Amazon Connect instance id (last segment of the instance ARN).",
        influxql.VARIABLE_INSTANCE if store.is_influxdb else sql.VARIABLE_INSTANCE,
        store,
    )


def queue(store: Store = TIMESTREAM) -> WithoutId:
    if store.is_influxdb:
        description = "Every queue of the selected instances in which a contact ended (the job's contact figures)."
        return _query("queue", "Queue", description, influxql.VARIABLE_QUEUE, store)
    return _query(
        "queue",
        "Queue",
        "Every queue of the selected instances, staffed or not (inventory, Connect's figures and the job's tables).",
        sql.VARIABLE_QUEUE,
        store,
    )


def channel(store: Store = TIMESTREAM) -> WithoutId:
    return WithoutId(
        dash.CustomVariable("channel")
        .label("Channel")
        .description("Contact channel (contact figures and Connect's own figures; agent states have no channel).")
        .values(",".join(CHANNELS))
        .multi(True)
        .include_all(True)
        .all_value(all_value(store))
        .current(_all())
    )


def service_level_threshold() -> WithoutId:
    return WithoutId(
        dash.CustomVariable("sl")
        .label("Service level within (s)")
        .description("One of the job's service_level.thresholds.seconds: service_level_<X>s.")
        .values(",".join(SERVICE_LEVEL_THRESHOLDS))
        .current(model.VariableOption(selected=True, text="20", value="20"))
    )


def all_variables(store: Store = TIMESTREAM) -> list[WithoutId]:
    return [instance(store), queue(store), channel(store), service_level_threshold()]
