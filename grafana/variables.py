"""Template variables shared by the dashboards: instance, queue, channel (and the service-level threshold).

Instance and queue lists come from the job's `agent_state_by_queue` (every queue of a routing profile has a row
at every snapshot); channel is Connect's fixed list. All are multi-value with "All"; queries use them as
`IN (${name:sqlstring})`.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.models import dashboard as model

from grafana import datasources, sql

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
SERVICE_LEVEL_THRESHOLDS = ("20", "60")  # the job's default `service_level.thresholds.seconds`


def _all() -> model.VariableOption:
    return model.VariableOption(selected=True, text=["All"], value=["$__all"])


def instance() -> dash.QueryVariable:
    return (
        dash.QueryVariable("instance")
        .label("Instance")
        .description("Amazon Connect instance id (last segment of the instance ARN).")
        .datasource(datasources.TIMESTREAM.ref)
        .query(sql.VARIABLE_INSTANCE)
        .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .current(_all())
    )


def queue() -> dash.QueryVariable:
    return (
        dash.QueryVariable("queue")
        .label("Queue")
        .description("Queue name, from the job's snapshots of the selected instances.")
        .datasource(datasources.TIMESTREAM.ref)
        .query(sql.VARIABLE_QUEUE)
        .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .current(_all())
    )


def channel() -> dash.CustomVariable:
    return (
        dash.CustomVariable("channel")
        .label("Channel")
        .description("Contact channel (contact figures and Connect's own figures; agent states have no channel).")
        .values(",".join(CHANNELS))
        .multi(True)
        .include_all(True)
        .current(_all())
    )


def service_level_threshold() -> dash.CustomVariable:
    return (
        dash.CustomVariable("sl")
        .label("Service level within (s)")
        .description("One of the job's service_level.thresholds.seconds: service_level_<X>s.")
        .values(",".join(SERVICE_LEVEL_THRESHOLDS))
        .current(model.VariableOption(selected=True, text="20", value="20"))
    )


def all_variables() -> list:
    return [instance(), queue(), channel(), service_level_threshold()]
