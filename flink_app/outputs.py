"""Output records: one JSON document per row, `{"table", "time", "dimensions", "measures", "version"}`.

The result tables come from the Java operators (`io.github.connectmonitor.metrics`); this module names
their columns and renders them for the sinks, in SQL (no Python on the rows).
"""

from dataclasses import dataclass

from flink_app.config import MetricsConfig

AGENT_STATE_MEASURES = (
    "agents_online",
    "agents_available",
    "agents_on_contact",
    "agents_after_contact_work",
    "agents_non_productive",
    "agents_error",
    "agents_staffed",
)


@dataclass(frozen=True, slots=True)
class OutputTable:
    name: str
    measure_name: str  # Timestream's name for the multi-measure record
    time_column: str
    dimensions: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]  # (name, SQL type)

    @property
    def measure_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.measures)

    def sink_columns(self) -> list[tuple[str, str]]:
        """Columns of a store's sink table (Timestream, InfluxDB): time, dimensions, version, then the measures."""
        dimensions = [(d, "STRING") for d in self.dimensions]
        return [("time", "TIMESTAMP(3)"), *dimensions, ("version", "BIGINT"), *self.measures]

    def sink_rows(self, source_view: str) -> str:
        """Rows in `sink_columns` order; `version` is the operators' (a correction has a higher one)."""
        columns = ", ".join((*self.dimensions, "version", *self.measure_names))
        return f"SELECT CAST({self.time_column} AS TIMESTAMP(3)) AS `time`, {columns} FROM {source_view}"


AGENT_STATE_BY_QUEUE = OutputTable(
    "agent_state_by_queue",
    "agent_state",
    "snapshot_time",
    ("instance_id", "queue_id", "queue_name"),
    tuple((m, "BIGINT") for m in AGENT_STATE_MEASURES),
)


def contact_measures(thresholds_seconds: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
    """In the order of the Java `WindowFigures.measureNames`."""
    counts = ("contacts_queued", "contacts_handled", "contacts_abandoned")
    rates = ("abandonment_rate", *(f"service_level_{x}s" for x in thresholds_seconds))
    times = (
        "handle_time_avg_seconds",
        "handle_time_p50_seconds",
        "handle_time_p90_seconds",
        "handle_time_p95_seconds",
        "handle_time_p99_seconds",
        "queue_wait_avg_seconds",
        "queue_wait_p90_seconds",
        "abandon_time_avg_seconds",
        "queue_time_max_seconds",
        "hold_time_avg_seconds",
        "after_contact_work_avg_seconds",
    )
    return (*((m, "BIGINT") for m in counts), *((m, "DOUBLE") for m in rates + times))


CONTACT_DIMENSIONS = ("instance_id", "queue_id", "queue_name", "channel")


def queue_contact_metrics(thresholds_seconds: tuple[int, ...] = (20, 60)) -> OutputTable:
    """Tumbling windows of `contact.window.seconds`, at the window end."""
    return OutputTable(
        "queue_contact_metrics",
        "contact_metrics",
        "window_end",
        CONTACT_DIMENSIONS,
        contact_measures(thresholds_seconds),
    )


def queue_contact_metrics_rolling(thresholds_seconds: tuple[int, ...] = (20, 60)) -> OutputTable:
    """The last `contact.rolling.seconds` at every window end."""
    return OutputTable(
        "queue_contact_metrics_rolling",
        "contact_metrics_rolling",
        "window_end",
        CONTACT_DIMENSIONS,
        contact_measures(thresholds_seconds),
    )


def queue_contact_metrics_daily(thresholds_seconds: tuple[int, ...] = (20, 60)) -> OutputTable:
    """Since local midnight (`contact.daily.timezone`), at the UTC instant of that midnight."""
    return OutputTable(
        "queue_contact_metrics_daily",
        "contact_metrics_daily",
        "day_start",
        CONTACT_DIMENSIONS,
        contact_measures(thresholds_seconds),
    )


QUEUE_CONTACTS_WAITING = OutputTable(
    "queue_contacts_waiting",
    "contacts_waiting",
    "snapshot_time",
    CONTACT_DIMENSIONS,
    (("contacts_in_queue", "BIGINT"), ("oldest_contact_age_seconds", "DOUBLE")),
)


def tables(metrics: MetricsConfig) -> dict[str, OutputTable]:
    """The job's result tables for a configuration (the service-level measures follow the thresholds)."""
    thresholds = metrics.service_level_thresholds_seconds
    contacts = (queue_contact_metrics, queue_contact_metrics_rolling, queue_contact_metrics_daily)
    return {t.name: t for t in (AGENT_STATE_BY_QUEUE, *(view(thresholds) for view in contacts), QUEUE_CONTACTS_WAITING)}


# The tables the job writes (the Terraform tests compare the names with `timestream_tables`).
TABLES = {
    t.name: t
    for t in (
        AGENT_STATE_BY_QUEUE,
        queue_contact_metrics(),
        queue_contact_metrics_rolling(),
        queue_contact_metrics_daily(),
        QUEUE_CONTACTS_WAITING,
    )
}
DEAD_LETTER = "dead_letter"


def record_document(table: OutputTable, source_view: str, with_table: bool = False) -> str:
    """SQL for one written record as JSON, `{time, dimensions, measures, version}` (absent measures left
    out); with `table` too for the print sink, which carries every table in one stream."""
    name = f"'table' VALUE '{table.name}', " if with_table else ""
    dims = ", ".join(f"'{d}' VALUE {d}" for d in table.dimensions)
    measures = ", ".join(f"'{m}' VALUE {m}" for m in table.measure_names)
    return (
        f"SELECT JSON_OBJECT({name}"
        f"'time' VALUE DATE_FORMAT({table.time_column}, 'yyyy-MM-dd''T''HH:mm:ss''Z'''), "
        f"'dimensions' VALUE JSON_OBJECT({dims}), 'measures' VALUE JSON_OBJECT({measures} ABSENT ON NULL), "
        f"'version' VALUE version) AS document FROM {source_view}"
    )


def as_json_document(table: OutputTable, source_view: str) -> str:
    return record_document(table, source_view, with_table=True)


def dead_letter_document(dead_letter_view: str, with_table: bool = True) -> str:
    table = f"'table' VALUE '{DEAD_LETTER}', " if with_table else ""
    return (
        f"SELECT JSON_OBJECT({table}'reason' VALUE reason, 'record' VALUE record) AS document FROM {dead_letter_view}"
    )
