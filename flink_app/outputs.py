"""Output records: one JSON document per row, `{"table", "time", "dimensions", "measures", "version"}`."""

from dataclasses import dataclass

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
    measures: tuple[str, ...]
    measure_sql_type: str = "BIGINT"

    def timestream_columns(self) -> list[tuple[str, str]]:
        """Columns of the Timestream sink table: time, dimensions, version, then the measures."""
        return [
            ("time", "TIMESTAMP(3)"),
            *((d, "STRING") for d in self.dimensions),
            ("version", "BIGINT"),
            *((m, self.measure_sql_type) for m in self.measures),
        ]

    def timestream_rows(self, source_view: str) -> str:
        """Rows in `timestream_columns` order. Snapshots are final when their window closes: version 1."""
        columns = ", ".join((*self.dimensions, "CAST(1 AS BIGINT) AS version", *self.measures))
        return f"SELECT CAST({self.time_column} AS TIMESTAMP(3)) AS `time`, {columns} FROM {source_view}"


AGENT_STATE_BY_QUEUE = OutputTable(
    "agent_state_by_queue",
    "agent_state",
    "snapshot_time",
    ("instance_id", "queue_id", "queue_name"),
    AGENT_STATE_MEASURES,
)
TABLES = {t.name: t for t in (AGENT_STATE_BY_QUEUE,)}
DEAD_LETTER = "dead_letter"


def as_json_document(table: OutputTable, source_view: str) -> str:
    """SQL turning a result view into the JSON output contract (built in the JVM, no Python)."""
    dims = ", ".join(f"'{d}' VALUE {d}" for d in table.dimensions)
    measures = ", ".join(f"'{m}' VALUE {m}" for m in table.measures)
    return (
        f"SELECT JSON_OBJECT('table' VALUE '{table.name}', "
        f"'time' VALUE DATE_FORMAT({table.time_column}, 'yyyy-MM-dd''T''HH:mm:ss''Z'''), "
        f"'dimensions' VALUE JSON_OBJECT({dims}), 'measures' VALUE JSON_OBJECT({measures}), "
        f"'version' VALUE 1) AS document FROM {source_view}"
    )


def dead_letter_document(parsed_view: str) -> str:
    return (
        f"SELECT JSON_OBJECT('table' VALUE '{DEAD_LETTER}', 'reason' VALUE reason, 'record' VALUE raw_record) "
        f"AS document FROM {parsed_view} WHERE kind = 'dead_letter'"
    )
