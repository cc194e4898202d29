"""Dashboard "Connect — real time": the job's figures as they are written, Connect's own beside them, and the
pipeline's health. Refreshes every 30 s (the job writes agent snapshots every 10 s and contact windows every
60 s; Connect's own figures arrive each minute)."""

from __future__ import annotations

from grafana_foundation_sdk.builders import common
from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as model

from grafana import datasources, sql, targets, variables, wallboard
from grafana.panels import (
    cloudwatch_metric,
    override,
    partition_by,
    stat_panel,
    table_panel,
    time_series,
    timestream,
)
from grafana.targets import Targets

UID = "connect-realtime"
TITLE = "Connect — real time"
FRESHNESS: tuple[tuple[float | None, str], ...] = ((None, "green"), (60, "orange"), (300, "red"))


def _now_row(board: dash.Dashboard, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Now"))
    board = board.with_panel(wallboard.queue_table(targets))
    board = board.with_panel(
        stat_panel(
            "Agents in the instance (Connect)",
            "Connect's own count for the whole instance (GetCurrentMetricData without grouping, every minute: "
            "persist_instance_data's instance_current rows), each agent once whatever the queues of its routing "
            "profile; per-queue counts are in the table. On contact includes ACW, as in Connect. Not filtered by "
            "queue.",
            [timestream(sql.INSTANCE_AGENTS_NOW, wait_for_result=True)],
            "none",
            span=10,
        )
    )
    default = targets.default
    board = board.with_panel(
        stat_panel(
            "Service level, last 15 min",
            "Share of queued contacts removed from the queue within ${sl} s (answered or abandoned) over the job's "
            "rolling 15 minutes, weighted by contacts queued, over the selected queues and channels. Bands: the "
            "default targets of grafana/targets.yaml (per-queue targets colour the table).",
            [timestream(sql.SERVICE_LEVEL_LAST_15_MIN, wait_for_result=True)],
            "percentunit",
            steps=default.service_level_steps(),
            colour_background=True,
        ).decimals(1)
    )
    board = board.with_panel(
        stat_panel(
            "Abandonment, last 15 min",
            "Abandoned / queued over the job's rolling 15 minutes. Bands: the default targets of grafana/targets.yaml.",
            [timestream(sql.ABANDONMENT_LAST_15_MIN, wait_for_result=True)],
            "percentunit",
            steps=default.abandonment_steps(),
            colour_background=True,
        ).decimals(1)
    )
    board = board.with_panel(
        stat_panel(
            "Job output age",
            "Seconds between now and the job's newest snapshot, whatever the dashboard's range, so a stopped job "
            "turns red instead of showing no data. More than a minute: the job is behind or stopped (it writes a "
            "snapshot every 10 s of event time while agent events arrive; with nobody logged in its output pauses).",
            [timestream(sql.JOB_OUTPUT_AGE, wait_for_result=True)],
            "s",
            span=6,
            steps=FRESHNESS,
            colour_background=True,
        ).mappings(
            [
                model.ValueMap(
                    options={str(sql.NO_OUTPUT_FOR_A_DAY): model.ValueMappingResult(text="none in 24 h", color="red")}
                )
            ]
        )
    )
    return board


def _service_row(board: dash.Dashboard, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Service (job: queue_contact_metrics, 60 s windows on disconnect time)"))
    board = board.with_panel(
        time_series(
            "Service level within ${sl} s",
            "Per window, weighted by contacts queued over the selected queues and channels. Colour bands: the "
            "default targets of grafana/targets.yaml (per-queue targets colour the table).",
            [timestream(sql.SERVICE_LEVEL_OVER_TIME)],
            "percentunit",
            steps=targets.default.service_level_steps(),
        )
        .min(0)
        .max(1)
        .thresholds_style(common.GraphThresholdsStyleConfig().mode(common_model.GraphTresholdsStyleMode.AREA))
    )
    abandonment = time_series(
        "Abandonment",
        "Abandoned contacts per window (bars) and abandonment rate (line, right axis): abandoned / queued.",
        [timestream(sql.ABANDONMENT_OVER_TIME)],
        "none",
        steps=targets.default.abandonment_steps(),
    )
    name, props = override("abandonment rate", unit="percentunit", custom__axisPlacement="right")
    abandonment = abandonment.override_by_name(name, props)
    name, props = override("abandoned", custom__drawStyle="bars", custom__fillOpacity=60)
    board = board.with_panel(abandonment.override_by_name(name, props))
    board = board.with_panel(
        time_series(
            "Contacts per window",
            "Queued, handled (connected to an agent) and abandoned contacts per 60 s window (CTRs deduplicated "
            "by ContactId, latest LastUpdateTimestamp).",
            [timestream(sql.CONTACT_VOLUME)],
            "none",
        ).draw_style(common_model.GraphDrawStyle.BARS)
    )
    board = board.with_panel(
        time_series(
            "Queue wait of handled contacts",
            "Queue.Duration of the contacts an agent answered: average and p90 per window, per queue and channel.",
            [timestream(sql.QUEUE_WAIT)],
            "s",
        ).with_transformation(partition_by("queue_name", "channel"))
    )
    board = board.with_panel(
        time_series(
            "In queue now (Connect)",
            "Connect's own CONTACTS_IN_QUEUE and OLDEST_CONTACT_AGE (GetCurrentMetricData, every minute, "
            "instance_metrics), over the selected queues and channels. The job's own live queue is compared with "
            "them per queue below.",
            [timestream(sql.CONNECT_IN_QUEUE_OVER_TIME)],
            "none",
        ).override_by_name(*override("oldest contact", unit="s", custom__axisPlacement="right"))
    )
    return board


def _queue_row(board: dash.Dashboard, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Queue $queue").repeat("queue"))
    states = (
        time_series(
            "Agent states — $queue",
            "The job's snapshots every 10 s (agent_state_by_queue), stacked: available, connected or on hold, "
            "after-contact work (the two make Connect's On contact), non-productive (custom status) and error; "
            "online as a line.",
            [timestream(sql.AGENT_STATES_OVER_TIME)],
            "none",
        )
        .stacking(common.StackingConfig().mode(common_model.StackingMode.NORMAL))
        .fill_opacity(60)
        .line_width(1)
        .interval("10s")
    )
    name, props = override(
        "online", custom__stacking={"mode": "none", "group": "A"}, custom__fillOpacity=0, custom__lineWidth=2
    )
    board = board.with_panel(states.override_by_name(name, props))
    board = board.with_panel(
        time_series(
            "Handle time p50 / p90 / p99 — $queue",
            "Talk + hold + after-contact work of the contacts handled in each 60 s window (percentiles by linear "
            "interpolation), per channel.",
            [timestream(sql.HANDLE_TIME_PERCENTILES)],
            "s",
        ).with_transformation(partition_by("channel"))
    )
    cross_check = time_series(
        "Agents: job vs Connect — $queue",
        "The job's snapshot at each minute beside Connect's own GetCurrentMetricData figures for the same minute "
        "(instance_metrics, written by persist_instance_data; the largest channel's count). They should agree; "
        "a lasting gap means lost or late agent events, or a routing-profile change the job has not seen.",
        [timestream(sql.AGENTS_JOB_VS_CONNECT)],
        "none",
    )
    for label in ("online (Connect)", "available (Connect)", "on contact (Connect)"):
        name, props = override(label, custom__lineStyle={"fill": "dash", "dash": [10, 10]})
        cross_check = cross_check.override_by_name(name, props)
    board = board.with_panel(cross_check)
    waiting = time_series(
        "In queue and oldest: job vs Connect — $queue",
        "The job's live queue (queue_contacts_waiting, from contact events) beside Connect's GetCurrentMetricData "
        "for the same minute (instance_metrics): contacts in queue (left axis) and the oldest contact's wait "
        "(right axis). They should agree; a lasting gap means lost or late contact events.",
        [timestream(sql.WAITING_JOB_VS_CONNECT)],
        "none",
    )
    for label in ("oldest (Connect)", "oldest (job)"):
        waiting = waiting.override_by_name(*override(label, unit="s", custom__axisPlacement="right"))
    for label in ("in queue (Connect)", "oldest (Connect)"):
        waiting = waiting.override_by_name(*override(label, custom__lineStyle={"fill": "dash", "dash": [10, 10]}))
    board = board.with_panel(waiting)
    board = board.with_panel(
        stat_panel(
            "Agents now — $queue",
            "The job's newest snapshot of this queue. On contact includes ACW, as in Connect.",
            [timestream(sql.AGENTS_NOW, wait_for_result=True)],
            "none",
            span=12,
            height=8,
        )
    )
    return board


def _quality_row(board: dash.Dashboard, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Data quality"))
    application = {"Application": datasources.FLINK_APPLICATION}
    board = board.with_panel(
        time_series(
            "Dead letters, rejected writes, late events",
            "CloudWatch, per minute. A: stream records that are neither an agent event nor a CTR (the job sends "
            "them to its dead-letter output, which is not written to Timestream; persist_agent_event reads the same "
            "stream and counts them as RejectedRecords). B: records Timestream rejected (the job's sink, "
            "numRecordsRejected). C/D: agent events and CTRs that came too late to be counted. B-D are the job's "
            "Flink counters, published by Managed Flink under the kinesisanalytics metric group.",
            [
                cloudwatch_metric(
                    "A",
                    datasources.LAMBDA_METRICS_NAMESPACE,
                    "RejectedRecords",
                    {"service": "persist_agent_event"},
                    "unusable stream records",
                ),
                cloudwatch_metric(
                    "B", "AWS/KinesisAnalytics", "numRecordsRejected", application, "rejected by Timestream"
                ),
                cloudwatch_metric("C", "AWS/KinesisAnalytics", "agentEventsTooLate", application, "late agent events"),
                cloudwatch_metric("D", "AWS/KinesisAnalytics", "ctrsTooLate", application, "late CTRs"),
            ],
            "none",
        ).draw_style(common_model.GraphDrawStyle.BARS)
    )
    board = board.with_panel(
        table_panel(
            "Job output age by queue",
            "The newest snapshot the job wrote for each selected queue, and its age. A queue falling behind the "
            "others points at one Kinesis shard lagging (the job's event time is per shard).",
            timestream(sql.JOB_OUTPUT_AGE_BY_QUEUE, wait_for_result=True),
            steps=FRESHNESS,
        ).override_by_name(
            "age",
            [
                model.DynamicConfigValue(id_val="unit", value="s"),
                model.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"}),
            ],
        )
    )
    return board


def build(queue_targets: Targets | None = None) -> model.Dashboard:
    queue_targets = queue_targets or targets.load()
    board = (
        dash.Dashboard(TITLE)
        .uid(UID)
        .description("Amazon Connect queues in real time: the Flink job's metrics (Timestream), Connect's own.")
        .tags(["connect-monitor", "amazon-connect", "real-time"])
        .time("now-1h", "now")
        .timezone("browser")
        .refresh("30s")
        .timepicker(dash.TimePicker().refresh_intervals(["10s", "30s", "1m", "5m", "15m"]))
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .editable()
        .variables(variables.all_variables())
        .link(
            dash.DashboardLink("Now and history")
            .type(model.DashboardLinkType.DASHBOARDS)
            .tags(["connect-monitor"])
            .as_dropdown(False)
            .include_vars(True)
            .keep_time(False)
        )
    )
    for section in (_now_row, _service_row, _queue_row, _quality_row):
        board = section(board, queue_targets)
    return board.build()
