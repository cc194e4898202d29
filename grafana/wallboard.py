"""The supervisor's per-queue table, like Connect's real-time metrics page: one row per queue of the instance,
staffed or not, with the queue now, the agents now, and the contacts of today and of the last 15 minutes.

The cells with a target (service level, oldest contact, abandonment rate) are coloured per queue (grafana/targets.py).
Grafana colours a table cell from thresholds of its whole column, never per row, so the SQL decides the band and
sends `<band>|<text>` (e.g. `red|68 %`); a regex value mapping per band shows the text on the band's colour. The
other cells stay numbers (sortable, with units).

The InfluxDB dashboard's table (`queue_table(targets, figures.INFLUXDB)`) has the same columns from several InfluxQL
targets, one row per queue each (grafana/influxql.py `queue_table`), merged on the queue by Grafana's `merge`
transformation: InfluxQL has no joins. It has neither CASE nor string functions either, so its cells stay numbers
coloured by the default targets' thresholds (per column); each queue's own service-level threshold still applies
(one target per threshold), its other targets do not.
"""

from __future__ import annotations

from collections.abc import Callable

from grafana_foundation_sdk.builders import common, table
from grafana_foundation_sdk.models import dashboard as model

from grafana import influxql, sql
from grafana.figures import TIMESTREAM, Store, influx_target
from grafana.panels import table_panel, thresholds, timestream
from grafana.targets import Targets

BANDS = {"green": "green", "amber": "orange", "red": "red"}  # band in the SQL -> Grafana colour
SEPARATOR = "|"
NOW_SCOPE = f"{sql.INSTANCE} AND {sql.QUEUE}"
CONTACT_SCOPE = sql.CONTACT_SCOPE

AGENT_COLUMNS = sql.AGENT_COLUMNS
PERIODS = ("today", "15 min")
CONTACT_FIGURES = ("Queued", "Handled", "Abandoned", "Abandonment", "Service level", "AHT", "Answer time", "Max queued")


def percent(value: str) -> str:
    return f"CAST(CAST(round({value} * 100) AS bigint) AS varchar) || ' %'"


def minutes_seconds(value: str) -> str:
    whole = f"CAST(round({value}) AS bigint)"
    return f"CAST({whole} / 60 AS varchar) || ':' || lpad(CAST({whole} % 60 AS varchar), 2, '0')"


def band(value: str, green: str, red: str, text: str) -> str:
    """`<band>|<text>` of a figure, NULL when the figure is (no contact, no data)."""
    colour = f"CASE WHEN {value} IS NULL THEN NULL WHEN {green} THEN 'green' WHEN {red} THEN 'red' ELSE 'amber' END"
    return f"{colour} || '{SEPARATOR}' || {text}"


def service_level_band(value: str, targets: Targets) -> str:
    target, critical = (
        targets.case("service_level_target", "q.queue_name"),
        targets.case("service_level_critical", "q.queue_name"),
    )
    return band(value, f"{value} >= {target}", f"{value} < {critical}", percent(value))


def abandonment_band(value: str, targets: Targets) -> str:
    warning, ceiling = (
        targets.case("abandonment_warning", "q.queue_name"),
        targets.case("abandonment_ceiling", "q.queue_name"),
    )
    return band(value, f"{value} <= {warning}", f"{value} > {ceiling}", percent(value))


def oldest_band(value: str, targets: Targets) -> str:
    warning = targets.case("oldest_contact_warning_seconds", "q.queue_name")
    critical = targets.case("oldest_contact_critical_seconds", "q.queue_name")
    return band(value, f"{value} <= {warning}", f"{value} > {critical}", minutes_seconds(value))


def waiting(scope: str) -> str:
    """CTEs `waiting` (the job's live queue) and `connect_waiting` (Connect's per-minute figures), per queue."""
    named_scope = scope.replace(sql.QUEUE, sql.selected("queue", "named"))  # filter on the resolved name
    job = sql.newest(sql.JOB_WAITING, "contacts_waiting", named_scope, "15m")
    connect = sql.newest(sql.CONNECT_CURRENT, "queue_current", scope, "5m")
    figures = "sum(contacts_in_queue) AS in_queue, max(oldest_contact_age_seconds) AS oldest"
    # The live queue's rows by their name, or by the name other sources give their queue id.
    named = f"""SELECT j.*, coalesce(nullif(j.queue_name, ''), n.queue_name) AS named
    FROM $__database.{sql.JOB_WAITING} j
    LEFT JOIN ({sql.QUEUE_NAMES_BY_ID}) n ON n.instance_id = j.instance_id AND n.queue_id = j.queue_id"""
    job = job.replace(f"$__database.{sql.JOB_WAITING}", f"({named})", 1)
    return f"""waiting AS (
  SELECT instance_id, named AS queue_name, {figures} FROM ({job}) GROUP BY instance_id, named
), connect_waiting AS (
  SELECT instance_id, queue_name, {figures} FROM ({connect}) GROUP BY instance_id, queue_name
)"""


# In queue and Oldest of a queue joined with `waiting` (w) and `connect_waiting` (c): the job's live queue where it
# has the queue, else Connect's.
IN_QUEUE, OLDEST = "coalesce(w.in_queue, c.in_queue)", "coalesce(w.oldest, c.oldest)"


def _contact_columns(label: str, pick: Callable[[str], str], targets: Targets) -> list[str]:
    return [
        f'{pick("queued")} AS "Queued {label}"',
        f'{pick("handled")} AS "Handled {label}"',
        f'{pick("abandoned")} AS "Abandoned {label}"',
        f'{abandonment_band(pick("abandonment_rate"), targets)} AS "Abandonment {label}"',
        f'{service_level_band(pick("service_level"), targets)} AS "Service level {label}"',
        f'{pick("handle_time")} AS "AHT {label}"',
        f'{pick("answer_time")} AS "Answer time {label}"',
        f'{pick("max_queued")} AS "Max queued {label}"',
    ]


def queue_table_sql(targets: Targets) -> str:
    by_queue = "GROUP BY instance_id, queue_name"
    figures = sql.contact_figures(targets.service_level())
    agents = "CASE WHEN s.instance_id IS NOT NULL THEN coalesce(a.{}, 0) END"  # 0 only when the job has a snapshot
    columns = [
        'q.queue_name AS "Queue"',
        f'{IN_QUEUE} AS "In queue"',
        f'{oldest_band(OLDEST, targets)} AS "Oldest"',
        *(f'{agents.format(measure)} AS "{label}"' for measure, label in AGENT_COLUMNS),
        *_contact_columns("today", lambda f: f"today.{f}", targets),
        *_contact_columns("15 min", lambda f: sql.ROLLING_OR_WINDOWS.format(figure=f), targets),
    ]
    select = ",\n       ".join(columns)
    return f"""
WITH queues AS (
  SELECT DISTINCT instance_id, queue_name FROM (
  {sql.KNOWN_QUEUES}
  ) WHERE {NOW_SCOPE} AND queue_name <> ''
), agents AS (
  {sql.newest(sql.JOB_AGENTS, "agent_state", NOW_SCOPE, "15m")}
), snapshot AS (
  SELECT DISTINCT instance_id FROM agents
), {waiting(CONTACT_SCOPE)}, {sql.today(CONTACT_SCOPE)}, {sql.last_15_minutes(CONTACT_SCOPE)},
today_figures AS (SELECT instance_id, queue_name, {figures} FROM today {by_queue}),
rolling_figures AS (SELECT instance_id, queue_name, {figures} FROM rolling {by_queue}),
window_figures AS (SELECT instance_id, queue_name, {figures} FROM windows {by_queue})
SELECT {select}
FROM queues q
LEFT JOIN snapshot s ON s.instance_id = q.instance_id
LEFT JOIN agents a ON a.instance_id = q.instance_id AND a.queue_name = q.queue_name
LEFT JOIN waiting w ON w.instance_id = q.instance_id AND w.queue_name = q.queue_name
LEFT JOIN connect_waiting c ON c.instance_id = q.instance_id AND c.queue_name = q.queue_name
LEFT JOIN today_figures today ON today.instance_id = q.instance_id AND today.queue_name = q.queue_name
LEFT JOIN rolling_instances ri ON ri.instance_id = q.instance_id
LEFT JOIN rolling_figures r ON r.instance_id = q.instance_id AND r.queue_name = q.queue_name
LEFT JOIN window_figures wi ON wi.instance_id = q.instance_id AND wi.queue_name = q.queue_name
ORDER BY q.queue_name
"""


BANDED = ("Oldest", *(f"{figure} {period}" for period in PERIODS for figure in ("Abandonment", "Service level")))
UNITS = {f"{figure} {period}": "s" for period in PERIODS for figure in ("AHT", "Answer time", "Max queued")}


def _band_mappings() -> list[model.ValueMapping]:
    """`/.../`: Grafana's stringToJsRegex takes the pattern as it is (a bare string would be wrapped in ^...$)."""
    return [
        model.RegexMap(
            options=model.DashboardRegexMapOptions(
                pattern=f"/^{name}\\{SEPARATOR}(.*)$/", result=model.ValueMappingResult(text="$1", color=colour)
            )
        )
        for name, colour in BANDS.items()
    ]


TITLE = "Queues now"
DESCRIPTION = (
    "One row per queue of the instance (its inventory and every table that has queues: a queue nobody staffs "
    "is listed too). In queue / Oldest: the job's live queue (queue_contacts_waiting) where it has the queue, "
    "else Connect's per-minute figures (instance_metrics). Agents: the job's newest snapshot; On contact "
    "includes ACW, as in Connect. Today: since local midnight (queue_contact_metrics_daily). 15 min: the job's "
    "rolling 15 minutes (queue_contact_metrics_rolling, or its 60 s windows when the job does not write the "
    "rolling view). Answer time: average queue time of answered contacts; Max queued: longest time in queue, "
    "abandoned included. Service level, Oldest and Abandonment are coloured by each queue's targets "
    "(grafana/targets.yaml)."
)
INFLUX_DESCRIPTION = (
    "One row per queue the job has figures for: staffed (agents in the last 15 minutes), with contacts waiting, "
    "or with contacts today (a queue nobody staffs is listed once a contact came). In queue / Oldest: the job's "
    "live queue (queue_contacts_waiting; a queue the job has not named yet is missing). Agents: the job's newest "
    "snapshot, blank for a queue nobody staffs; On contact includes ACW, as in Connect. Today: since local "
    "midnight (queue_contact_metrics_daily). 15 min: the job's 60 s windows ending in the last 15 minutes (its "
    "rolling row's contacts when it is up to date). Answer time: average queue time of answered contacts; Max "
    "queued: longest time in queue, abandoned included. Service level at each queue's own threshold. Service "
    "level, Oldest and Abandonment are coloured by the default targets of grafana/targets.yaml (InfluxQL cannot "
    "band a cell per queue; the Timestream dashboard applies each queue's targets). Connect's own figures are "
    "only in the Timestream dashboard."
)
COLUMNS = (
    "Queue",
    "In queue",
    "Oldest",
    *(label for _, label in AGENT_COLUMNS),
    *(f"{figure} {period}" for period in PERIODS for figure in CONTACT_FIGURES),
)


def organize(exclude: tuple[str, ...] = (), rename: dict[str, str] | None = None, order: tuple[str, ...] = ()):
    """Grafana's `organize` transformation: hide, rename and order fields (of each frame)."""
    return model.DataTransformerConfig(
        id_val="organize",
        options={
            "excludeByName": dict.fromkeys(exclude, True),
            "renameByName": rename or {},
            "indexByName": {name: index for index, name in enumerate(order)},
        },
    )


def influx_table_columns(panel: table.Panel, rename: dict[str, str]) -> table.Panel:
    """An InfluxQL table without its `Time` column (an aggregate's, not a figure) and with its tags renamed."""
    return panel.with_transformation(organize(("Time",), rename))


def queue_table(targets: Targets, store: Store = TIMESTREAM) -> table.Panel:
    if store.is_influxdb:
        return _influx_queue_table(targets)
    panel = table_panel(
        TITLE, DESCRIPTION, timestream(queue_table_sql(targets), wait_for_result=True), span=24, height=9
    )
    colour_cells = model.DynamicConfigValue(
        id_val="custom.cellOptions", value={"type": "color-background", "mode": "basic"}
    )
    for name in BANDED:
        panel = panel.override_by_name(
            name, [model.DynamicConfigValue(id_val="mappings", value=_band_mappings()), colour_cells]
        )
    for name, unit in UNITS.items():
        panel = panel.override_by_name(name, [model.DynamicConfigValue(id_val="unit", value=unit)])
    return panel


def _influx_queue_table(targets: Targets) -> table.Panel:
    queries = influxql.queue_table(targets.service_level_groups(), targets.default.service_level_column)
    refs = [chr(ord("A") + i) for i in range(len(queries))]
    panel = (
        table_panel(TITLE, INFLUX_DESCRIPTION, [influx_target(q, r) for q, r in zip(queries, refs, strict=True)])
        .span(24)
        .height(9)
        .with_transformation(organize(("Time",)))  # each target's own time, which differs: not a figure
        .with_transformation(model.DataTransformerConfig(id_val="merge", options={}))  # rows joined on the queue
        # organize orders by the fields' names before it renames them
        .with_transformation(organize(("instance_id",), {"queue_name": "Queue"}, ("queue_name", *COLUMNS[1:])))
        .sort_by([common.TableSortByFieldState().display_name("Queue")])
    )
    default = targets.default
    colour_cells = model.DynamicConfigValue(
        id_val="custom.cellOptions", value={"type": "color-background", "mode": "basic"}
    )
    bands = {"Oldest": ("s", default.oldest_steps())}
    for period in PERIODS:
        bands[f"Abandonment {period}"] = ("percentunit", default.abandonment_steps())
        bands[f"Service level {period}"] = ("percentunit", default.service_level_steps())
    for name, (unit, steps) in bands.items():
        panel = panel.override_by_name(
            name,
            [
                model.DynamicConfigValue(id_val="unit", value=unit),
                model.DynamicConfigValue(id_val="thresholds", value=thresholds(steps).build()),
                colour_cells,
            ],
        )
    for name, unit in UNITS.items():
        panel = panel.override_by_name(name, [model.DynamicConfigValue(id_val="unit", value=unit)])
    return panel
