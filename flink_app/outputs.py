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
    time_column: str
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]


AGENT_STATE_BY_QUEUE = OutputTable(
    "agent_state_by_queue", "snapshot_time", ("instance_id", "queue_id", "queue_name"), AGENT_STATE_MEASURES
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
