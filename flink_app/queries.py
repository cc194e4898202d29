"""The job's SQL before the Java operators: the parse step over the raw stream."""

from flink_app.parsing import PARSED_COLUMNS

PARSED_VIEW = "parsed_records"


def parsed_records(source_table: str) -> str:
    """One parsed row per raw record, with the record's event time (see `flink_app.parsing`)."""
    columns = ", ".join(f"p.{c}" for c in PARSED_COLUMNS)
    return (
        f"SELECT event_time, {columns} FROM {source_table}, "
        f"LATERAL TABLE(parse_connect_record(data)) AS p({', '.join(PARSED_COLUMNS)})"
    )
