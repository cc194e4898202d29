"""Dashboard "Connect — real time": the job's figures as they are written, Connect's own beside them, and the
pipeline's health. Refreshes every 30 s (the job writes agent snapshots every 10 s and contact windows every
60 s; Connect's own figures arrive each minute).

Built once for each of the job's stores (grafana/figures.py): `connect-realtime` reads Timestream, and
`connect-realtime-influxdb` the same panels from InfluxDB in InfluxQL, where Connect's own figures (written by
persist_instance_data to Timestream only) are left out with the reason in their place."""

from __future__ import annotations

from grafana_foundation_sdk.builders import common
from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as model

from grafana import datasources, figures, sql, targets, variables, wallboard
from grafana.figures import Store
from grafana.panels import cloudwatch_metric, override, stat_panel, table_panel, time_series
from grafana.targets import Targets

UID = "connect-realtime"
TITLE = "Connect — real time"
FRESHNESS: tuple[tuple[float | None, str], ...] = ((None, "green"), (60, "orange"), (300, "red"))


def _now_row(board: dash.Dashboard, store: Store, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Now"))
    board = board.with_panel(wallboard.queue_table(targets, store))
    board = board.with_panel(
        store.panel(
            figures.INSTANCE_AGENTS_NOW,
            lambda targets_: stat_panel(
                "Agents in the instance (Connect)",
                "Connect's own count for the whole instance (GetCurrentMetricData without grouping, every minute: "
                "persist_instance_data's instance_current rows), each agent once whatever the queues of its "
                "routing profile; per-queue counts are in the table. On contact includes ACW, as in Connect. Not "
                "filtered by queue.",
                targets_,
                "none",
                span=10,
            ),
            table=True,
        )
    )
    default = targets.default
    board = board.with_panel(
        store.panel(
            figures.SERVICE_LEVEL_LAST_15_MIN,
            lambda targets_: stat_panel(
                "Service level, last 15 min",
                "Share of queued contacts removed from the queue within ${sl} s (answered or abandoned) over the "
                "job's rolling 15 minutes, weighted by contacts queued, over the selected queues and channels. "
                "Bands: the default targets of grafana/targets.yaml (per-queue targets colour the table).",
                targets_,
                "percentunit",
                steps=default.service_level_steps(),
                colour_background=True,
            ).decimals(1),
            table=True,
        )
    )
    board = board.with_panel(
        store.panel(
            figures.ABANDONMENT_LAST_15_MIN,
            lambda targets_: stat_panel(
                "Abandonment, last 15 min",
                "Abandoned / queued over the job's rolling 15 minutes. Bands: the default targets of "
                "grafana/targets.yaml.",
                targets_,
                "percentunit",
                steps=default.abandonment_steps(),
                colour_background=True,
            ).decimals(1),
            table=True,
        )
    )
    none_in_a_day = model.ValueMappingResult(text="none in 24 h", color="red")
    age = store.panel(
        figures.JOB_OUTPUT_AGE,
        lambda targets_: stat_panel(
            "Job output age",
            "Seconds between now and the job's newest snapshot, whatever the dashboard's range, so a stopped job "
            "turns red instead of showing no data. More than a minute: the job is behind or stopped (it writes a "
            "snapshot every 10 s of event time while agent events arrive; with nobody logged in its output pauses).",
            targets_,
            "s",
            span=6,
            steps=FRESHNESS,
            colour_background=True,
        ).mappings([model.ValueMap(options={str(sql.NO_OUTPUT_FOR_A_DAY): none_in_a_day})]),
        table=True,
    )
    # InfluxQL answers nothing at all when the job wrote nothing in the day (no row to count).
    return board.with_panel(age.no_value("none in 24 h") if store.is_influxdb else age)


def _service_row(board: dash.Dashboard, store: Store, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Service (job: queue_contact_metrics, 60 s windows on disconnect time)"))
    board = board.with_panel(
        store.panel(
            figures.SERVICE_LEVEL_OVER_TIME,
            lambda targets_: (
                time_series(
                    "Service level within ${sl} s",
                    "Per window, weighted by contacts queued over the selected queues and channels. Colour bands: the "
                    "default targets of grafana/targets.yaml (per-queue targets colour the table).",
                    targets_,
                    "percentunit",
                    steps=targets.default.service_level_steps(),
                )
                .min(0)
                .max(1)
                .thresholds_style(common.GraphThresholdsStyleConfig().mode(common_model.GraphTresholdsStyleMode.AREA))
            ),
        )
    )

    def abandonment(targets_: list) -> object:
        panel = time_series(
            "Abandonment",
            "Abandoned contacts per window (bars) and abandonment rate (line, right axis): abandoned / queued.",
            targets_,
            "none",
            steps=targets.default.abandonment_steps(),
        )
        name, props = override("abandonment rate", unit="percentunit", custom__axisPlacement="right")
        panel = panel.override_by_name(name, props)
        name, props = override("abandoned", custom__drawStyle="bars", custom__fillOpacity=60)
        return panel.override_by_name(name, props)

    board = board.with_panel(store.panel(figures.ABANDONMENT_OVER_TIME, abandonment))
    board = board.with_panel(
        store.panel(
            figures.CONTACT_VOLUME,
            lambda targets_: time_series(
                "Contacts per window",
                "Queued, handled (connected to an agent) and abandoned contacts per 60 s window (CTRs deduplicated "
                "by ContactId, latest LastUpdateTimestamp).",
                targets_,
                "none",
            ).draw_style(common_model.GraphDrawStyle.BARS),
        )
    )
    board = board.with_panel(
        store.panel(
            figures.QUEUE_WAIT,
            lambda targets_: store.split_by(
                time_series(
                    "Queue wait of handled contacts",
                    "Queue.Duration of the contacts an agent answered: average and p90 per window, per queue and "
                    "channel.",
                    targets_,
                    "s",
                ),
                "queue_name",
                "channel",
            ),
        )
    )
    board = board.with_panel(
        store.panel(
            figures.CONNECT_IN_QUEUE_OVER_TIME,
            lambda targets_: time_series(
                "In queue now (Connect)",
                "Connect's own CONTACTS_IN_QUEUE and OLDEST_CONTACT_AGE (GetCurrentMetricData, every minute, "
                "instance_metrics), over the selected queues and channels. The job's own live queue is compared "
                "with them per queue below.",
                targets_,
                "none",
            ).override_by_name(*override("oldest contact", unit="s", custom__axisPlacement="right")),
        )
    )
    return board


def _queue_row(board: dash.Dashboard, store: Store, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Queue $queue").repeat("queue"))

    def states(targets_: list) -> object:
        panel = (
            time_series(
                "Agent states — $queue",
                "The job's snapshots every 10 s (agent_state_by_queue), stacked: available, connected or on hold, "
                "after-contact work (the two make Connect's On contact), non-productive (custom status) and error; "
                "online as a line.",
                targets_,
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
        return panel.override_by_name(name, props)

    board = board.with_panel(store.panel(figures.AGENT_STATES_OVER_TIME, states))
    board = board.with_panel(
        store.panel(
            figures.HANDLE_TIME_PERCENTILES,
            lambda targets_: store.split_by(
                time_series(
                    "Handle time p50 / p90 / p99 — $queue",
                    "Talk + hold + after-contact work of the contacts handled in each 60 s window (percentiles by "
                    "linear interpolation), per channel.",
                    targets_,
                    "s",
                ),
                "channel",
            ),
        )
    )

    def cross_check(targets_: list) -> object:
        panel = time_series(
            "Agents: job vs Connect — $queue",
            "The job's snapshot at each minute beside Connect's own GetCurrentMetricData figures for the same "
            "minute (instance_metrics, written by persist_instance_data; the largest channel's count). They should "
            "agree; a lasting gap means lost or late agent events, or a routing-profile change the job has not seen.",
            targets_,
            "none",
        )
        for label in ("online (Connect)", "available (Connect)", "on contact (Connect)"):
            name, props = override(label, custom__lineStyle={"fill": "dash", "dash": [10, 10]})
            panel = panel.override_by_name(name, props)
        return panel

    board = board.with_panel(store.panel(figures.AGENTS_JOB_VS_CONNECT, cross_check))

    def waiting(targets_: list) -> object:
        panel = time_series(
            "In queue and oldest: job vs Connect — $queue",
            "The job's live queue (queue_contacts_waiting, from contact events) beside Connect's "
            "GetCurrentMetricData for the same minute (instance_metrics): contacts in queue (left axis) and the "
            "oldest contact's wait (right axis). They should agree; a lasting gap means lost or late contact events.",
            targets_,
            "none",
        )
        for label in ("oldest (Connect)", "oldest (job)"):
            panel = panel.override_by_name(*override(label, unit="s", custom__axisPlacement="right"))
        for label in ("in queue (Connect)", "oldest (Connect)"):
            panel = panel.override_by_name(*override(label, custom__lineStyle={"fill": "dash", "dash": [10, 10]}))
        return panel

    board = board.with_panel(store.panel(figures.WAITING_JOB_VS_CONNECT, waiting))
    board = board.with_panel(
        store.panel(
            figures.AGENTS_NOW,
            lambda targets_: stat_panel(
                "Agents now — $queue",
                "The job's newest snapshot of this queue. On contact includes ACW, as in Connect.",
                targets_,
                "none",
                span=12,
                height=8,
            ),
            table=True,
        )
    )
    return board


def _quality_row(board: dash.Dashboard, store: Store, targets: Targets) -> dash.Dashboard:
    board = board.with_row(dash.Row("Data quality"))
    application = {"Application": datasources.FLINK_APPLICATION}
    board = board.with_panel(
        time_series(
            "Dead letters, rejected writes, late events",
            "CloudWatch, per minute. A: stream records that are neither an agent event nor a CTR (the job sends "
            f"them to its dead-letter output, which is not written to {store.name}; persist_agent_event reads the "
            f"same stream and counts them as RejectedRecords). B: records {store.name} rejected (the job's sink, "
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
                    "B", "AWS/KinesisAnalytics", "numRecordsRejected", application, f"rejected by {store.name}"
                ),
                cloudwatch_metric("C", "AWS/KinesisAnalytics", "agentEventsTooLate", application, "late agent events"),
                cloudwatch_metric("D", "AWS/KinesisAnalytics", "ctrsTooLate", application, "late CTRs"),
            ],
            "none",
        ).draw_style(common_model.GraphDrawStyle.BARS)
    )

    def output_age(targets_: list) -> object:
        panel = table_panel(
            "Job output age by queue",
            "The newest snapshot the job wrote for each selected queue, and its age. A queue falling behind the "
            "others points at one Kinesis shard lagging (the job's event time is per shard).",
            targets_,
            steps=FRESHNESS,
        ).override_by_name(
            "age",
            [
                model.DynamicConfigValue(id_val="unit", value="s"),
                model.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"}),
            ],
        )
        return wallboard.influx_table_columns(panel, {"queue_name": "queue"}) if store.is_influxdb else panel

    return board.with_panel(store.panel(figures.JOB_OUTPUT_AGE_BY_QUEUE, output_age, table=True))


def uid(store: Store = figures.TIMESTREAM) -> str:
    return UID + store.uid_suffix


def build(queue_targets: Targets | None = None, store: Store = figures.TIMESTREAM) -> model.Dashboard:
    queue_targets = queue_targets or targets.load()
    board = (
        dash.Dashboard(TITLE + store.title_suffix)
        .uid(uid(store))
        .description(
            f"Amazon Connect queues in real time: the Flink job's metrics ({store.name})"
            + (", Connect's own." if not store.is_influxdb else "; Connect's own are in the Timestream dashboard.")
        )
        .tags(["connect-monitor", "amazon-connect", "real-time"])
        .time("now-1h", "now")
        .timezone("browser")
        .refresh("30s")
        .timepicker(dash.TimePicker().refresh_intervals(["10s", "30s", "1m", "5m", "15m"]))
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .editable()
        .variables(variables.all_variables(store))
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
        board = section(board, store, queue_targets)
    return board.build()


def build_influxdb(queue_targets: Targets | None = None) -> model.Dashboard:
    return build(queue_targets, figures.INFLUXDB)
