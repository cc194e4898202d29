"""Dashboard "Connect — now and history": each figure twice, from the job in Timestream (the last hours, per
hour) and from the CTR history in Athena (weeks, per day), with the same definitions, side by side.

Timestream keeps the job's windows (memory store 24 h, magnetic store 400 days by default, but queries over
weeks there are slow and costly); Athena reads every CTR Firehose archived. The two agree on the hours they
share, apart from approximate percentiles (Athena's approx_percentile) and records Firehose has not yet
delivered (up to its buffering interval, 5 minutes by default)."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.builders import stat
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as model

from grafana import sql, targets, variables
from grafana.panels import NEUTRAL, athena_query, shared, stat_panel, time_series, timestream

UID = "connect-now-and-history"
TITLE = "Connect — now and history"
RECENT = "6h"  # Timestream panels: the last 6 hours, whatever the dashboard's range
HISTORY = "28d"  # Athena panels: the last 4 weeks

# Placeholder ids of the two panels that run the hourly and daily queries; the other figures' panels show their
# results (`-- Dashboard --`), so each query runs once. grafana.build renumbers panels and these references alike.
RECENT_SOURCE, HISTORY_SOURCE = 1001, 1002


def _figures() -> tuple[tuple[str, str, str, tuple[tuple[float | None, str], ...]], ...]:
    """(column in both queries, title, unit, thresholds); bands from the default targets."""
    default = targets.load().default
    return (
        ("queued", "Contacts queued", "none", NEUTRAL),
        ("service level", "Service level within ${sl} s", "percentunit", default.service_level_steps()),
        ("abandonment rate", "Abandonment rate", "percentunit", default.abandonment_steps()),
        ("handle time (avg)", "Handle time (average)", "s", NEUTRAL),
        ("queue wait (avg)", "Queue wait of handled contacts (average)", "s", NEUTRAL),
    )


def _only(column: str) -> model.DataTransformerConfig:
    """Keep the time and one figure of a query that returns all of them (one query text per source)."""
    return model.DataTransformerConfig(id_val="filterFieldsByName", options={"include": {"names": ["time", column]}})


TOTAL_UNITS = {
    "abandonment rate": "percentunit",
    "service level": "percentunit",
    "handle time (avg)": "s",
    "queue wait (avg)": "s",
}


def _totals(title: str, target: cogbuilder.Builder, period: str) -> stat.Panel:
    panel = stat_panel(
        title,
        "Queued and handled counts, abandonment, service level and average handle time over the range.",
        [target],
        "none",
        span=12,
    ).time_from(period)
    for name, unit in TOTAL_UNITS.items():
        panel = panel.override_by_name(name, [model.DynamicConfigValue(id_val="unit", value=unit)])
    return panel


def build() -> model.Dashboard:
    board = (
        dash.Dashboard(TITLE)
        .uid(UID)
        .description("The same contact figures from Timestream (the job, last hours) and Athena (CTR history, weeks).")
        .tags(["connect-monitor", "amazon-connect", "history"])
        .time("now-6h", "now")
        .timezone("browser")
        .refresh("5m")
        .timepicker(dash.TimePicker().refresh_intervals(["1m", "5m", "15m", "1h"]))
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .editable()
        .variables(variables.all_variables())
        .link(
            dash.DashboardLink("Real time")
            .type(model.DashboardLinkType.DASHBOARDS)
            .tags(["connect-monitor"])
            .as_dropdown(False)
            .include_vars(True)
            .keep_time(False)
        )
    )
    board = board.with_row(dash.Row("Totals: last 6 hours (Timestream) and last 4 weeks (Athena)"))
    board = board.with_panel(
        _totals(f"Last {RECENT} — job (Timestream)", timestream(sql.RECENT_TOTALS, wait_for_result=True), RECENT)
    )
    board = board.with_panel(
        _totals(f"Last {HISTORY} — CTR history (Athena)", athena_query(sql.HISTORY_TOTALS, table=True), HISTORY)
    )
    for index, (column, title, unit, steps) in enumerate(_figures()):
        first = index == 0
        board = board.with_row(dash.Row(title))
        recent = time_series(
            f"{title} — per hour, last {RECENT} (Timestream)",
            "From the job's 60 s windows (queue_contact_metrics), aggregated per hour with each figure's own weight.",
            [timestream(sql.RECENT_HOURLY_FIGURES) if first else shared(RECENT_SOURCE)],
            unit,
            steps=steps,
        ).time_from(RECENT)
        history = time_series(
            f"{title} — per day, last {HISTORY} (Athena)",
            "From the CTR history (Glue table ctr): CTRs deduplicated by contact id, on disconnect time.",
            [athena_query(sql.HISTORY_DAILY_FIGURES) if first else shared(HISTORY_SOURCE)],
            unit,
            steps=steps,
        ).time_from(HISTORY)
        if first:
            recent, history = recent.id(RECENT_SOURCE), history.id(HISTORY_SOURCE)
        if column == "queued":
            recent = recent.draw_style(common_model.GraphDrawStyle.BARS)
            history = history.draw_style(common_model.GraphDrawStyle.BARS)
        board = board.with_panel(recent.with_transformation(_only(column)))
        board = board.with_panel(history.with_transformation(_only(column)))
    board = board.with_row(dash.Row("Handle time percentiles (Athena)"))
    board = board.with_panel(
        time_series(
            f"Handle time p50 / p90 / p99 — per day, last {HISTORY} (Athena)",
            "approx_percentile over the handled contacts of each day (the job's per-window percentiles cannot be "
            "merged into daily ones).",
            [athena_query(sql.HISTORY_HANDLE_TIME_PERCENTILES)],
            "s",
            span=24,
        ).time_from(HISTORY)
    )
    return board.build()
